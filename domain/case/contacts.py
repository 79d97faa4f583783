"""Contacts with the enterprise: every channel's contact, and scheduled visits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.act import Act
from domain.case.checks import check_sha256
from domain.case.events import (
    CallLogged,
    ContactEvent,
    EmailSent,
    LetterSent,
    SmsSent,
    TaskAssigned,
    VisitCompleted,
    VisitScheduled,
    WebsiteMessagePosted,
)
from domain.case.guarantees import GuaranteeCommands
from domain.case.values import (
    Channel,
    ContactOutcome,
    Department,
    Direction,
    GuaranteeType,
    GuarantorLimitationCause,
    LetterKind,
    LimitationCause,
)
from domain.errors import DuplicateError, InvariantError, NotFoundError
from domain.legal_clock import message_demand_delivered, restarts_limitation
from domain.rules import check_aware, check_not_blank, local_date

DELIVERED = ContactOutcome.DELIVERED
#: the proof each channel may carry
PROOFS: dict[str, frozenset[Channel]] = {
    "recording_id": frozenset({Channel.PHONE, Channel.VISIT}),
    "message_id": frozenset({Channel.SMS, Channel.EMAIL, Channel.WEBSITE}),
    "tracking_number": frozenset({Channel.LETTER}),
}
#: the longest proof reference kept
PROOF_MAX_LENGTH = 200


def check_proof(channel: Channel, proof: dict[str, str]) -> dict[str, str]:
    """A contact's proof: a call's or visit's recording id, a message's id, a letter's tracking number, each
    only on its channels, printable and at most 200 characters; blanks dropped."""
    kept = {}
    for name, value in proof.items():
        if name not in PROOFS:
            raise InvariantError(f"a contact's proof is one of {sorted(PROOFS)}, not {name!r}")
        value = (value or "").strip()
        if not value:
            continue
        if channel not in PROOFS[name]:
            raise InvariantError(f"a {channel} contact does not carry a {name}")
        if len(value) > PROOF_MAX_LENGTH or not value.isprintable():
            raise InvariantError(f"{name} must be printable text of at most {PROOF_MAX_LENGTH} characters")
        kept[name] = value
    return kept


#: the event each channel's contact is recorded as
CONTACT_EVENTS: dict[Channel, type[ContactEvent]] = {
    Channel.PHONE: CallLogged,
    Channel.SMS: SmsSent,
    Channel.EMAIL: EmailSent,
    Channel.WEBSITE: WebsiteMessagePosted,
    Channel.VISIT: VisitCompleted,
    Channel.LETTER: LetterSent,
}


class ContactCommands(GuaranteeCommands):
    """Logging contacts (a delivered demand restarts the limitation period) and scheduling visits."""

    def log_contact(
        self,
        *,
        channel: Channel,
        party: str,
        outcome: ContactOutcome,
        act: Act,
        direction: Direction = Direction.OUTBOUND,
        summary: str = "",
        feedback: str = "",
        next_step: str = "",
        override_reason: str | None = None,
        overridden_rules: list[str] | None = None,
        breached_rules: list[str] | None = None,
        proof: dict[str, str] | None = None,
        party_role: str = "",
        demand: bool = True,
        acknowledged: bool = False,
        **channel_fields: Any,
    ) -> None:
        """Log a contact of any channel; the channel picks the event type.

        A contact that happened is always recorded: one that broke contact-policy rules without a
        supervisor's prior override carries them as ``breached_rules`` and queues a supervisor's task.
        The limitation period is interrupted by rule (Civil Code art. 195): by a delivered demand letter, by an
        outbound SMS or email delivered with its message id (``demand``: it asks for payment, the default), and
        by the party's acknowledgement recorded on the contact (``acknowledged``, with its proof).
        """
        self.check_open()
        check_not_blank(party, "party")
        if acknowledged and not any((v or "").strip() for v in (proof or {}).values()):
            raise InvariantError(
                "an acknowledgement is recorded with its proof: the call's recording id, the message id or the "
                "letter's tracking number"
            )
        if acknowledged and direction is Direction.OUTBOUND and not (outcome.reached_party or outcome is DELIVERED):
            raise InvariantError(f"a contact with outcome {outcome} reached no one who could acknowledge the debt")
        event_class = CONTACT_EVENTS[channel]
        if event_class is LetterSent:
            check_sha256(channel_fields.get("document_sha256", ""))
        if event_class is VisitCompleted:
            visit_id = channel_fields.get("visit_id")
            if visit_id is not None and visit_id not in self.visits:
                raise NotFoundError(f"no scheduled visit {visit_id!r}")
            if not channel_fields.get("staff"):
                raise InvariantError("a visit names the staff who went")
        if overridden_rules and not (override_reason and override_reason.strip()):
            raise InvariantError("an override needs a reason")
        proof = check_proof(channel, proof or {})
        self.trigger_event(
            event_class,
            channel=channel,
            party=party,
            direction=direction,
            outcome=outcome,
            summary=summary,
            feedback=feedback,
            next_step=next_step,
            override_reason=override_reason,
            overridden_rules=overridden_rules or [],
            breached_rules=breached_rules or [],
            party_role=party_role,
            **proof,
            **act.attribution(),
            **channel_fields,
        )
        contact_version = self.version
        if breached_rules:
            self.trigger_event(
                TaskAssigned,
                task_id=f"breach-{self.version}",
                department=Department.COLLECTIONS,
                title=f"For the supervisor: a {channel} contact breached {', '.join(breached_rules)}; review it",
                due_at=act.recorded_at + timedelta(days=1),
                assignee="",
                **act.attribution(),
            )
        if outcome.reached_party:
            self.fulfil("contact", act=act)
        if event_class is VisitCompleted and outcome.reached_party:
            self.fulfil("visit", act=act)
        if event_class is LetterSent and channel_fields.get("letter_kind") == LetterKind.LAWYERS_LETTER:
            self.fulfil("lawyers_letter", act=act)
        if event_class is LetterSent and restarts_limitation(
            channel_fields["letter_kind"], channel_fields.get("delivery_evidence", "")
        ):
            self._demand_delivered(party, channel_fields["delivery_evidence"], act=act, by_version=contact_version)
        message_id = proof.get("message_id", "")
        if demand and message_demand_delivered(channel, direction, outcome, message_id):
            self._demand_delivered(party, f"{channel} {message_id}", act=act, by_version=contact_version)
        if acknowledged:
            evidence = "; ".join(f"{name} {value}" for name, value in proof.items())
            self._acknowledged(party, evidence, act=act, by_version=contact_version)

    def _acknowledged(self, party: str, evidence: str, *, act: Act, by_version: int) -> None:
        """The party acknowledged the debt and agreed to perform on a recorded contact (art. 195(2)): the debtor's
        period restarts; a guarantor's acknowledgement interrupts its own period once it runs."""
        on = local_date(act.occurred_at, self.timezone)
        guarantee = self.guarantee_of(party)
        if guarantee is None:
            self.interrupt_limitation(
                LimitationCause.ACKNOWLEDGEMENT, on=on, act=act, by_version=by_version, evidence=evidence
            )
        elif guarantee.limitation_ends_on is not None:
            self.guarantor_limitation(
                guarantee.guarantee_id,
                GuarantorLimitationCause.PROMISE,
                on=on,
                act=act,
                by_version=by_version,
                evidence=f"acknowledged: {evidence}",
            )

    def _demand_delivered(self, party: str, evidence: str, *, act: Act, by_version: int) -> None:
        """A demand reached ``party``: the debtor's limitation period restarts (art. 195(1)); a demand to a joint
        guarantor preserves its guarantee instead (art. 693(2); a general guarantor's needs suit or arbitration) and
        starts the guarantor's own period (art. 694(2)), or interrupts that period once it runs (art. 195(1))."""
        on = local_date(act.occurred_at, self.timezone)
        guarantee = self.guarantee_of(party)
        if guarantee is None:
            self.interrupt_limitation(
                LimitationCause.DEMAND, on=on, act=act, by_version=by_version, evidence=f"delivered: {evidence}"
            )
        elif (
            guarantee.guarantee_type is GuaranteeType.JOINT
            and guarantee.status == "running"
            and on <= guarantee.period_ends_on
        ):
            self.preserve_guarantee(
                guarantee.guarantee_id, by="demand", on=on, act=act, by_version=by_version, evidence=evidence
            )
        elif guarantee.limitation_ends_on is not None:  # a demand to the guarantor interrupts its period (art. 195(1))
            self.guarantor_limitation(
                guarantee.guarantee_id,
                GuarantorLimitationCause.DEMAND,
                on=on,
                act=act,
                by_version=by_version,
                evidence=f"delivered: {evidence}",
            )

    def schedule_visit(
        self,
        *,
        visit_id: str,
        planned_at: datetime,
        party: str,
        staff: list[str],
        purpose: str,
        act: Act,
        override_reason: str | None = None,
        overridden_rules: list[str] | None = None,
    ) -> None:
        """Plan an on-site visit (a supervisor's override of the contact policy is recorded on it)."""
        self.check_open()
        check_not_blank(visit_id, "visit_id")
        check_not_blank(party, "party")
        check_aware(planned_at, "planned_at")
        if not staff:
            raise InvariantError("a visit names the staff who will go")
        if visit_id in self.visits:
            raise DuplicateError(f"visit {visit_id!r} already scheduled")
        if overridden_rules and not (override_reason and override_reason.strip()):
            raise InvariantError("an override needs a reason")
        self.trigger_event(
            VisitScheduled,
            visit_id=visit_id,
            planned_at=planned_at,
            party=party,
            staff=staff,
            purpose=purpose,
            override_reason=override_reason,
            overridden_rules=overridden_rules or [],
            **act.attribution(),
        )
