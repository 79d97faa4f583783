"""Contacts: calls, SMS, emails, website messages, visits and letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth import Principal
from api.deps import AppDep, Write, require, writes
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.routes.common import READ_ONE, WRITE
from api.schemas.cases import BrokenRule, ContactCheckOut, ContactIn
from api.schemas.common import CaseWritten, PathId
from api.schemas.query import QueryTime
from application.commands import LetterFacts, LogContact, VisitFacts
from domain.case.values import Channel, LetterKind

router = APIRouter(prefix="/v1/cases", tags=["contacts"])


def visit_facts(body: ContactIn) -> VisitFacts | None:
    """What a visit carries besides the common fields."""
    if body.channel is not Channel.VISIT:
        return None
    return VisitFacts(staff=tuple(body.staff), visit_id=body.visit_id)


def letter_facts(body: ContactIn) -> LetterFacts | None:
    """What a letter carries besides the common fields; 422 when its kind or document is missing."""
    if body.channel is not Channel.LETTER:
        return None
    if body.letter_kind is None or body.document_sha256 is None:
        raise ApiError(422, "a letter needs letter_kind and document_sha256", code="invalid-input")
    return LetterFacts(
        letter_kind=body.letter_kind, document_sha256=body.document_sha256, delivery_evidence=body.delivery_evidence
    )


@router.post(
    "/{case_id}/contacts",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Log a contact",
)
async def log_contact(
    case_id: PathId, body: ContactIn, write: Annotated[Write, writes(Permission.LOG_CONTACT)]
) -> Response:
    """Log a contact of any channel. A contact that happened is always recorded: one that broke the contact
    policy carries the rule ids as ``breached_rules`` and queues a task for the supervisor; a supervisor's
    ``override_reason`` makes the broken rules an approved exception (``overridden_rules``).
    """
    if body.override_reason and not allowed(Permission.OVERRIDE_CONTACT_POLICY, write.who.role):
        raise ApiError(403, "only a supervisor may override the contact policy", code="forbidden")
    contact = LogContact(
        channel=body.channel,
        party=body.party,
        outcome=body.outcome,
        direction=body.direction,
        summary=body.summary,
        feedback=body.feedback,
        next_step=body.next_step,
        override_reason=body.override_reason,
        visit=visit_facts(body),
        letter=letter_facts(body),
        recording_id=body.recording_id,
        message_id=body.message_id,
        tracking_number=body.tracking_number,
        demand=body.demand,
        acknowledged=body.acknowledged,
        **write.on_case(case_id, body),
    )
    return write.case_written(case_id, await write.send(contact))


@router.get("/{case_id}/contact-check", responses=READ_ONE, summary="May this contact be made?")
def contact_check(
    case_id: PathId,
    app: AppDep,
    _who: Annotated[Principal, Depends(require(Permission.LOG_CONTACT))],
    channel: Annotated[Channel, Query(description="the channel of the contact")],
    party: Annotated[str, Query(min_length=1, max_length=200, description="whom it would reach")],
    at: Annotated[
        QueryTime | None,
        Query(description="when, with its UTC offset, + as %2B (default now); a call is judged as connecting"),
    ] = None,
    staff: Annotated[list[str] | None, Query(max_length=20, description="a visit's staff")] = None,
    letter_kind: Annotated[
        LetterKind | None, Query(description="a letter's kind: a lawyer's letter is a legal act do-not-contact allows")
    ] = None,
) -> ContactCheckOut:
    """Before acting, a collector or a dialler asks whether an outbound contact would break the contact
    policy: ``allowed`` or the rules that forbid it. Nothing is recorded; a contact made anyway is recorded
    with its breaches (see POST /contacts)."""
    moment = at or app.clock.now()
    check = app.contact_check(case_id, channel=channel, party=party, at=moment, staff=staff, letter_kind=letter_kind)
    return ContactCheckOut(
        allowed=check.allowed, rules=[BrokenRule(rule_id=v.rule_id, message=v.message) for v in check.violations]
    )
