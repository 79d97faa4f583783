"""Recording time (what ``known_at`` reads) is the real time in a served application, whatever its decision clock
says: only a simulation, through the composition root, records at another time, and only into an empty log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infrastructure.settings import Settings
from simulation.engine import Config, Simulation, simulation_container
from tests.e2e.conftest import open_case


def test_a_served_app_records_at_the_real_time_even_when_its_clock_is_moved(client, as_role, clock) -> None:
    clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))  # as ``arrears scheduler tick --now`` or a test moves it
    case_id = open_case(client, as_role("admin"))
    events = client.get(f"/v1/cases/{case_id}/history", headers=as_role("auditor")).json()["events"]
    recorded = datetime.fromisoformat(events[0]["recorded_at"])
    assert abs(recorded - datetime.now(UTC)) < timedelta(minutes=1)
    assert datetime.fromisoformat(events[0]["occurred_at"]) == clock.now()  # decided on the moved clock


def test_a_simulation_refuses_a_log_that_holds_events(settings: Settings) -> None:
    config = Config(enterprises=1, months=1, learn_after_months=0)
    container = simulation_container(settings, config)
    try:
        Simulation(container, config).seed()  # something recorded at simulated times
        with pytest.raises(ValueError, match="only into an empty event log"):
            Simulation(container, config).run()
    finally:
        container.close()
