"""Commands that record contact with the enterprise, each channel with its own facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.commands.base import CaseCommand
from domain.case.values import Channel, ContactOutcome, Direction, LetterKind
from domain.errors import InvariantError


@dataclass(frozen=True, kw_only=True, slots=True)
class VisitFacts:
    """What only an on-site visit carries: the staff who went, and the scheduled visit it completes."""

    staff: tuple[str, ...]
    visit_id: str | None = None

    def event_fields(self) -> dict[str, Any]:
        """The visit's fields as the VisitCompleted event names them."""
        return {"staff": list(self.staff), "visit_id": self.visit_id}


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterFacts:
    """What only a letter carries: its kind, the document's sha256 and the evidence it was delivered."""

    letter_kind: LetterKind
    document_sha256: str
    delivery_evidence: str = ""

    def event_fields(self) -> dict[str, Any]:
        """The letter's fields as the LetterSent event names them."""
        return {
            "letter_kind": self.letter_kind,
            "document_sha256": self.document_sha256,
            "delivery_evidence": self.delivery_evidence,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class LogContact(CaseCommand):
    """Log a call, SMS, email, website message, visit (with ``visit``) or letter (with ``letter``).

    A contact that happened is recorded: one that broke a rule of the contact policy carries the rule ids as
    ``breached_rules`` (a supervisor's ``override_reason`` makes them ``overridden_rules``). It may carry its
    proof (``recording_id``, ``message_id``, ``tracking_number``).
    """

    channel: Channel
    party: str
    outcome: ContactOutcome
    direction: Direction = Direction.OUTBOUND
    summary: str = ""
    feedback: str = ""
    next_step: str = ""
    override_reason: str | None = None
    visit: VisitFacts | None = None
    letter: LetterFacts | None = None
    #: proof of the contact: a call's or visit's recording id, a message's id, a letter's tracking number
    recording_id: str = ""
    message_id: str = ""
    tracking_number: str = ""
    #: an outbound SMS or email asks for payment (the default): delivered with its message id, it interrupts the
    #: limitation period (Civil Code art. 195(1)); False for a message that demands nothing (e.g. an offer of help)
    demand: bool = True
    #: the party acknowledged the debt and agreed to perform on this contact (art. 195(2)); needs its proof
    acknowledged: bool = False

    def proof(self) -> dict[str, str]:
        """The proof given (the case checks it fits the channel)."""
        return {
            "recording_id": self.recording_id,
            "message_id": self.message_id,
            "tracking_number": self.tracking_number,
        }

    def __post_init__(self) -> None:
        if (self.channel is Channel.VISIT) != (self.visit is not None):
            raise InvariantError("a visit, and only a visit, names its staff (visit facts)")
        if (self.channel is Channel.LETTER) != (self.letter is not None):
            raise InvariantError("a letter, and only a letter, carries letter_kind and document_sha256")

    def channel_fields(self) -> dict[str, Any]:
        """The fields only this contact's channel carries."""
        facts = self.visit or self.letter
        return facts.event_fields() if facts is not None else {}


@dataclass(frozen=True, kw_only=True, slots=True)
class ScheduleVisit(CaseCommand):
    """Plan an on-site visit within the contact policy (hours, staff, known party); answers with its id."""

    planned_at: datetime
    party: str
    staff: tuple[str, ...] = field(default=())
    purpose: str = ""
    visit_id: str | None = None
    override_reason: str | None = None
