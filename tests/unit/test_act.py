"""Act: who did something, when it happened and when it was recorded, checked once for every command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.act import Act
from domain.errors import FutureEventError, InvariantError
from domain.rules import CLOCK_SKEW
from tests.factories import COLLECTOR

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def test_occurred_at_defaults_to_now() -> None:
    act = Act.of(COLLECTOR, None, NOW)
    assert (act.actor, act.occurred_at, act.recorded_at) == (COLLECTOR, NOW, NOW)


def test_business_time_may_be_earlier_than_the_recording() -> None:
    earlier = NOW - timedelta(days=3)
    act = Act.of(COLLECTOR, earlier, NOW)
    assert (act.occurred_at, act.recorded_at) == (earlier, NOW)
    # no recording clock: the events stamp the real time when they are made
    assert act.attribution() == {"actor": COLLECTOR, "occurred_at": earlier, "timestamp": None}


def test_a_recording_clocks_time_becomes_the_events_timestamp() -> None:
    simulated = NOW - timedelta(days=40)
    act = Act.of(COLLECTOR, None, simulated, timestamp=simulated)
    assert act.attribution() == {"actor": COLLECTOR, "occurred_at": simulated, "timestamp": simulated}


def test_occurred_at_may_not_be_in_the_future_beyond_clock_skew() -> None:
    assert Act.of(COLLECTOR, NOW + CLOCK_SKEW, NOW).occurred_at == NOW + CLOCK_SKEW
    with pytest.raises(FutureEventError, match="is in the future"):
        Act.of(COLLECTOR, NOW + CLOCK_SKEW + timedelta(seconds=1), NOW)


def test_both_times_carry_an_offset() -> None:
    with pytest.raises(InvariantError, match="occurred_at must carry a time zone offset"):
        Act.of(COLLECTOR, datetime(2026, 11, 1, 10, 0), NOW)
    with pytest.raises(InvariantError, match="now must carry a time zone offset"):
        Act.of(COLLECTOR, None, datetime(2026, 11, 2, 10, 0))


def test_an_act_is_immutable() -> None:
    act = Act.of(COLLECTOR, None, NOW)
    with pytest.raises(ValidationError):
        act.occurred_at = NOW - timedelta(days=1)  # type: ignore[misc]
