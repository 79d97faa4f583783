"""Cases: open, list, read, assign, assess, escalate, resolve."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.auth import Principal
from api.deps import AppDep, ReadsDep, Write, require, writes
from api.errors import ApiError
from api.paging import CURSOR, LIMIT, linked
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
from domain.errors import NotFoundError
from domain.money import Money
from projections.models import CaseList, CaseProgress
from projections.paging import DEFAULT_LIMIT, MAX_LIMIT
from projections.search_keys import MAX_QUERY, search_key

router = APIRouter(prefix="/v1/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]
SEARCH = (
    "a loan id, firm name (Chinese or Latin, any case) or unified social credit code, whole or its start: "
    "`HD-2024-03`, `华东`, `91310000`"
)


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
    request: Request,
    reads: ReadsDep,
    _who: Reader,
    tier: Annotated[Tier | None, Query(description="only cases of this tier")] = None,
    status: Annotated[CaseStatus | None, Query(description="only cases in this status")] = None,
    collector: Annotated[str | None, Query(max_length=200, description="only this collector's cases")] = None,
    department: Annotated[
        Department | None, Query(description="only cases with an open task for this department")
    ] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=MAX_QUERY, description=SEARCH)] = None,
    cursor: Annotated[str | None, Query(max_length=500, description=CURSOR)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT)] = DEFAULT_LIMIT,
) -> CaseList:
    """Cases filtered by tier, status, collector and department and found by `q` (a loan id, firm name or credit
    code, or its start: exact matches first, then by loan id; without `q`, by case id), a page at a time with the
    total, each with its firm, tier, days past due and named next action."""
    if q is not None and not search_key(q):
        raise ApiError(422, "q is blank: give a loan id, firm name or credit code, or its start", code="invalid-input")
    page = reads.list_cases(
        tier.value if tier else None,
        status.value if status else None,
        collector,
        department.value if department else None,
        cursor,
        limit,
        q=q,
    )
    return linked(request, page)


@router.get("/by-loan/{loan_id}", responses=READ_ONE, summary="Find a case by its loan id")
def case_by_loan(
    loan_id: Annotated[str, Path(min_length=1, max_length=200, description="the loan id, exactly")],
    app: AppDep,
    reads: ReadsDep,
    _who: Reader,
    response: Response,
) -> CaseProgress:
    """The case of a loan (its id is the uuid5 of the loan id), as `GET /v1/cases/{case_id}` answers it."""
    try:
        progress = reads.case_progress(app.case_id_for(loan_id))
    except NotFoundError:
        found_by = f"GET /v1/cases?q={quote(loan_id)} finds loans starting so"
        raise NotFoundError(f"no case for loan {loan_id!r} ({found_by})") from None
    set_etag(response, progress.version)
    return progress


@router.get("/{case_id}", responses=READ_ONE, summary="Read a case's progress")
def get_case(case_id: PathId, reads: ReadsDep, _who: Reader, response: Response) -> CaseProgress:
    """Status, tier, balances, firm, last contact and next action (named); the ETag is the case's version."""
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
