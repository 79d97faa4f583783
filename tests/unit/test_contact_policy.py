"""The contact policy's rules, each named by its id."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.case.values import Channel, Direction
from domain.contact_policy import (
    DAILY_CONNECTED_CALLS,
    DISPUTED,
    DO_NOT_CONTACT,
    QUIET_HOURS,
    UNKNOWN_CONTACT,
    VISIT_STAFF,
    WEEKLY_CALL_ATTEMPTS,
    Attempt,
    CallMark,
    ContactRules,
    in_quiet_hours,
    violations,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
RULES = ContactRules()


def broken(
    channel: Channel = Channel.PHONE,
    at: datetime = MONDAY_10,
    party: str = "Li Na",
    connected: bool = True,
    staff: tuple[str, ...] = (),
    direction: Direction = Direction.OUTBOUND,
    calls: list[CallMark] | None = None,
    do_not_contact: bool = False,
    disputed: bool = False,
) -> list[str]:
    found = violations(
        RULES,
        Attempt(channel=channel, direction=direction, party=party, at=at, connected=connected, staff=staff),
        timezone="Asia/Shanghai",
        known_parties={"Li Na"},
        do_not_contact=do_not_contact,
        disputed=disputed,
        recent_calls=calls or [],
    )
    return [v.rule_id for v in found]


def test_an_ordinary_call_in_office_hours_breaks_nothing() -> None:
    assert broken() == []


@pytest.mark.parametrize("hour", [22, 23, 0, 5, 7])
@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.SMS])
def test_no_calls_or_sms_in_the_quiet_hours(hour: int, channel: Channel) -> None:
    assert broken(channel=channel, at=MONDAY_10.replace(hour=hour)) == [QUIET_HOURS]


def test_quiet_hours_are_in_the_enterprises_time_zone() -> None:
    utc_noon = datetime(2026, 11, 2, 15, 0, tzinfo=ZoneInfo("UTC"))  # 23:00 in Shanghai
    assert in_quiet_hours(utc_noon, RULES, "Asia/Shanghai")
    assert not in_quiet_hours(utc_noon, RULES, "Europe/London")
    assert not in_quiet_hours(MONDAY_10.replace(hour=8), RULES, "Asia/Shanghai")
    assert in_quiet_hours(MONDAY_10.replace(hour=7, minute=59), RULES, "Asia/Shanghai")


def test_email_at_night_is_allowed() -> None:
    assert broken(channel=Channel.EMAIL, at=MONDAY_10.replace(hour=23)) == []


def test_a_fourth_connected_call_in_a_day_is_refused() -> None:
    calls = [CallMark(MONDAY_10 - timedelta(hours=n), True) for n in range(1, 4)]
    assert broken(calls=calls) == [DAILY_CONNECTED_CALLS]
    assert broken(calls=calls, connected=False) == []  # an unanswered attempt is not a connected call
    assert broken(calls=calls[:2]) == []


def test_an_eighth_call_attempt_in_seven_days_is_refused() -> None:
    calls = [CallMark(MONDAY_10 - timedelta(days=n, hours=1), False) for n in range(7)]
    assert broken(calls=calls, connected=False) == [WEEKLY_CALL_ATTEMPTS]
    older = [CallMark(MONDAY_10 - timedelta(days=7, hours=1), False), *calls[:6]]
    assert broken(calls=older, connected=False) == []


def test_only_known_contact_persons() -> None:
    assert broken(party="a neighbour") == [UNKNOWN_CONTACT]
    assert broken(channel=Channel.LETTER, party="the company") == []


def test_do_not_contact_and_disputes_are_honoured() -> None:
    assert broken(do_not_contact=True) == [DO_NOT_CONTACT]
    assert broken(disputed=True, channel=Channel.EMAIL) == [DISPUTED]


def test_visits_need_two_staff() -> None:
    assert broken(channel=Channel.VISIT, staff=("wang",)) == [VISIT_STAFF]
    assert broken(channel=Channel.VISIT, staff=("wang", "wang")) == [VISIT_STAFF]
    assert broken(channel=Channel.VISIT, staff=("wang", "liu")) == []


def test_an_inbound_call_breaks_no_rule() -> None:
    assert broken(direction=Direction.INBOUND, at=MONDAY_10.replace(hour=23), do_not_contact=True) == []


def test_every_broken_rule_is_named() -> None:
    assert broken(at=MONDAY_10.replace(hour=23), party="stranger", do_not_contact=True) == [
        DO_NOT_CONTACT,
        QUIET_HOURS,
        UNKNOWN_CONTACT,
    ]
