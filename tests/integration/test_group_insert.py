"""Group commit on PostgreSQL (issue 15 item 1): commands ready to insert while another insert waits are inserted
together in one transaction, with their key rows; a group that fails commits nothing and each command then inserts
alone, so only the one that lost its race sees the conflict; per-aggregate order and exactly-once keys hold.

The group is made deterministic without timing: another connection holds the events table's lock, so the first
insert waits on the database while the others queue behind it; the test waits until they have all queued."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from application.bootstrap import Container, bootstrap
from domain.act import Act
from infrastructure.clock import ManualClock
from infrastructure.idempotency import idempotency_store
from infrastructure.keyed_writes import KEYS_TABLE, KeyedWrite, committing, keyed
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url, settings_for
from tests.factories import COLLECTOR, OPENED, open_case

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(tmp_path: Any, request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Container]:
    settings: Settings = settings_for("postgres", tmp_path, request, secret_key="k" * 48)
    container = bootstrap(settings, clock)
    idempotency_store(settings).close()  # the key rows' table, as the API creates it
    yield container
    container.close()


def next_event(container: Container, case_id: UUID, text: str, version: int | None = None) -> StoredEvent:
    """A NoteAdded for the case at its next version (or at ``version``), stored form."""
    case = container.app.get_case(case_id)
    case.add_note(text, act=Act.of(COLLECTOR, None, container.clock.now()))
    stored = container.store.mapper.to_stored_event(case.collect_events()[0])
    if version is None:
        return stored
    return StoredEvent(stored.originator_id, version, stored.topic, stored.state)


def insert_grouped(container: Container, inserts: list[tuple[StoredEvent, KeyedWrite | None]]) -> list[Any]:
    """Run the inserts from one thread each while the events table is locked elsewhere, so all but the first
    queue behind the first; then release the lock. Each thread's result: its notification ids or its error."""
    recorder: Any = container.store.recorder
    schema = container.settings.database_schema
    results: list[Any] = [None] * len(inserts)
    with psycopg.connect(postgres_test_url()) as blocker:
        blocker.execute(f"LOCK TABLE {schema}.{recorder.events_table_name} IN EXCLUSIVE MODE")
        started = threading.Event()

        def run(n: int) -> None:
            event, write = inserts[n]
            try:
                if write is None:
                    results[n] = recorder.insert_events([event])
                else:
                    with keyed(write), committing(("change", event.originator_id), n):
                        results[n] = recorder.insert_events([event])
            except Exception as error:  # the test looks at it
                results[n] = error

        first = threading.Thread(target=run, args=(0,))
        first.start()
        while not recorder.group._busy:  # the first insert leads, and waits on the lock
            started.wait(0.01)
        others = [threading.Thread(target=run, args=(n,)) for n in range(1, len(inserts))]
        for thread in others:
            thread.start()
        while len(recorder.group._queue) < len(others):
            started.wait(0.01)
        blocker.rollback()  # release the lock: the first inserts alone, the others as one group
        for thread in [first, *others]:
            thread.join()
    return results


def test_commands_queued_behind_an_insert_commit_as_one_group_with_their_keys(pg: Container) -> None:
    cases = [open_case(pg.app, n) for n in range(1, 7)]
    writes = [KeyedWrite("user", f"key-{n}", "hash", b"s" * 32) if n % 2 else None for n in range(6)]
    inserts = [(next_event(pg, case_id, f"note {n}"), writes[n]) for n, case_id in enumerate(cases)]
    results = insert_grouped(pg, inserts)
    assert all(isinstance(ids, list) and len(ids) == 1 for ids in results), results
    assert pg.store.recorder.group.groups == 1  # type: ignore[attr-defined]
    assert pg.store.recorder.group.grouped == 5  # type: ignore[attr-defined]
    for case_id in cases:
        assert [e.originator_version for e in pg.app.case_events(case_id)] == list(range(1, OPENED + 2))
    ids = sorted(n for found in results for n in found)
    assert len(set(ids)) == 6
    with psycopg.connect(postgres_test_url()) as conn:
        keys = conn.execute(
            f"SELECT idem_key FROM {pg.settings.database_schema}.{KEYS_TABLE} WHERE outcome IS NOT NULL ORDER BY 1"
        ).fetchall()
    assert [k[0] for k in keys] == ["key-1", "key-3", "key-5"]


def test_a_group_with_a_lost_race_commits_the_others_and_only_the_loser_conflicts(pg: Container) -> None:
    cases = [open_case(pg.app, n) for n in range(1, 5)]
    taken = next_event(pg, cases[2], "already there")
    pg.store.recorder.insert_events([taken])  # the third case's next version is taken
    writes = [None, KeyedWrite("user", "key-1", "hash", b"s" * 32), KeyedWrite("user", "key-2", "hash", b"s" * 32)]
    inserts = [
        (next_event(pg, cases[0], "first"), None),
        (next_event(pg, cases[1], "second"), writes[1]),
        (next_event(pg, cases[2], "loses", version=OPENED + 1), writes[2]),
        (next_event(pg, cases[3], "fourth"), None),
    ]
    results = insert_grouped(pg, inserts)
    assert isinstance(results[2], IntegrityError)
    assert all(isinstance(results[n], list) for n in (0, 1, 3)), results
    assert [len(pg.app.case_events(case_id)) for case_id in cases] == [OPENED + 1] * 4
    assert [e.text for e in pg.app.case_events(cases[2])[OPENED:]] == ["already there"]  # type: ignore[attr-defined]
    with psycopg.connect(postgres_test_url()) as conn:
        keys = conn.execute(
            f"SELECT idem_key FROM {pg.settings.database_schema}.{KEYS_TABLE} WHERE outcome IS NOT NULL ORDER BY 1"
        ).fetchall()
    assert [k[0] for k in keys] == ["key-1"]  # the loser's key row was not written: its write did not happen
