"""A stored event whose bytes were replaced by text, or removed, is named by the verifier; it never crashes (both
stores, through the read model and over HTTP)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import psycopg
import pytest
from pydantic import SecretStr

from application.bootstrap import Container
from application.commands import AddNote
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url
from tests.factories import COLLECTOR, open_case


def tamper(settings: Settings, case_id: UUID, version: int, how: str) -> None:
    """Replace the stored bytes of one event by text (SQLite's ``state || 'x'``) or by NULL."""
    if settings.database_url.startswith("postgres"):
        assert how == "null", "a bytea column holds bytes whatever is written to it"
        table = f"{settings.database_schema}.arrears_events"
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(
                f"UPDATE {table} SET state = NULL WHERE originator_id = %s AND originator_version = %s",
                (case_id, version),
            )
        return
    change = "state = state || 'x'" if how == "text" else "state = NULL"
    conn = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    try:
        conn.execute(
            f"UPDATE stored_events SET {change} WHERE originator_id = ? AND originator_version = ?",
            (case_id.hex, version),
        )
        conn.commit()
    finally:
        conn.close()


def a_case_with_notes(container: Container, n: int = 1) -> UUID:
    case_id = open_case(container.app, n)
    for text in ("called", "visited"):
        container.app.handle(AddNote(case_id=case_id, text=text, actor=COLLECTOR))
    container.projections.catch_up()
    assert container.read_model.verify().ok
    return case_id


def test_unreadable_stored_bytes_are_named_not_a_crash(container: Container, settings: Settings, store: str):
    hows = ["text", "null"] if store == "sqlite" else ["null"]  # a bytea column holds bytes or NULL
    cases = [a_case_with_notes(container, n) for n in range(1, len(hows) + 1)]
    for case_id, how in zip(cases, hows, strict=True):
        tamper(settings, case_id, 2, how)
    for scope in (None, *cases):
        report = container.read_model.verify(scope)
        assert not report.ok
        wanted = cases if scope is None else [scope]
        assert [(m.kind, m.case_id, m.version) for m in report.mismatches] == sorted(
            ("unreadable", str(case_id), 2) for case_id in wanted
        )
        assert all("stored bytes" in m.detail for m in report.mismatches)
        assert report.checked_events >= 3


@pytest.fixture
def http(settings: Settings, clock) -> Iterator:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.e2e.conftest import TEST_SECRET

    keyed = settings.model_copy(update={"secret_key": SecretStr(TEST_SECRET)})
    with TestClient(create_app(keyed, clock)) as client:
        yield client


def test_get_audit_verify_names_it_over_http(http, settings: Settings, store: str) -> None:
    services = http.app.state.services
    case_id = a_case_with_notes(services.container)
    tamper(settings, case_id, 3, "text" if store == "sqlite" else "null")
    token = services.tokens.issue("audit.user", "auditor", timedelta(hours=1))
    response = http.get("/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False
    assert [(m["kind"], m["version"]) for m in body["mismatches"]] == [("unreadable", 3)]
