"""Reads catch up just the views they read and see every write made before them; a view whose tables were made
by another DDL version is rebuilt on start (both stores)."""

from __future__ import annotations

import threading
from uuid import UUID

from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate

#: the timeline's DDL before its actor became two columns (DDL version 1)
OLD_TIMELINE = (
    "CREATE TABLE timeline (originator_id TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL, "
    "type TEXT NOT NULL, occurred_at TEXT, recorded_at TEXT, actor TEXT, summary TEXT NOT NULL, "
    "PRIMARY KEY (originator_id, version))"
)


def positions(container: Container) -> dict[str, int]:
    return {s.name: s.position for s in container.projections.status()}


def test_a_read_catches_up_only_the_views_it_reads(container: Container) -> None:
    case_id = open_case(container.app)
    version = container.app.handle(AddNote(case_id=case_id, text="called the CFO", actor=COLLECTOR)).version
    head = container.projections.head()

    assert container.read_model.case_progress(case_id).version == version
    assert positions(container)["progress"] == head
    # a case is read with its firm's name (the enterprise directory)
    assert {name for name, at in positions(container).items() if at == head} == {"progress", "enterprises"}

    [*_, last] = container.read_model.timeline(case_id).items
    assert last.version == version and last.actor is not None
    assert last.actor.model_dump() == {"user_id": "wang.collector", "role": "collector"}
    assert {name for name, at in positions(container).items() if at == head} == {"progress", "enterprises", "timeline"}
    container.read_model.worklist("wang.collector")
    assert {name for name, at in positions(container).items() if at == head} == {
        "progress",
        "enterprises",
        "timeline",
        "queues",
    }


def test_readers_on_many_threads_read_their_own_writes(container: Container) -> None:
    cases = [open_case(container.app, n) for n in range(1, 7)]
    errors: list[BaseException] = []

    def work(case_id: UUID) -> None:
        try:
            for n in range(8):
                version = container.app.handle(AddNote(case_id=case_id, text=f"note {n}", actor=COLLECTOR)).version
                assert container.read_model.case_progress(case_id).version == version
                assert container.read_model.timeline(case_id).items[-1].version == version
                assert container.read_model.audit(case_id).items[-1].version == version
                container.read_model.portfolio_report()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(case_id,)) for case_id in cases]
    for thread in threads:
        thread.start()
    sum(generate(container.app, cases=6, events_per_case=20, first=10, per_save=5))  # other writes meanwhile
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    container.projections.catch_up()
    assert_views_equal_oracle(container)


def test_a_view_made_by_another_ddl_version_is_rebuilt_on_start(
    container: Container, settings: Settings, clock: ManualClock
) -> None:
    case_id = open_case(container.app)
    container.app.handle(AddNote(case_id=case_id, text="called the CFO", actor=COLLECTOR))
    container.projections.catch_up()
    head = container.projections.head()
    with container.projections.store.transaction() as tx:  # the timeline as the code before version 2 made it
        tx.execute("DROP TABLE timeline")
        tx.execute(OLD_TIMELINE)
        tx.execute("DELETE FROM projection_schemas WHERE name = 'timeline'")

    restarted = bootstrap(settings, clock)
    try:
        assert positions(restarted)["timeline"] == 0  # dropped, to be rebuilt from the log
        assert positions(restarted)["progress"] == head  # version 1 as before: left alone
        [*_, last] = restarted.read_model.timeline(case_id).items
        assert last.actor is not None and (last.actor.user_id, last.actor.role) == ("wang.collector", "collector")
        assert positions(restarted)["timeline"] == head
        assert_views_equal_oracle(restarted)
    finally:
        restarted.close()
