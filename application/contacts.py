"""The contact policy at the application boundary: gather what the rules need, then allow, override or reject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case_values import Channel, ContactOutcome, Direction
from domain.contact_policy import Attempt, CallMark, ContactRules, violations
from domain.enterprise import Enterprise
from domain.errors import ContactPolicyError, NotFoundError
from domain.ids import case_id as derive_case_id

if TYPE_CHECKING:
    from application.app import CollectionsApp

#: roles whose override (with a reason) lets a contact through despite a broken rule
OVERRIDERS = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class ContactContext:
    """What the rules need beyond the case itself: the enterprise, and calls on its other cases."""

    enterprise: Enterprise
    other_calls: list[CallMark]


def contact_context(app: CollectionsApp, case_id: UUID) -> ContactContext:
    """Read the enterprise and its other known loans' calls (before the command takes the case's lock)."""
    case = app.get_case(case_id)
    enterprise = app.get_enterprise(case.enterprise_id)
    calls: list[CallMark] = []
    for loan_id in enterprise.loans:
        other_id = derive_case_id(loan_id)
        if other_id == case_id:
            continue
        try:
            other = app.get_case(other_id)
        except NotFoundError:
            continue
        calls.extend(CallMark(at=at, connected=connected) for at, connected in other.calls)
    return ContactContext(enterprise=enterprise, other_calls=calls)


def check_contact(
    case: CollectionCase,
    context: ContactContext,
    rules: ContactRules,
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
    enterprise = context.enterprise
    known = {p.name for p in enterprise.contacts} | {enterprise.registration.legal_representative}
    found = violations(
        rules,
        Attempt(
            channel=channel,
            direction=direction,
            party=party,
            at=occurred_at,
            connected=outcome is ContactOutcome.CONNECTED,
            staff=tuple(staff or ()),
        ),
        timezone=case.timezone,
        known_parties={name for name in known if name},
        do_not_contact=enterprise.do_not_contact,
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
