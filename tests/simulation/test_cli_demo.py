"""arrears demo, report --html and policy propose, as a user runs them (a tiny run: 10 firms, one month)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from api.cli import main

pytestmark = pytest.mark.slow


def test_demo_runs_reports_writes_charts_and_a_second_run_only_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", f"sqlite:///{tmp_path / 'sim.db'}"]
    charts = tmp_path / "charts"
    argv = [*db, "demo", "--enterprises", "10", "--months", "1", "--learn-after", "0", "--charts", str(charts)]
    assert main([*argv, "--ends-at", "2026-12-06T10:20:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "simulated 2026-11-06 to 2026-12-06" in out and "events/s" in out
    assert "landed at 2026-12-06 10:20 +0800" in out
    assert "portfolio report:" in out and "overdue balance (outstanding of open cases):" in out
    assert "validation scorecard-2: KS" in out and "learning: policy published never" in out
    for name in ("overdue_balance_by_tier.png", "channel_mix.png"):
        assert (charts / name).read_bytes().startswith(b"\x89PNG")
    assert main(argv) == 0
    again = capsys.readouterr().out
    assert "reporting on them" in again and again.split("portfolio report:")[1] == out.split("portfolio report:")[1]
    page = tmp_path / "report.html"
    assert main([*db, "report", "--html", str(page)]) == 0
    html = page.read_text()
    assert html.count("data:image/png;base64,") == 2 and "<h1>Portfolio report</h1>" in html
    png = html.split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert main([*db, "policy", "propose"]) == 0
    assert "proposal over policy v1:" in capsys.readouterr().out


def test_demo_compare_replays_the_same_portfolio_without_learning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", f"sqlite:///{tmp_path / 'sim.db'}"]
    argv = [*db, "demo", "--enterprises", "8", "--months", "2", "--learn-after", "1", "--compare"]
    assert main([*argv, "--charts", str(tmp_path / "charts")]) == 0
    out = capsys.readouterr().out
    assert "the same portfolio under the fixed policy v1 vs the learning strategy:" in out
    assert "  fixed v1  overdue balance" in out and "  learning  overdue balance" in out
