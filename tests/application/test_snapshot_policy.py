"""The snapshot policy (issue 15 item 3): a due snapshot is taken from the saved aggregate in memory, at the save's
last version, in the events' transaction on SQLite; a cold load replays fewer events than the interval; a save
that loses its race leaves no snapshot. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from application.bootstrap import Container, bootstrap
from domain.act import Act
from domain.case.aggregate import CollectionCase
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, OPENED, open_case


def snapshot_versions(container: Container, case_id: UUID) -> list[int]:
    assert container.store.snapshots is not None
    return [s.originator_version for s in container.store.snapshots.recorder.select_events(case_id)]


def add_notes(container: Container, case: CollectionCase, count: int) -> None:
    for n in range(count):
        case.add_note(f"note {n}", act=Act.of(COLLECTOR, None, container.clock.now()))


def test_the_default_interval_is_short_on_sqlite_only() -> None:
    assert Settings(database_url="sqlite:///x.db").snapshot_every == 20
    assert Settings(database_url="postgresql://u@h/db").snapshot_every == 100
    assert Settings(database_url="sqlite:///x.db", snapshot_interval=7).snapshot_every == 7


def test_a_save_reaching_the_interval_snapshots_its_last_version_without_reading_the_store(
    settings: Settings, clock: ManualClock
) -> None:
    container = bootstrap(settings.model_copy(update={"snapshot_interval": 10}), clock)
    try:
        case_id = open_case(container.app)
        case = container.app.get_case(case_id)
        reads: list[Any] = []
        recorder: Any = container.store.recorder
        select = recorder.select_events

        def counting(*args: Any, **kwargs: Any) -> Any:
            reads.append(args)
            return select(*args, **kwargs)

        recorder.select_events = counting
        try:
            add_notes(container, case, 14 - OPENED)  # versions 6..14: reaches 10
            container.store.save(case)
        finally:
            recorder.select_events = select
        assert reads == []  # eventsourcing read the case back (snapshot + events) to snapshot version 10
        assert snapshot_versions(container, case_id) == [14]
        fresh = bootstrap(settings.model_copy(update={"aggregate_cache_size": 0}), clock)
        try:
            cold = fresh.app.get_case(case_id)
            assert cold.version == 14
            assert cold.state_for_snapshot() == container.app.get_case(case_id).state_for_snapshot()
        finally:
            fresh.close()
    finally:
        container.close()


def test_a_cold_load_replays_fewer_events_than_the_interval(settings: Settings, clock: ManualClock) -> None:
    container = bootstrap(settings.model_copy(update={"snapshot_interval": 10}), clock)
    try:
        case_id = open_case(container.app)
        case = container.app.get_case(case_id)
        for batch in (30, 1, 7, 1, 1, 25, 1, 1, 1, 1, 1, 1, 1, 1, 1):  # large and single saves, in any order
            add_notes(container, case, batch)
            container.store.save(case)
            latest = snapshot_versions(container, case_id)[-1]
            assert case.version - latest < 10
    finally:
        container.close()


def test_a_save_that_loses_its_race_leaves_no_snapshot(settings: Settings, clock: ManualClock) -> None:
    container = bootstrap(settings.model_copy(update={"snapshot_interval": 5}), clock)
    other = bootstrap(settings.model_copy(update={"snapshot_interval": 5}), clock)
    try:
        case_id = open_case(container.app)
        mine, theirs = container.app.get_case(case_id), other.app.get_case(case_id)
        add_notes(other, theirs, 2)
        other.store.save(theirs)  # versions 6, 7
        add_notes(container, mine, 5)  # versions 6..10: would snapshot version 10
        with pytest.raises(IntegrityError):
            container.store.save(mine)
        assert snapshot_versions(container, case_id) == [OPENED]  # the opening's own (5 events: the interval)
        assert other.app.get_case(case_id).version == OPENED + 2
    finally:
        container.close()
        other.close()
