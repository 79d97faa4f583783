"""Writes decided on the event loop await their insert on the process's insert thread (issue 15 item 1): the loop
goes on while an insert waits, the inserts that pile up go as one group, and every guarantee holds: per-aggregate
order, no unsaved state seen by a reader, the same conflict and retry rules.

Made deterministic without timing: another connection holds the events table's lock, so inserts wait on the
database; each test waits (polling the unit of work's in-flight marks) until the commands it needs are waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from application.bootstrap import Container, bootstrap
from application.commands import AddNote, RaiseDispute
from application.commands.base import Outcome
from domain.case import CollectionCase
from domain.errors import ConflictError
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.conftest import STORES, postgres_test_url, settings_for
from tests.factories import COLLECTOR, OPENED, open_case


@pytest.fixture
def pg(tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Container]:
    container = bootstrap(settings_for("postgres", tmp_path, request, async_inserts=True), clock)
    yield container
    container.close()


def note(case_id: UUID, text: str, expected_version: int | None = None) -> AddNote:
    return AddNote(case_id=case_id, text=text, actor=COLLECTOR, expected_version=expected_version)


def notes(container: Container, case_id: UUID) -> list[str]:
    return [e.text for e in container.app.case_events(case_id) if type(e).__name__ == "NoteAdded"]  # type: ignore[union-attr]


async def with_table_locked(
    container: Container, commands: list[Any], waiting: int, meanwhile: Any = None
) -> list[Any]:
    """Send the commands on this loop while the events table is locked elsewhere; once ``waiting`` of them are in
    flight (their inserts waiting on the lock), release the lock and, before the loop runs again, ``meanwhile()`` (if
    given). Each command's outcome or error (then what ``meanwhile`` returned).

    The grouping is made deterministic, not left to the threads' timing: the first command is sent alone and the
    rest only once the insert thread has taken its insert (the thread then waits on the lock with it alone); the
    lock is released only once the other ``waiting - 1`` inserts are all queued behind it, so the thread takes
    them as one group."""
    uow = container.app.uow
    inserter = container.store.recorder.handed_over  # type: ignore[attr-defined]
    with psycopg.connect(postgres_test_url()) as blocker:
        blocker.execute(
            f"LOCK TABLE {container.settings.database_schema}.{container.store.recorder.events_table_name}"  # type: ignore[attr-defined]
            " IN EXCLUSIVE MODE"
        )
        first, *rest = commands
        sent: list[asyncio.Task[Outcome[Any]]] = [asyncio.create_task(container.app.handle_async(first))]
        # the first insert is taken by the thread, which now waits on the lock (or the command was refused)
        while (not uow._in_flight or inserter._queue) and not sent[0].done():
            await asyncio.sleep(0.005)
        sent += [asyncio.create_task(container.app.handle_async(command)) for command in rest]
        while len(uow._in_flight) < waiting or len(inserter._queue) < waiting - 1:
            await asyncio.sleep(0.005)
        blocker.rollback()
        # the loop has not run since: the commands are still in flight, whatever their inserts have done meanwhile
        seen = None if meanwhile is None else meanwhile()
    results: list[Any] = list(await asyncio.gather(*sent, return_exceptions=True))
    return [*results, seen] if meanwhile is not None else results


def run(coroutine: Coroutine[Any, Any, list[Any]]) -> list[Any]:
    return asyncio.run(coroutine)


@pytest.mark.postgres
def test_commands_awaiting_their_inserts_let_the_loop_go_on_and_are_inserted_as_one_group(pg: Container) -> None:
    cases = [open_case(pg.app, n) for n in range(1, 9)]
    results = run(with_table_locked(pg, [note(case_id, f"note {n}") for n, case_id in enumerate(cases)], waiting=8))
    assert [outcome.version for outcome in results] == [pg.app.get_case(case_id).version for case_id in cases]
    for n, case_id in enumerate(cases):
        assert notes(pg, case_id) == [f"note {n}"]
    inserter = pg.store.recorder.handed_over  # type: ignore[attr-defined]
    assert inserter.groups == 1 and inserter.grouped == 7  # the first waited on the lock alone; the rest queued
    assert not pg.app.uow._in_flight


@pytest.mark.postgres
def test_commands_on_one_case_take_turns_on_the_loop_in_order(pg: Container) -> None:
    case_id = open_case(pg.app, 1)
    before = pg.app.get_case(case_id).version
    results = run(with_table_locked(pg, [note(case_id, f"note {n}") for n in range(5)], waiting=1))
    assert [outcome.version for outcome in results] == [before + n for n in range(1, 6)]
    assert notes(pg, case_id) == [f"note {n}" for n in range(5)]
    versions = [e.originator_version for e in pg.app.case_events(case_id)]
    assert versions == list(range(1, before + 6))


@pytest.mark.postgres
def test_a_read_on_the_loop_while_an_insert_is_in_flight_never_sees_its_unsaved_state(
    pg: Container, tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    case_id = open_case(pg.app, 1)
    pg.app.get_case(case_id)  # cached in this process
    other = bootstrap(pg.settings, clock)  # another process writes the case: this process's copy is stale
    stale = pg.app.get_case(case_id).version
    try:
        other.app.handle(note(case_id, "from the other process"))
        other.app.handle(note(case_id, "and another"))
    finally:
        other.close()

    def read_now() -> tuple[int, bool]:  # on the loop's own thread, which the case's lock lets in
        return pg.app.uow.read(CollectionCase, case_id, lambda case: (case.version, case.disputed))

    dispute = RaiseDispute(case_id=case_id, reason="the amount is wrong", actor=COLLECTOR)
    outcome, seen = run(with_table_locked(pg, [dispute], waiting=1, meanwhile=read_now))
    # the stale copy's insert (version stale + 1) lost its race: the read saw the stored case, not the unsaved
    # dispute; the command was then retried on the stored case
    assert seen == (stale + 2, False)
    assert pg.app.get_case(case_id).disputed
    assert notes(pg, case_id) == ["from the other process", "and another"]
    assert outcome.version == stale + 3


@pytest.mark.postgres
def test_a_group_with_a_stale_command_stores_every_command_once_with_the_same_retries(
    pg: Container, clock: ManualClock
) -> None:
    cases = [open_case(pg.app, n) for n in range(1, 5)]
    for case_id in cases:
        pg.app.get_case(case_id)
    other = bootstrap(pg.settings, clock)
    try:
        other.app.handle(note(cases[2], "elsewhere"))
    finally:
        other.close()
    inserter: Any = pg.store.recorder.handed_over  # type: ignore[attr-defined]
    alone: list[Any] = []
    write_alone = inserter._write_alone

    def counting(*args: Any) -> Any:
        alone.append(args[0][0].originator_id)
        return write_alone(*args)

    inserter._write_alone = counting
    results = run(with_table_locked(pg, [note(case_id, "here") for case_id in cases], waiting=4))
    assert all(isinstance(outcome, Outcome) for outcome in results), results
    # the first waited alone; the group of three committed two and left the stale one out, which then found its
    # conflict alone and, decided again on the stored case, was inserted alone
    assert alone == [cases[0], cases[2], cases[2]]
    assert inserter.groups == 1 and inserter.grouped == 3
    assert [notes(pg, case_id) for case_id in cases] == [["here"], ["here"], ["elsewhere", "here"], ["here"]]
    stale_pinned = run(with_table_locked(pg, [note(cases[0], "pinned", expected_version=OPENED)], waiting=0))
    assert isinstance(stale_pinned[0], ConflictError)  # a pinned version is refused, as ``change`` refuses it


@pytest.mark.parametrize("store", STORES)
def test_handle_async_records_what_handle_would_on_both_stores(
    store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock
) -> None:
    settings: Settings = settings_for(store, tmp_path, request, async_inserts=True)
    container = bootstrap(settings, clock)
    try:
        case_id = open_case(container.app, 1)

        async def both() -> list[Outcome[Any]]:
            return list(await asyncio.gather(*(container.app.handle_async(note(case_id, f"n{n}")) for n in range(3))))

        outcomes = asyncio.run(both())
        assert sorted(outcome.version for outcome in outcomes) == [OPENED + 1, OPENED + 2, OPENED + 3]
        assert sorted(notes(container, case_id)) == ["n0", "n1", "n2"]
    finally:
        container.close()
