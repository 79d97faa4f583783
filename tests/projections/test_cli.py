"""`arrears projections rebuild|status` on both stores."""

from __future__ import annotations

import pytest

from api.cli import main
from application.bootstrap import Container
from application.commands import AddNote
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, OPENED, open_case


def test_rebuild_and_status(
    container: Container, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = open_case(container.app)
    container.app.handle(AddNote(case_id=case_id, text="hello", actor=COLLECTOR))
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    assert main(["projections", "status"]) == 0
    lag = 2 + OPENED + 1  # registered, referred, the case's opening events, noted
    assert f"lag {lag:>7}" in capsys.readouterr().out
    assert main(["projections", "rebuild", "timeline"]) == 0
    out = capsys.readouterr().out
    assert f"rebuilt timeline from {lag} events" in out
    assert f"timeline    position {lag:>9}  lag       0  ok" in out
    assert main(["projections", "rebuild"]) == 0
    assert container.read_model.case_progress(case_id).version == OPENED + 1
    assert main(["projections", "rebuild", "nonsense"]) == 2
