"""Without a terminal, progress is periodic lines on stderr (or the log), and a short run stays silent."""

from __future__ import annotations

import pytest

from infrastructure import progress as progress_module
from infrastructure.progress import ProgressLog, progress, progress_bar


def test_piped_progress_writes_periodic_lines_with_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress_module, "progress_enabled", lambda: False)
    monkeypatch.setenv("ARREARS_PROGRESS_LOG_SECONDS", "0")  # a line at every step
    assert list(progress(range(3), "seeding demo", 3)) == [0, 1, 2]
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" ", 1)[1].split(",")[0] for line in lines[:3]] == [
        "seeding demo: 1/3 items (33%)",
        "seeding demo: 2/3 items (66%)",
        "seeding demo: 3/3 items (100%)",
    ]
    assert lines[-1].split(" ", 1)[1].startswith("seeding demo: done, 3 items in")


def test_a_short_run_says_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(progress_module, "progress_enabled", lambda: False)
    monkeypatch.setenv("ARREARS_PROGRESS_LOG_SECONDS", "3600")
    bar = progress_bar("rebuilding audit", total=10)
    assert isinstance(bar, ProgressLog)
    bar.update(10)
    bar.close()
    assert capsys.readouterr().err == ""
