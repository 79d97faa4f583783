"""Events carrying NUL (recorded before the API refused it, or by a client other than the API) never stop a view.

PostgreSQL text cannot hold NUL (0x00); the view layer (``infrastructure/view_store.py``) writes U+FFFD in its place,
in one place for every view. SQLite keeps the text as it is. Both stores.
"""

from __future__ import annotations

from application.bootstrap import Container
from application.commands import AddNote, AssignCollector, AssignTask
from domain.base import Actor, Role
from domain.case.values import Department
from infrastructure.view_rows import NUL_STANDIN
from tests.factories import COLLECTOR, open_case

NUL_ACTOR = Actor(user_id="wang\x00collector", role=Role.COLLECTOR)


def test_events_with_nul_still_project(container: Container, store: str) -> None:
    app = container.app
    case_id = open_case(app)
    app.handle(AddNote(case_id=case_id, text="abc\x00def", actor=COLLECTOR))  # timeline
    app.handle(AssignCollector(case_id=case_id, collector="li\x00na", actor=COLLECTOR))  # progress
    app.handle(AssignTask(case_id=case_id, department=Department.LEGAL, title="draft\x00letter", actor=COLLECTOR))
    app.handle(AddNote(case_id=case_id, text="by a NUL actor", actor=NUL_ACTOR))  # every view that keeps the actor
    container.projections.catch_up()

    stopped = [s for s in container.read_model.status() if s["failed_position"] is not None]
    assert stopped == []
    assert all(s["lag"] == 0 for s in container.read_model.status())
    kept = "\x00" if store == "sqlite" else NUL_STANDIN
    summaries = [item.summary for item in container.read_model.timeline(case_id).items]
    assert any(f"abc{kept}def" in summary for summary in summaries), summaries
    assert container.read_model.case_progress(case_id).collector == f"li{kept}na"
    titles = [item.title for item in container.read_model.queue("legal").items]
    assert f"draft{kept}letter" in titles
    # a query naming such a value reads back what was written (the same replacement on the way in)
    listed = container.read_model.list_cases(None, None, "li\x00na", None, None, 10).items
    assert [c.case_id for c in listed] == [str(case_id)]


def test_a_rebuild_replays_them_too(container: Container) -> None:
    case_id = open_case(container.app)
    container.app.handle(AddNote(case_id=case_id, text="\x00" * 3, actor=COLLECTOR))
    container.projections.rebuild(show_progress=False)
    assert all(s["failed_position"] is None and s["lag"] == 0 for s in container.read_model.status())
