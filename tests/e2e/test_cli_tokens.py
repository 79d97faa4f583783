"""`arrears token issue` prints a token the API accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.auth import TokenCodec
from api.cli import duration, main
from domain.base import Role

SECRET = "cli-test-secret-key-of-at-least-32-bytes"


def test_token_issue_prints_a_token_for_the_user_and_role(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("ARREARS_SECRET_KEY", SECRET)
    assert (
        main(
            [
                "--database-url",
                f"sqlite:///{tmp_path}/a.db",
                "token",
                "issue",
                "--user",
                "wang",
                "--role",
                "collector",
                "--ttl",
                "30m",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip()
    principal = TokenCodec(SECRET).verify(token)
    assert principal.user_id == "wang" and principal.role is Role.COLLECTOR


def test_without_a_key_sqlite_gets_a_persisted_dev_key(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("ARREARS_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path}/a.db"
    main(["--database-url", url, "token", "issue", "--user", "a", "--role", "admin"])
    first = capsys.readouterr().out.strip()
    key = (tmp_path / "a.db-secret-key").read_text().strip()
    assert TokenCodec(key).verify(first).role is Role.ADMIN
    main(["--database-url", url, "token", "issue", "--user", "b", "--role", "auditor"])
    assert TokenCodec(key).verify(capsys.readouterr().out.strip()).user_id == "b"


def test_postgres_needs_an_explicit_key(capsys, monkeypatch):
    monkeypatch.delenv("ARREARS_SECRET_KEY", raising=False)
    assert main(["--database-url", "postgresql://u@h/db", "token", "issue", "--user", "a", "--role", "admin"]) == 2
    assert "ARREARS_SECRET_KEY" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30m", 1800), ("8h", 28800), ("7d", 604800)])
def test_durations(text, seconds):
    assert duration(text) == timedelta(seconds=seconds)
