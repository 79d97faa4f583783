"""The projections' log reader returns exactly eventsourcing's notifications, as plain rows: the same positions,
ids, versions, topics and bytes, after ``start``, up to ``stop``, at most ``limit``. SQLite and PostgreSQL."""

from __future__ import annotations

from application.bootstrap import Container
from infrastructure.log_reader import read_log
from tests.projections.history import generate


def test_read_log_equals_select_notifications(container: Container) -> None:
    sum(generate(container.app, cases=5, events_per_case=12))
    recorder = container.store.recorder
    for start, limit, stop in ((0, 1000, None), (7, 10, None), (3, 50, 20), (40, 5, 41), (10_000, 5, None)):
        expected = [
            (n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(start=start, limit=limit, stop=stop, inclusive_of_start=False)
        ]
        assert read_log(recorder, start, limit, stop) == expected
    assert len(read_log(recorder, 0, 1000)) == recorder.max_notification_id()
