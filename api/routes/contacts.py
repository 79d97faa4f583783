"""Contacts: calls, SMS, emails, website messages, visits and letters."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from api.auth import Principal
from api.deps import AppDep, ExpectedVersion, IdempotencyKey, require
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.routes.common import WRITE, set_etag
from api.schemas.cases import ContactIn
from api.schemas.common import CaseWritten
from domain.case_values import Channel

router = APIRouter(prefix="/v1/cases", tags=["contacts"])


def channel_fields(body: ContactIn) -> dict[str, Any]:
    """The fields only a visit or a letter carries."""
    if body.channel is Channel.VISIT:
        return {"staff": body.staff, "visit_id": body.visit_id}
    if body.channel is Channel.LETTER:
        return {
            "letter_kind": body.letter_kind,
            "document_sha256": body.document_sha256 or "",
            "delivery_evidence": body.delivery_evidence,
        }
    return {}


@router.post("/{case_id}/contacts", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Log a contact")
def log_contact(
    case_id: UUID,
    body: ContactIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.LOG_CONTACT))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Log a contact of any channel; a contact-policy violation is refused with its rule id (422).

    A supervisor may send ``override_reason`` to break a rule; the overridden rule ids are recorded.
    """
    if body.override_reason and not allowed(Permission.OVERRIDE_CONTACT_POLICY, who.role):
        raise ApiError(403, "only a supervisor may override the contact policy", code="forbidden")
    if body.channel is Channel.LETTER and (body.letter_kind is None or body.document_sha256 is None):
        raise ApiError(422, "a letter needs letter_kind and document_sha256", code="invalid-input")
    new_version = app.log_contact(
        case_id,
        channel=body.channel,
        party=body.party,
        outcome=body.outcome,
        actor=who.actor,
        direction=body.direction,
        summary=body.summary,
        feedback=body.feedback,
        next_step=body.next_step,
        override_reason=body.override_reason,
        expected_version=version,
        occurred_at=body.occurred_at,
        **channel_fields(body),
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)
