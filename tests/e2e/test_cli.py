"""The ``arrears`` CLI's import, assess and policy commands, as a user runs them (SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from tests.application.test_import import ENTERPRISES_CSV, MIXED


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]


def test_import_reports_what_it_did_and_a_second_run_changes_nothing(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    enterprises = tmp_path / "enterprises.csv"
    enterprises.write_text(ENTERPRISES_CSV)
    mixed = tmp_path / "textile.jsonl"
    mixed.write_text(MIXED)
    assert main([*db, "import", str(enterprises)]) == 0
    assert "2 enterprises registered" in capsys.readouterr().out
    assert main([*db, "import", str(mixed)]) == 0
    assert "2 statements filed, 1 loans added" in capsys.readouterr().out
    assert main([*db, "import", str(mixed)]) == 0
    assert "0 enterprises registered, 0 updated, 0 contacts added, 0 statements filed, 0 loans added, 4 unchanged" in (
        capsys.readouterr().out
    )


def test_a_file_with_bad_rows_exits_non_zero_with_a_per_row_report(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "loans.txt"
    bad.write_text("credit_code,loan_id,amount,start_on,maturity_on\nNOPE,L-1,12.5.0,2024-01-01,2023-01-01\n")
    assert main([*db, "import", str(bad), "--format", "csv", "--kind", "loans"]) == 1
    err = capsys.readouterr().err
    assert "1 bad row(s); nothing was imported" in err
    assert "line 2, amount:" in err


def test_assess_prints_score_tier_and_reasons(db: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*db, "seed", "--enterprises", "7"]) == 0
    out = capsys.readouterr().out
    assert "tiers: 2 high, 4 medium, 1 low" in out
    assert "[LEVERAGE_RISING] debt-to-asset ratio up 23.0 points since 2024" in out
    assert main([*db, "assess", "HD-2024-03"]) == 0
    out = capsys.readouterr().out
    assert "high risk, score" in out and "[PAST_OVERDUES] 4 overdue episodes on past loans" in out


def test_policy_show_prints_the_governing_version(db: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*db, "policy", "show"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("strategy policy v1 (governing)")  # the heading is for the person, on stderr
    terms = json.loads(captured.out)  # stdout is the JSON alone, for jq
    assert terms["risk"]["high_from"] == 60 and '"limitation_years": 3' in captured.out


def test_payoff_and_ledger_print_what_settles_a_loan_on_a_day(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A seeded case (opened with an overdue amount and date, no contract rates: no penalty) is settled by its
    principal; the ledger prints it due by due; an unknown loan is a readable error and a non-zero exit."""
    assert main([*db, "seed", "--enterprises", "3"]) == 0
    capsys.readouterr()
    assert main([*db, "ledger", "HD-2024-03"]) == 0
    ledger = capsys.readouterr().out
    assert ledger.startswith("loan HD-2024-03 as of ") and "days past due" in ledger and "  due 1 " in ledger
    outstanding = ledger.split("outstanding ")[1].split(" ")[0]
    assert main([*db, "payoff", "HD-2024-03"]) == 0
    payoff = capsys.readouterr().out
    assert payoff.splitlines()[0].endswith(f": {outstanding}") and "  principal " in payoff
    assert main([*db, "payoff", "NO-SUCH-LOAN", "--on", "2026-11-16"]) == 2
    assert "arrears: error:" in capsys.readouterr().err
