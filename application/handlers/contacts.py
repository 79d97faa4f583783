"""Handlers of contacts: the contact policy is read before the case's lock, then judged with the case (a
contact that happened is recorded, with its breaches; a planned visit that breaks a rule is refused)."""

from __future__ import annotations

from application.commands.contacts import LogContact, ScheduleVisit
from application.contacts import (
    COMMAND_FACTS_MAX_AGE_SECONDS,
    ContactContext,
    check_contact,
    contact_context,
    contact_violations,
    judge_contact,
    party_role,
)
from application.handlers.registry import new_id, on_case
from domain.act import Act
from domain.case import CollectionCase
from domain.case.values import Channel, ContactOutcome, Direction
from infrastructure.unit_of_work import UnitOfWork


def context_for_contact(uow: UnitOfWork, command: LogContact) -> ContactContext:
    """The rules and facts a contact is judged by."""
    return contact_context(uow, command.case_id, command.channel, COMMAND_FACTS_MAX_AGE_SECONDS)


def context_for_visit(uow: UnitOfWork, command: ScheduleVisit) -> ContactContext:
    """The rules and facts a planned visit is judged by."""
    return contact_context(uow, command.case_id, Channel.VISIT, COMMAND_FACTS_MAX_AGE_SECONDS)


@on_case(LogContact, prepare=context_for_contact)
def log_contact(case: CollectionCase, command: LogContact, act: Act, context: ContactContext) -> None:
    case.check_open()
    found = contact_violations(
        case,
        context,
        channel=command.channel,
        direction=command.direction,
        party=command.party,
        outcome=command.outcome,
        occurred_at=act.occurred_at,
        staff=list(command.visit.staff) if command.visit is not None else None,
        letter_kind=command.letter.letter_kind if command.letter is not None else None,
    )
    overridden, breached = judge_contact(found, act.actor, command.override_reason)
    case.log_contact(
        channel=command.channel,
        party=command.party,
        outcome=command.outcome,
        direction=command.direction,
        summary=command.summary,
        feedback=command.feedback,
        next_step=command.next_step,
        override_reason=command.override_reason if overridden else None,
        overridden_rules=overridden,
        breached_rules=breached,
        proof=command.proof(),
        party_role=party_role(case, context, command.party),
        demand=command.demand,
        acknowledged=command.acknowledged,
        act=act,
        **command.channel_fields(),
    )


@on_case(ScheduleVisit, prepare=context_for_visit)
def schedule_visit(case: CollectionCase, command: ScheduleVisit, act: Act, context: ContactContext) -> str:
    case.check_open()
    overridden = check_contact(
        case,
        context,
        channel=Channel.VISIT,
        direction=Direction.OUTBOUND,
        party=command.party,
        outcome=ContactOutcome.MET,
        occurred_at=command.planned_at,
        staff=list(command.staff),
        actor=act.actor,
        override_reason=command.override_reason,
    )
    visit_id = command.visit_id or new_id()
    case.schedule_visit(
        visit_id=visit_id,
        planned_at=command.planned_at,
        party=command.party,
        staff=list(command.staff),
        purpose=command.purpose,
        override_reason=command.override_reason if overridden else None,
        overridden_rules=overridden,
        act=act,
    )
    return visit_id
