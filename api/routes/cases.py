"""Cases: open, list, read, assign, assess, escalate, resolve."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth import Principal
from api.deps import AppDep, ExpectedVersion, IdempotencyKey, ReadsDep, require
from api.permissions import Permission
from api.routes.common import READ, READ_ONE, WRITE, set_etag
from api.schemas.cases import (
    AssessmentOut,
    AssignmentIn,
    CaseCreated,
    CaseList,
    CaseOpenIn,
    CaseProgress,
    EscalationIn,
    ReasonOut,
    ResolutionIn,
)
from api.schemas.common import CaseWritten
from domain.case_values import CaseStatus, Department, Tier
from domain.money import Money

router = APIRouter(prefix="/v1/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Open a case")
def open_case(
    body: CaseOpenIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.OPEN_CASE))],
    response: Response,
    _key: IdempotencyKey,
) -> CaseCreated:
    """Open a case for an overdue loan of a registered enterprise (optionally assigning a collector)."""
    case_id = app.open_case(
        loan_id=body.loan_id,
        enterprise_id=UUID(body.enterprise_id),
        principal=Money.parse(body.principal, body.currency),
        outstanding=Money.parse(body.outstanding, body.currency),
        overdue_amount=Money.parse(body.overdue_amount, body.currency),
        overdue_since=body.overdue_since,
        actor=who.actor,
        occurred_at=body.occurred_at,
    )
    version = 1
    if body.collector:
        version = app.assign_collector(case_id, body.collector, who.actor, occurred_at=body.occurred_at)
    response.headers["Location"] = f"/v1/cases/{case_id}"
    set_etag(response, version)
    return CaseCreated(case_id=str(case_id), version=version)


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
    page = reads.list_cases(
        tier.value if tier else None,
        status.value if status else None,
        collector,
        department.value if department else None,
        cursor,
        limit,
    )
    return CaseList.model_validate(page)


@router.get("/{case_id}", responses=READ_ONE, summary="Read a case's progress")
def get_case(case_id: UUID, reads: ReadsDep, _who: Reader, response: Response) -> CaseProgress:
    """Status, tier, balances, last contact and next action due; the ETag is the case's version."""
    progress = CaseProgress.model_validate(reads.case_progress(case_id))
    set_etag(response, progress.version)
    return progress


@router.post(
    "/{case_id}/assignment", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Assign a collector"
)
def assign_collector(
    case_id: UUID,
    body: AssignmentIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.ASSIGN_COLLECTOR))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Make a collector responsible for the case (supervisors)."""
    new_version = app.assign_collector(
        case_id, body.collector, who.actor, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)


@router.post(
    "/{case_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
    summary="Assess the case's risk",
)
def assess_case(
    case_id: UUID,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.ASSESS))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> AssessmentOut:
    """Run the risk model on the enterprise's statements and history; the policy's strategy,
    deadlines and tasks for the tier follow."""
    result = app.assess_case(case_id, who.actor, expected_version=version)
    set_etag(response, result.version)
    return AssessmentOut(
        case_id=str(case_id),
        version=result.version,
        tier=result.tier.value,
        score=result.score,
        reasons=[ReasonOut(code=r.code, message=r.message) for r in result.reasons],
        model_version=result.model_version,
        policy_version=result.policy_version,
        strategy_assigned=result.strategy_assigned,
    )


@router.post(
    "/{case_id}/escalations", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Escalate the case"
)
def escalate(
    case_id: UUID,
    body: EscalationIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.ESCALATE))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Move the case to a firmer tier (only upwards)."""
    new_version = app.escalate(
        case_id, body.to_tier, body.reason, who.actor, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)


@router.post("/{case_id}/resolution", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Resolve the case")
def resolve(
    case_id: UUID,
    body: ResolutionIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.RESOLVE))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Record how the case ended: paid_in_full, restructured, settled or written_off."""
    new_version = app.resolve_case(
        case_id, body.resolution, who.actor, body.remark, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)
