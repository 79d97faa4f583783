"""The acts on a case that time and people add: deadlines set and cancelled by hand, de-escalation,
disputes, legal action, reopening and closing, planned visits. Each route builds one command."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from api.deps import Write, writes
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.routes.common import WRITE
from api.schemas.acts import (
    ClosureIn,
    DeadlineCreated,
    DeadlineIn,
    DeescalationIn,
    DisputeResolutionIn,
    LegalActionIn,
    ReasonIn,
    VisitCreated,
    VisitIn,
)
from api.schemas.common import CaseWritten, PathId
from api.schemas.legal import LegalActionCreated
from application.commands import (
    CancelDeadline,
    CloseCase,
    Deescalate,
    RaiseDispute,
    ReopenCase,
    ResolveDispute,
    ScheduleVisit,
    SetDeadline,
    StartLegalAction,
)

router = APIRouter(prefix="/v1/cases", tags=["case acts"])
DeadlineId = Annotated[str, Path(max_length=200, description="the deadline's id")]


def created(summary: str, model: type = CaseWritten) -> dict[str, Any]:
    """The decorator arguments every write here shares."""
    return {"status_code": status.HTTP_201_CREATED, "response_model": model, "responses": WRITE, "summary": summary}


@router.post("/{case_id}/deadlines", **created("Set a deadline", DeadlineCreated))
async def set_deadline(
    case_id: PathId, body: DeadlineIn, write: Annotated[Write, writes(Permission.MANAGE_DEADLINES)]
) -> Response:
    """Set a deadline by hand: what meets it, and what the scheduler does if it passes unmet."""
    outcome = await write.send(
        SetDeadline(
            kind=body.kind,
            due_at=body.due_at,
            action=body.action,
            met_by=tuple(body.met_by),
            **write.on_case(case_id, body),
        )
    )
    model = DeadlineCreated(case_id=str(case_id), version=outcome.version, deadline_id=outcome.result)
    return write.created(model, outcome.version)


@router.post("/{case_id}/deadlines/{deadline_id}/cancellation", **created("Cancel a deadline"))
async def cancel_deadline(
    case_id: PathId,
    deadline_id: DeadlineId,
    body: ReasonIn,
    write: Annotated[Write, writes(Permission.MANAGE_DEADLINES)],
) -> Response:
    """Withdraw an open deadline, saying why."""
    command = CancelDeadline(deadline_id=deadline_id, reason=body.reason, **write.on_case(case_id, body))
    return write.case_written(case_id, await write.send(command))


@router.post("/{case_id}/deescalations", **created("Lower the case's tier"))
async def deescalate(
    case_id: PathId, body: DeescalationIn, write: Annotated[Write, writes(Permission.DEESCALATE)]
) -> Response:
    """A supervisor lowers the tier, with a reason, once nothing is overdue; the lower tier's treatment applies."""
    command = Deescalate(to_tier=body.to_tier, reason=body.reason, **write.on_case(case_id, body))
    return write.case_written(case_id, await write.send(command))


@router.post("/{case_id}/disputes", **created("Raise a dispute"))
async def raise_dispute(
    case_id: PathId, body: ReasonIn, write: Annotated[Write, writes(Permission.DISPUTE)]
) -> Response:
    """The enterprise disputes the debt."""
    return write.case_written(
        case_id, await write.send(RaiseDispute(reason=body.reason, **write.on_case(case_id, body)))
    )


@router.post("/{case_id}/disputes/resolution", **created("Resolve the dispute"))
async def resolve_dispute(
    case_id: PathId, body: DisputeResolutionIn, write: Annotated[Write, writes(Permission.DISPUTE)]
) -> Response:
    """The dispute was settled."""
    command = ResolveDispute(outcome=body.outcome, **write.on_case(case_id, body))
    return write.case_written(case_id, await write.send(command))


@router.post("/{case_id}/legal-actions", **created("Start legal action", LegalActionCreated))
async def start_legal_action(
    case_id: PathId, body: LegalActionIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """Litigation, asset preservation, arbitration or a lawyer's letter begins; answers with its id."""
    command = StartLegalAction(kind=body.kind, summary=body.summary, **write.on_case(case_id, body))
    outcome = await write.send(command)
    model = LegalActionCreated(case_id=str(case_id), version=outcome.version, action_id=str(outcome.result))
    return write.created(model, outcome.version)


@router.post("/{case_id}/reopening", **created("Reopen the case"))
async def reopen(case_id: PathId, body: ReasonIn, write: Annotated[Write, writes(Permission.RESOLVE)]) -> Response:
    """A resolved case needs collecting again."""
    return write.case_written(case_id, await write.send(ReopenCase(reason=body.reason, **write.on_case(case_id, body))))


@router.post("/{case_id}/closure", **created("Close the case"))
async def close(case_id: PathId, body: ClosureIn, write: Annotated[Write, writes(Permission.RESOLVE)]) -> Response:
    """File a resolved case away for good."""
    return write.case_written(case_id, await write.send(CloseCase(reason=body.reason, **write.on_case(case_id, body))))


@router.post("/{case_id}/visits", **created("Plan a visit", VisitCreated))
async def schedule_visit(
    case_id: PathId, body: VisitIn, write: Annotated[Write, writes(Permission.LOG_CONTACT)]
) -> Response:
    """Plan an on-site visit (office hours, two staff, a known party); a supervisor may override the policy."""
    if body.override_reason and not allowed(Permission.OVERRIDE_CONTACT_POLICY, write.who.role):
        raise ApiError(403, "only a supervisor may override the contact policy", code="forbidden")
    outcome = await write.send(
        ScheduleVisit(
            planned_at=body.planned_at,
            party=body.party,
            staff=tuple(body.staff),
            purpose=body.purpose,
            override_reason=body.override_reason,
            **write.on_case(case_id, body),
        )
    )
    model = VisitCreated(case_id=str(case_id), version=outcome.version, visit_id=outcome.result)
    return write.created(model, outcome.version)
