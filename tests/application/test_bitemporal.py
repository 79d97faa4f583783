"""Bitemporal reads of a case on both stores: ``as_of`` is business time (what had happened), ``known_at`` recording
time (what the bank had recorded); alone or together. A contact entered the next day and a payment recorded days after
its value date make the two differ."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from application.app import CollectionsApp
from application.commands import AddNote, LogContact, ReceivePayment
from application.history import case_then, value_date_time
from domain.case.values import Channel, ContactOutcome
from domain.errors import NotFoundError
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, OPENED, open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def story(app: CollectionsApp, clock: ManualClock) -> tuple[CollectionsApp, object]:
    """Opened 2 Nov 10:00; a call made 2 Nov 16:00 entered 3 Nov 09:00; 1000.00 received 4 Nov, recorded 6 Nov."""
    clock.set(at("2026-11-02T10:00:00+08:00"))
    case_id = open_case(app)
    clock.set(at("2026-11-03T09:00:00+08:00"))
    app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.PHONE,
            party="Li Na",
            outcome=ContactOutcome.CONNECTED,
            summary="reminder",
            actor=COLLECTOR,
            occurred_at=at("2026-11-02T16:00:00+08:00"),
        )
    )
    clock.set(at("2026-11-06T10:00:00+08:00"))
    received = date(2026, 11, 4)
    app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1000.00"),
            received_on=received,
            reference="TX-1104",
            actor=COLLECTOR,
            occurred_at=value_date_time(received, SHANGHAI, clock.now()),  # as the API builds it by default
        )
    )
    app.handle(  # a memo of the morning, entered last
        AddNote(case_id=case_id, text="morning call plan", actor=COLLECTOR, occurred_at=at("2026-11-02T11:00:00+08:00"))
    )
    return app, case_id


def then(story, as_of: str | None = None, known_at: datetime | None = None):
    app, case_id = story
    return case_then(app.case_events(case_id), as_of=at(as_of) if as_of else None, known_at=known_at)


def recorded(story, kind: str) -> datetime:
    """When the store recorded the case's first event of a kind (the store's own clock, not the test's)."""
    app, case_id = story
    return next(e.timestamp for e in app.case_events(case_id) if type(e).__name__ == kind)


def test_as_of_is_what_had_happened_and_known_at_what_was_recorded(story) -> None:
    evening = "2026-11-02T18:00:00+08:00"
    opened, called = recorded(story, "CaseOpened"), recorded(story, "CallLogged")
    assert then(story, as_of=evening).case.contact_counts.get("phone") == 1  # the call had happened
    assert then(story, known_at=opened).case.contact_counts.get("phone", 0) == 0  # but was entered later
    assert then(story, as_of=evening, known_at=opened).case.contact_counts.get("phone", 0) == 0
    assert then(story, as_of=evening, known_at=called).case.contact_counts.get("phone") == 1
    assert then(story, as_of="2026-11-02T12:00:00+08:00", known_at=called).case.contact_counts.get("phone", 0) == 0


def test_a_payment_counts_from_its_value_date_and_is_known_from_its_recording(story) -> None:
    fifth = "2026-11-05T12:00:00+08:00"
    called, paid = recorded(story, "CallLogged"), recorded(story, "PaymentReceived")
    assert str(then(story, as_of=fifth).case.paid) == "1000.00"  # received on the 4th
    assert str(then(story, known_at=called).case.paid) == "0.00"  # not recorded yet then
    assert str(then(story, as_of=fifth, known_at=called).case.paid) == "0.00"
    assert str(then(story, as_of=fifth, known_at=paid).case.paid) == "1000.00"
    assert str(then(story, as_of="2026-11-03T23:59:00+08:00").case.paid) == "0.00"


def test_events_come_in_business_time_order_and_before_the_opening_nothing_existed(story) -> None:
    folded = then(story)
    times = [e.occurred_at for e in folded.events]
    assert times == sorted(times)
    assert folded.case.version == len(folded.events)
    memo = len(story[0].case_events(story[1]))  # the last event: the morning memo, entered after the rest
    noon = then(story, as_of="2026-11-02T12:00:00+08:00")  # the memo without the call or the payment before it
    opening = list(range(1, OPENED + 1))  # the case opened with its classification, review and limitation period
    assert [e.originator_version for e in noon.events] == [*opening, memo] and noon.case.version == memo
    with pytest.raises(NotFoundError, match="had happened by"):
        then(story, as_of="2026-11-01T00:00:00+08:00")
    with pytest.raises(NotFoundError, match="was recorded by"):
        then(story, known_at=recorded(story, "CaseOpened") - timedelta(seconds=1))
