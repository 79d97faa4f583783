"""Cases: open, list, read, assign, assess, escalate, resolve."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth import Principal
from api.deps import ReadsDep, Write, require, writes
from api.permissions import Permission
from api.routes.common import READ, READ_ONE, WRITE, set_etag
from api.routes.ledger import schedule_of, terms_of
from api.schemas.cases import (
    AssessmentOut,
    AssignmentIn,
    CaseCreated,
    CaseOpenIn,
    EscalationIn,
    ReasonOut,
    ResolutionIn,
)
from api.schemas.common import CaseWritten, PathId
from application.commands import AssessRisk, AssignCollector, Escalate, OpenCase, ResolveCase
from application.handlers.strategy import Assessment
from domain.case.values import CaseStatus, Department, Tier
from domain.money import Money
from projections.models import CaseList, CaseProgress

router = APIRouter(prefix="/v1/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=CaseCreated, responses=WRITE, summary="Open a case"
)
async def open_case(
    body: CaseOpenIn,
    write: Annotated[Write, writes(Permission.OPEN_CASE, pins_version=False)],
) -> Response:
    """Open a case for an overdue loan of a registered enterprise (optionally assigning a collector)."""
    opened = await write.send(
        OpenCase(
            loan_id=body.loan_id,
            enterprise_id=UUID(body.enterprise_id),
            principal=Money.parse(body.principal, body.currency),
            outstanding=Money.parse(body.outstanding, body.currency),
            overdue_amount=None if body.overdue_amount is None else Money.parse(body.overdue_amount, body.currency),
            overdue_since=body.overdue_since,
            dues=schedule_of(body),
            terms=terms_of(body.terms),
            actor=write.actor,
            occurred_at=body.occurred_at,
        )
    )
    case_id, version = opened.result, opened.version
    if body.collector:
        version = (await write.send(AssignCollector(collector=body.collector, **write.on_case(case_id, body)))).version
    return write.created(CaseCreated(case_id=str(case_id), version=version), version, location=f"/v1/cases/{case_id}")


@router.get("", responses=READ, summary="List cases")
def list_cases(
    reads: ReadsDep,
    _who: Reader,
    tier: Annotated[Tier | None, Query(description="only cases of this tier")] = None,
    status: Annotated[CaseStatus | None, Query(description="only cases in this status")] = None,
    collector: Annotated[str | None, Query(max_length=200, description="only this collector's cases")] = None,
    department: Annotated[
        Department | None, Query(description="only cases with an open task for this department")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500, description="from a previous page's next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="page size")] = 50,
) -> CaseList:
    """Cases, oldest first, filtered by tier, status, collector and department, one page at a time."""
    return reads.list_cases(
        tier.value if tier else None,
        status.value if status else None,
        collector,
        department.value if department else None,
        cursor,
        limit,
    )


@router.get("/{case_id}", responses=READ_ONE, summary="Read a case's progress")
def get_case(case_id: PathId, reads: ReadsDep, _who: Reader, response: Response) -> CaseProgress:
    """Status, tier, balances, last contact and next action due; the ETag is the case's version."""
    progress = reads.case_progress(case_id)
    set_etag(response, progress.version)
    return progress


@router.post(
    "/{case_id}/assignment",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Assign a collector",
)
async def assign_collector(
    case_id: PathId,
    body: AssignmentIn,
    write: Annotated[Write, writes(Permission.ASSIGN_COLLECTOR)],
) -> Response:
    """Make a collector responsible for the case (supervisors)."""
    return write.case_written(
        case_id, await write.send(AssignCollector(collector=body.collector, **write.on_case(case_id, body)))
    )


@router.post(
    "/{case_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentOut,
    responses=WRITE,
    summary="Assess the case's risk",
)
async def assess_case(
    case_id: PathId,
    write: Annotated[Write, writes(Permission.ASSESS)],
) -> Response:
    """Run the risk model on the enterprise's statements and history; the policy's strategy,
    deadlines and tasks for the tier follow."""
    outcome = await write.send(AssessRisk(**write.on_case(case_id)))
    result: Assessment = outcome.result
    return write.created(
        AssessmentOut(
            case_id=str(case_id),
            version=outcome.version,
            tier=result.tier.value,
            score=result.score,
            reasons=[ReasonOut(code=r.code, message=r.message) for r in result.reasons],
            model_version=result.model_version,
            policy_version=result.policy_version,
            strategy_assigned=result.strategy_assigned,
        ),
        outcome.version,
    )


@router.post(
    "/{case_id}/escalations",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Escalate the case",
)
async def escalate(
    case_id: PathId,
    body: EscalationIn,
    write: Annotated[Write, writes(Permission.ESCALATE)],
) -> Response:
    """Move the case to a firmer tier (only upwards)."""
    return write.case_written(
        case_id, await write.send(Escalate(to_tier=body.to_tier, reason=body.reason, **write.on_case(case_id, body)))
    )


@router.post(
    "/{case_id}/resolution",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Resolve the case",
)
async def resolve(
    case_id: PathId,
    body: ResolutionIn,
    write: Annotated[Write, writes(Permission.RESOLVE)],
) -> Response:
    """Record how the case ended: paid_in_full, restructured, settled or written_off."""
    return write.case_written(
        case_id,
        await write.send(ResolveCase(resolution=body.resolution, remark=body.remark, **write.on_case(case_id, body))),
    )
