"""Issue 23, CLI: a file in the way, a missing file, a damaged event or a bad user id is a readable message and a
non-zero exit, never a traceback (both stores where the store is read)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from api.cli import main
from application.bootstrap import Container, bootstrap
from infrastructure.settings import Settings
from tests.projections.test_audit_unreadable import a_case_with_notes, tamper

TEST_SECRET = "test-secret-key-that-is-at-least-32-bytes-long"


@pytest.fixture
def schema_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> list[str]:
    """The CLI's database options for the store under test (the schema through the environment)."""
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("ARREARS_SECRET_KEY", TEST_SECRET)
    return ["--database-url", settings.database_url]


@pytest.mark.parametrize("obstacle", ["file", "dangling link"])
def test_evidence_out_onto_an_existing_file_or_a_dangling_link_is_a_clear_error(
    container: Container, schema_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], obstacle: str
) -> None:
    case_id = a_case_with_notes(container)
    out = tmp_path / "pack"
    if obstacle == "file":
        out.write_text("not a folder")
    else:
        out.symlink_to(tmp_path / "gone")
    assert main([*schema_env, "evidence", str(case_id), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"--out {out} is not a folder" in err
    assert out.is_symlink() or out.read_text() == "not a folder"


def test_restore_of_a_missing_file_is_a_clear_error(
    schema_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-export.jsonl"
    assert main([*schema_env, "restore", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: no such file" in err


def test_replay_of_a_case_with_an_event_whose_state_is_null_names_the_event(
    container: Container, settings: Settings, schema_env: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = a_case_with_notes(container)
    container.close()
    tamper(settings, case_id, 2, "null")
    assert main([*schema_env, "replay", str(case_id), "--version", "3"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"event 2 of {case_id}" in err
    assert "has no stored state" in err


@pytest.mark.parametrize("user", ["a\x01b", " leading", "trailing ", "nul\x00id", "x" * 65, "system:scheduler"])
def test_token_issue_refuses_a_user_id_outside_the_documented_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, user: str
) -> None:
    monkeypatch.setenv("ARREARS_SECRET_KEY", TEST_SECRET)
    url = f"sqlite:///{tmp_path / 't.db'}"
    assert main(["--database-url", url, "token", "issue", "--user", user, "--role", "collector"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "user id" in captured.err


def test_evidence_verify_with_an_empty_audit_key_says_seals_not_checked(
    settings: Settings, schema_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    key = "a-key-kept-off-the-database"
    monkeypatch.setenv("ARREARS_AUDIT_KEY", key)
    container = bootstrap(settings.model_copy(update={"audit_key": SecretStr(key)}))
    try:
        case_id = a_case_with_notes(container)
    finally:
        container.close()
    out = tmp_path / "pack"
    assert main([*schema_env, "evidence", str(case_id), "--out", str(out)]) == 0, capsys.readouterr().err
    assert json.loads((out / "manifest.json").read_text())["sealed"]
    capsys.readouterr()
    monkeypatch.setenv("ARREARS_AUDIT_KEY", "")
    assert main(["evidence", "verify", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "CHANGED" not in printed
    assert "seals NOT checked" in printed


@pytest.mark.parametrize("length", [140_000, 1024 * 1024 + 1])
def test_import_of_a_csv_field_over_131072_characters_prints_the_per_row_report(
    schema_env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], length: int
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("name,credit_code,industry\nBig Co.," + "9" * length + ",manufacturing\n")
    assert main([*schema_env, "import", str(big)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{big}: 1 bad row(s); nothing was imported" in err
    assert "line 2" in err
