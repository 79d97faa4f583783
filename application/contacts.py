"""The contact policy at the application boundary: gather what the rules need, then judge: a contact that
happened is recorded (a breach or an approved exception), a planned visit is allowed, overridden or refused,
and ``contact_check`` answers before acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from application.case_facts import enterprise_of
from application.policies import current_policy
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.values import Channel, ContactOutcome, Direction, LetterKind
from domain.contact_policy import Attempt, CallMark, ContactRules, Violation, violations
from domain.enterprise import Enterprise
from domain.errors import ContactPolicyError
from infrastructure.unit_of_work import UnitOfWork

#: the contact rules and the enterprise's contact facts a query (``contact_check``) may answer from this old: a
#: change in this process shows at once, one made by another process (a new policy, a do-not-contact flag, a contact
#: person) within this time
FACTS_MAX_AGE_SECONDS = 2.0
#: the same facts as a command reuses them: a command is recorded only if the facts it read are still the latest
#: (its insert checks their versions, ``infrastructure.read_set``), so their age costs at most a second decision
COMMAND_FACTS_MAX_AGE_SECONDS = 60.0
#: roles whose override (with a reason) lets a contact through despite a broken rule
OVERRIDERS = frozenset({Role.SUPERVISOR})
#: the channels limited per enterprise (calls, SMS, emails): judging one reads the enterprise's other cases
LIMITED_CHANNELS = frozenset({Channel.PHONE, Channel.SMS, Channel.EMAIL})
#: the letters that are legal acts (a do-not-contact flag does not stop them)
LEGAL_LETTERS = frozenset({LetterKind.LAWYERS_LETTER})


@dataclass(frozen=True)
class ContactContext:
    """The governing contact rules, and what they need beyond the case: the enterprise's facts and calls
    on its other cases."""

    rules: ContactRules
    known_parties: frozenset[str]
    do_not_contact: bool
    other_calls: list[CallMark]
    #: each known party's role at the enterprise (legal_representative, finance_contact, contact, third_party...)
    party_roles: dict[str, str] = field(default_factory=dict)
    #: for an SMS or email: the same channel's outbound messages on the enterprise's other cases
    other_messages: list[datetime] = field(default_factory=list)


def contact_context(
    uow: UnitOfWork, case_id: UUID, channel: Channel, max_age_seconds: float = FACTS_MAX_AGE_SECONDS
) -> ContactContext:
    """Read the rules, the enterprise, and for a call its other cases' recent calls (before the command
    takes the case's lock), reusing facts read up to ``max_age_seconds`` ago.

    Calls, SMS and emails are limited per enterprise, so only they need the other cases.
    """
    rules = current_policy(uow, max_age_seconds=max_age_seconds).terms.contact
    enterprise_id = enterprise_of(uow, case_id)
    known_parties, do_not_contact, case_ids, roles = uow.read(
        Enterprise,
        enterprise_id,
        lambda e: (e.known_parties(), e.do_not_contact, tuple(e.case_ids), e.party_roles()),
        max_age_seconds=max_age_seconds,
        purpose="contact policy",
    )
    calls: list[CallMark] = []
    messages: list[datetime] = []
    for other_id in case_ids if channel in LIMITED_CHANNELS else ():
        if other_id != case_id:
            marks, sent = uow.read(
                CollectionCase,
                other_id,
                lambda case: (tuple(case.calls), tuple(case.messages.get(str(channel), ()))),
                max_age_seconds=max_age_seconds,
                purpose="calls",
            )
            calls.extend(CallMark(at, connected) for at, connected in marks)
            messages.extend(sent)
    return ContactContext(
        rules=rules,
        known_parties=known_parties,
        do_not_contact=do_not_contact,
        other_calls=calls,
        party_roles=roles,
        other_messages=messages,
    )


def party_role(case: CollectionCase, context: ContactContext, party: str) -> str:
    """The party's role on this case: a guarantor of this loan is ``guarantor``; someone the enterprise lists as
    a guarantor who does not guarantee this loan is a ``third_party`` to it; otherwise the enterprise's role
    (empty for a party the bank does not know)."""
    if case.guarantee_of(party) is not None:
        return "guarantor"
    role = context.party_roles.get(party, "")
    return "third_party" if role == "guarantor" else role


def contact_violations(
    case: CollectionCase,
    context: ContactContext,
    *,
    channel: Channel,
    direction: Direction,
    party: str,
    outcome: ContactOutcome,
    occurred_at: datetime,
    staff: list[str] | None,
    letter_kind: LetterKind | None = None,
) -> list[Violation]:
    """Every contact-policy rule the contact breaks (empty when it is allowed); a lawyer's letter is a legal act
    that a do-not-contact flag does not stop."""
    guarantors = {g.guarantor for g in case.guarantees.values()}
    released = frozenset(g.guarantor for g in case.guarantees.values() if g.status == "released")
    return violations(
        context.rules,
        Attempt(
            channel=channel,
            direction=direction,
            party=party,
            at=occurred_at,
            connected=outcome is ContactOutcome.CONNECTED,
            staff=tuple(staff or ()),
            legal_act=channel is Channel.LETTER and letter_kind in LEGAL_LETTERS,
        ),
        timezone=case.timezone,
        known_parties=set(context.known_parties) | guarantors,
        do_not_contact=context.do_not_contact,
        disputed=case.disputed,
        recent_calls=[*case.calls, *context.other_calls],
        party_roles={party: party_role(case, context, party)},
        released_guarantors=released,
        recent_messages=[*case.messages.get(str(channel), ()), *context.other_messages],
    )


def is_override(actor: Actor, override_reason: str | None) -> bool:
    """A supervisor's prior override: a supervisor acting with a reason."""
    return actor.role in OVERRIDERS and bool(override_reason and override_reason.strip())


def judge_contact(found: list[Violation], actor: Actor, override_reason: str | None) -> tuple[list[str], list[str]]:
    """(overridden, breached) rule ids of a contact that happened: it is recorded either way; a supervisor's
    override makes its broken rules an approved exception, otherwise they are a breach."""
    rule_ids = [v.rule_id for v in found]
    if not rule_ids:
        return [], []
    return (rule_ids, []) if is_override(actor, override_reason) else ([], rule_ids)


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
    """For a contact not yet made (a planned visit): the rule ids a supervisor's override lets through;
    raises ContactPolicyError for a broken rule otherwise."""
    found = contact_violations(
        case,
        context,
        channel=channel,
        direction=direction,
        party=party,
        outcome=outcome,
        occurred_at=occurred_at,
        staff=staff,
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


@dataclass(frozen=True)
class ContactCheck:
    """Whether a contact may be made now, and if not the rules that forbid it."""

    allowed: bool
    violations: list[Violation]


def contact_check(
    uow: UnitOfWork,
    case_id: UUID,
    *,
    channel: Channel,
    party: str,
    at: datetime,
    staff: list[str] | None = None,
    letter_kind: LetterKind | None = None,
) -> ContactCheck:
    """Before acting: would an outbound contact on ``channel`` to ``party`` at ``at`` break a rule?

    A call is judged as if it connects (the daily limit of connected calls counts it); a visit by the
    ``staff`` given. Nothing is recorded.
    """
    context = contact_context(uow, case_id, channel)
    found = uow.read(  # judged on the case in place (no copy): the check only reads it
        CollectionCase,
        case_id,
        lambda case: contact_violations(
            case,
            context,
            channel=channel,
            direction=Direction.OUTBOUND,
            party=party,
            outcome=ContactOutcome.CONNECTED if channel is Channel.PHONE else ContactOutcome.DELIVERED,
            occurred_at=at,
            staff=staff,
            letter_kind=letter_kind,
        ),
    )
    return ContactCheck(allowed=not found, violations=found)
