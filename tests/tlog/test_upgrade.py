"""A database recorded before the transparency log existed gets a leaf for every event when a process first starts
on it, once, and then verifies and grows like any other (both stores)."""

from __future__ import annotations

from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case
from tests.tlog.insider import Insider


def test_an_old_database_gets_its_leaves_once_and_verifies(
    container: Container, settings: Settings, clock: ManualClock
) -> None:
    case_id = open_case(container.app)
    container.app.handle(AddNote(case_id=case_id, text="called", actor=COLLECTOR))
    recorded = container.tlog.size()
    Insider(settings).sql("DELETE FROM tlog_leaves")  # as a database from before the log was
    again = bootstrap(settings, clock)
    try:
        assert again.tlog.size() == recorded
        again.app.handle(AddNote(case_id=case_id, text="visited", actor=COLLECTOR))
        assert again.tlog.size() == recorded + 1
        again.tlog.publish()
        assert again.read_model.verify(catch_up=True).ok
    finally:
        again.close()
