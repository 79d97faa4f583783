"""What compliance checks before a contact is recorded (DESIGN.md §3, Chinese industry guidance).

``violations()`` is pure: given the rules, the attempted contact and what is known of the enterprise
and its recent calls, it names every rule the contact would break, by rule id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from pydantic import Field

from domain.base import ValueObject
from domain.case.values import Channel, Direction

QUIET_HOURS = "CP-QUIET-HOURS"
DAILY_CONNECTED_CALLS = "CP-DAILY-CONNECTED-CALLS"
WEEKLY_CALL_ATTEMPTS = "CP-WEEKLY-CALL-ATTEMPTS"
UNKNOWN_CONTACT = "CP-UNKNOWN-CONTACT"
DO_NOT_CONTACT = "CP-DO-NOT-CONTACT"
DISPUTED = "CP-DISPUTED"
VISIT_STAFF = "CP-VISIT-STAFF"
THIRD_PARTY = "CP-THIRD-PARTY"
GUARANTOR_RELEASED = "CP-GUARANTOR-RELEASED"
DAILY_SMS = "CP-DAILY-SMS"
WEEKLY_SMS = "CP-WEEKLY-SMS"
DAILY_EMAILS = "CP-DAILY-EMAILS"
WEEKLY_EMAILS = "CP-WEEKLY-EMAILS"

#: channels that reach a person directly and so respect quiet hours
INTRUSIVE_CHANNELS = frozenset({Channel.PHONE, Channel.SMS, Channel.VISIT})
#: channels addressed to a named person (letters go to the enterprise itself)
PERSONAL_CHANNELS = frozenset({Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.WEBSITE, Channel.VISIT})


class ContactRules(ValueObject):
    """The contact policy's configurable limits."""

    quiet_from_hour: int = Field(default=22, ge=0, le=23)
    quiet_until_hour: int = Field(default=8, ge=0, le=23)
    max_connected_calls_per_day: int = Field(default=3, ge=1)
    max_call_attempts_per_7_days: int = Field(default=7, ge=1)
    known_contacts_only: bool = True
    min_visit_staff: int = Field(default=2, ge=1)
    #: per-channel caps on messages to the enterprise, like the call limits (sent, delivered or not)
    max_sms_per_day: int = Field(default=3, ge=1)
    max_sms_per_7_days: int = Field(default=7, ge=1)
    max_emails_per_day: int = Field(default=3, ge=1)
    max_emails_per_7_days: int = Field(default=7, ge=1)


class CallMark(NamedTuple):
    """A past outbound call to the enterprise: when, and whether someone answered (a case keeps its calls as
    such pairs, so they are judged as they are)."""

    at: datetime
    connected: bool


@dataclass(frozen=True)
class Attempt:
    """The contact about to be recorded."""

    channel: Channel
    direction: Direction
    party: str
    at: datetime
    connected: bool
    staff: tuple[str, ...] = ()
    #: a legal act (a lawyer's letter): the creditor exercising its rights, which a do-not-contact flag does not
    #: stop (the limitation period and the guarantees depend on it, Civil Code arts. 195, 693)
    legal_act: bool = False


@dataclass(frozen=True)
class Violation:
    """A broken rule, by id, with a readable explanation."""

    rule_id: str
    message: str


def in_quiet_hours(moment: datetime, rules: ContactRules, timezone: str) -> bool:
    """True when the local hour falls in the quiet window (which may wrap past midnight)."""
    hour = moment.astimezone(ZoneInfo(timezone)).hour
    start, end = rules.quiet_from_hour, rules.quiet_until_hour
    return (start <= hour or hour < end) if start > end else start <= hour < end


def violations(
    rules: ContactRules,
    attempt: Attempt,
    *,
    timezone: str,
    known_parties: set[str],
    do_not_contact: bool,
    disputed: bool,
    recent_calls: Sequence[tuple[datetime, bool]],
    party_roles: Mapping[str, str] | None = None,
    released_guarantors: frozenset[str] = frozenset(),
    recent_messages: Sequence[datetime] = (),
) -> list[Violation]:
    """Every rule the attempted contact breaks (empty when it is allowed); inbound contacts break none.

    ``party_roles`` names each party's role (legal_representative, finance_contact, contact, guarantor,
    third_party): a third party may not be told of the debt; a guarantor is contacted about its guarantee,
    and not once its guarantee period ended unpreserved (``released_guarantors``). ``recent_messages``: the outbound
    messages of the attempt's channel (SMS or email) to the enterprise, for their caps. A legal act is not stopped
    by a do-not-contact flag."""
    if attempt.direction is Direction.INBOUND:
        return []
    found: list[Violation] = []
    role = (party_roles or {}).get(attempt.party, "")
    if role == "third_party":
        found.append(
            Violation(THIRD_PARTY, f"{attempt.party!r} is a third party: contacting them about the debt discloses it")
        )
    if attempt.party in released_guarantors:
        found.append(
            Violation(
                GUARANTOR_RELEASED,
                f"{attempt.party!r} was released when the guarantee period ended unpreserved (Civil Code art. 693)",
            )
        )
    if do_not_contact and not attempt.legal_act:
        found.append(Violation(DO_NOT_CONTACT, "the enterprise is marked do-not-contact"))
    if disputed:
        found.append(Violation(DISPUTED, "the debt is disputed; collection contact waits for the dispute"))
    if attempt.channel in INTRUSIVE_CHANNELS and in_quiet_hours(attempt.at, rules, timezone):
        local = attempt.at.astimezone(ZoneInfo(timezone))
        found.append(
            Violation(
                QUIET_HOURS,
                f"{attempt.channel} at {local:%H:%M} {timezone} is inside the quiet hours "
                f"{rules.quiet_from_hour:02d}:00-{rules.quiet_until_hour:02d}:00",
            )
        )
    if rules.known_contacts_only and attempt.channel in PERSONAL_CHANNELS and attempt.party not in known_parties:
        found.append(Violation(UNKNOWN_CONTACT, f"{attempt.party!r} is not a known contact person"))
    if attempt.channel is Channel.VISIT and len(set(attempt.staff)) < rules.min_visit_staff:
        found.append(Violation(VISIT_STAFF, f"an on-site visit needs at least {rules.min_visit_staff} staff"))
    if attempt.channel is Channel.PHONE:
        found.extend(_call_limits(rules, attempt, timezone, recent_calls))
    if attempt.channel in MESSAGE_CAPS:
        found.extend(_message_caps(rules, attempt, timezone, recent_messages))
    return found


#: per message channel: (its name, its daily cap's rule and field, its 7-day cap's rule and field)
MESSAGE_CAPS: dict[Channel, tuple[str, str, str, str, str]] = {
    Channel.SMS: ("SMS", DAILY_SMS, "max_sms_per_day", WEEKLY_SMS, "max_sms_per_7_days"),
    Channel.EMAIL: ("emails", DAILY_EMAILS, "max_emails_per_day", WEEKLY_EMAILS, "max_emails_per_7_days"),
}


def _message_caps(rules: ContactRules, attempt: Attempt, timezone: str, sent: Sequence[datetime]) -> list[Violation]:
    """The channel's daily cap (messages on the attempt's local day) and 7-day cap (the 7 days before it)."""
    name, daily_rule, daily_field, weekly_rule, weekly_field = MESSAGE_CAPS[attempt.channel]
    daily, weekly = int(getattr(rules, daily_field)), int(getattr(rules, weekly_field))
    zone = ZoneInfo(timezone)
    day = attempt.at.astimezone(zone).date()
    window_start = attempt.at - timedelta(days=7)
    today = sum(1 for at in sent if at <= attempt.at and at.astimezone(zone).date() == day)
    week = sum(1 for at in sent if window_start < at <= attempt.at)
    found = []
    if today + 1 > daily:
        found.append(Violation(daily_rule, f"{today} {name} already sent on {day}; the limit is {daily} a day"))
    if week + 1 > weekly:
        found.append(Violation(weekly_rule, f"{week} {name} already sent in the 7 days before; the limit is {weekly}"))
    return found


def _call_limits(
    rules: ContactRules, attempt: Attempt, timezone: str, calls: Sequence[tuple[datetime, bool]]
) -> list[Violation]:
    zone = ZoneInfo(timezone)
    day = attempt.at.astimezone(zone).date()
    window_start = attempt.at - timedelta(days=7)
    # a call on the attempt's local day lies within a day of it: only those are converted to local time
    near_start, near_end = attempt.at - timedelta(days=2), attempt.at + timedelta(days=2)
    connected_today = attempts = 0
    for at, connected in calls:
        if window_start < at <= attempt.at:
            attempts += 1
        if connected and near_start < at < near_end and at.astimezone(zone).date() == day:
            connected_today += 1
    found = []
    if attempt.connected and connected_today + 1 > rules.max_connected_calls_per_day:
        found.append(
            Violation(
                DAILY_CONNECTED_CALLS,
                f"{connected_today} connected calls already on {day}; "
                f"the limit is {rules.max_connected_calls_per_day} a day",
            )
        )
    if attempts + 1 > rules.max_call_attempts_per_7_days:
        found.append(
            Violation(
                WEEKLY_CALL_ATTEMPTS,
                f"{attempts} call attempts already in the 7 days before; "
                f"the limit is {rules.max_call_attempts_per_7_days}",
            )
        )
    return found
