"""`arrears projections rebuild|status` on both stores."""

from __future__ import annotations

import pytest

from api.cli import main
from application.bootstrap import Container
from application.commands import AddNote
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case


def test_rebuild_and_status(
    container: Container, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = open_case(container.app)
    container.app.handle(AddNote(case_id=case_id, text="hello", actor=COLLECTOR))
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    assert main(["projections", "status"]) == 0
    assert "lag       4" in capsys.readouterr().out  # registered, referred, opened, noted
    assert main(["projections", "rebuild", "timeline"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt timeline from 4 events" in out
    assert "timeline    position         4  lag       0  ok" in out
    assert main(["projections", "rebuild"]) == 0
    assert container.read_model.case_progress(case_id).version == 2
    assert main(["projections", "rebuild", "nonsense"]) == 2
