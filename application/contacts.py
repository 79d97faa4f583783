"""The contact policy at the application boundary: gather what the rules need, then allow, override or reject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.case_facts import enterprise_of
from application.policies import current_policy
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.values import Channel, ContactOutcome, Direction
from domain.contact_policy import Attempt, CallMark, ContactRules, violations
from domain.enterprise import Enterprise
from domain.errors import ContactPolicyError
from infrastructure.unit_of_work import UnitOfWork

#: the contact rules and the enterprise's contact facts may be this old: a change in this process shows at
#: once, one made by another process (a new policy, a do-not-contact flag, a contact person) within this time
FACTS_MAX_AGE_SECONDS = 2.0
#: roles whose override (with a reason) lets a contact through despite a broken rule
OVERRIDERS = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class ContactContext:
    """The governing contact rules, and what they need beyond the case: the enterprise's facts and calls
    on its other cases."""

    rules: ContactRules
    known_parties: frozenset[str]
    do_not_contact: bool
    other_calls: list[CallMark]


def contact_context(uow: UnitOfWork, case_id: UUID, channel: Channel) -> ContactContext:
    """Read the rules, the enterprise, and for a call its other cases' recent calls (before the command
    takes the case's lock).

    Only calls are limited per enterprise, so only a call needs the other cases.
    """
    rules = current_policy(uow, max_age_seconds=FACTS_MAX_AGE_SECONDS).terms.contact
    enterprise_id = enterprise_of(uow, case_id)
    known_parties, do_not_contact, case_ids = uow.read(
        Enterprise,
        enterprise_id,
        lambda e: (e.known_parties(), e.do_not_contact, tuple(e.case_ids)),
        max_age_seconds=FACTS_MAX_AGE_SECONDS,
        purpose="contact policy",
    )
    calls: list[CallMark] = []
    for other_id in case_ids if channel is Channel.PHONE else ():
        if other_id != case_id:
            marks = uow.read(
                CollectionCase,
                other_id,
                lambda case: tuple(case.calls),
                max_age_seconds=FACTS_MAX_AGE_SECONDS,
                purpose="calls",
            )
            calls.extend(CallMark(at=at, connected=connected) for at, connected in marks)
    return ContactContext(rules=rules, known_parties=known_parties, do_not_contact=do_not_contact, other_calls=calls)


def check_contact(
    case: CollectionCase,
    context: ContactContext,
    *,
    channel: Channel,
    direction: Direction,
    party: str,
    outcome: ContactOutcome,
    occurred_at: datetime,
    staff: list[str] | None,
    actor: Actor,
    override_reason: str | None,
) -> list[str]:
    """The rule ids a supervisor's override lets through; raises ContactPolicyError for a broken rule otherwise."""
    found = violations(
        context.rules,
        Attempt(
            channel=channel,
            direction=direction,
            party=party,
            at=occurred_at,
            connected=outcome is ContactOutcome.CONNECTED,
            staff=tuple(staff or ()),
        ),
        timezone=case.timezone,
        known_parties=set(context.known_parties),
        do_not_contact=context.do_not_contact,
        disputed=case.disputed,
        recent_calls=[CallMark(at=at, connected=connected) for at, connected in case.calls] + context.other_calls,
    )
    if not found:
        return []
    first = found[0]
    if override_reason is None or not override_reason.strip():
        others = f" (also broken: {', '.join(v.rule_id for v in found[1:])})" if len(found) > 1 else ""
        raise ContactPolicyError(first.rule_id, first.message + others)
    if actor.role not in OVERRIDERS:
        raise ContactPolicyError(first.rule_id, f"{first.message}; only a supervisor may override it")
    return [v.rule_id for v in found]
