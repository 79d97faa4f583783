"""The arrears command line, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main
from application.bootstrap import bootstrap
from infrastructure.settings import Settings


def test_demo_seeds_once_and_prints_a_timeline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--database-url", url, "seed", "--enterprises", "12"]) == 0
    first = capsys.readouterr().out
    assert "demo portfolio: 12 cases (12 newly opened)" in first
    assert "case opened for loan HD-2024-03" in first
    assert "feedback: raising funds, no date given" in first
    assert main(["--database-url", url, "seed", "--enterprises", "12"]) == 0
    assert "12 cases (0 newly opened)" in capsys.readouterr().out


def test_replay_shows_a_case_at_a_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    main(["--database-url", url, "seed", "--enterprises", "7"])
    capsys.readouterr()
    container = bootstrap(Settings(database_url=url))
    case_id = container.app.case_id_for("HD-2024-03")
    container.close()
    # the seed opens each case (with its classification, review and limitation period: 5 events), then contacts
    assert main(["--database-url", url, "replay", str(case_id), "--version", "7"]) == 0
    out = capsys.readouterr().out
    assert "at version 7" in out
    assert "contacts {'phone': 1}" in out
    assert "v8" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--database-url", "mysql://x/y", "demo"], "unsupported database URL scheme"),
        (
            ["--database-url", "sqlite:///{tmp}/e.db", "replay", "00000000-0000-0000-0000-000000000000"],
            "no CollectionCase",
        ),
    ],
)
def test_bad_input_gets_a_readable_error_and_exit_code_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("arrears: error:")
    assert message in err


def test_as_of_needs_an_offset(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["replay", "00000000-0000-0000-0000-000000000000", "--as-of", "2026-11-01T09:00:00"])
    assert "needs a time zone offset" in capsys.readouterr().err
