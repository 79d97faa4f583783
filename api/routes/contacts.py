"""Contacts: calls, SMS, emails, website messages, visits and letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from api.deps import Write, writes
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.routes.common import WRITE
from api.schemas.cases import ContactIn
from api.schemas.common import CaseWritten, PathId
from application.commands import LetterFacts, LogContact, VisitFacts
from domain.case.values import Channel

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
    """Log a contact of any channel; a contact-policy violation is refused with its rule id (422).

    A supervisor may send ``override_reason`` to break a rule; the overridden rule ids are recorded.
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
        **write.on_case(case_id, body),
    )
    return write.case_written(case_id, write.send(contact))
