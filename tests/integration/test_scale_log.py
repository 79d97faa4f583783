"""The scale bench's log generator (``bench/scale_log.py``): stopped and run again, it writes the same log."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.bootstrap import bootstrap
from bench.scale_log import CHUNK, DUE_EVERY, bench_now, log_events, unwritten, write_log
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.conftest import settings_for

CASES = 3 * CHUNK
MEAN = 10


def test_a_stopped_log_goes_on_where_it_stopped_and_ends_as_one_written_at_once(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    settings = settings_for(store, tmp_path, request)
    stopped = bootstrap(settings, ManualClock(bench_now(MEAN)))
    at_once = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'at-once.db'}"), ManualClock(bench_now(MEAN)))
    try:
        assert unwritten(stopped.app, 3) == [0, 1, 2]
        list(write_log(stopped.app, [2, 0], MEAN, settings, processes=2))  # a run stopped after two chunks
        assert unwritten(stopped.app, 3) == [1]
        list(write_log(stopped.app, unwritten(stopped.app, 3), MEAN))
        list(write_log(at_once.app, [0, 1, 2], MEAN))

        assert unwritten(stopped.app, 3) == []
        assert log_events(stopped.app) == log_events(at_once.app) > CASES * 8
        stopped.projections.catch_up(["deadlines", "progress"])
        due = stopped.read_model.open_deadlines(due_before=bench_now(MEAN))
        opened = stopped.read_model.list_cases(status="open", limit=500).items
        assert {d.deadline_id for d in due} == {"next-review"}
        assert len(due) == len([c for c in opened if int(c.loan_id[3:]) % DUE_EVERY == 0])
    finally:
        stopped.close()
        at_once.close()
