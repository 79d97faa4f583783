"""With ARREARS_CIPHER_KEY set, contact persons' phones and emails never reach the database in plain bytes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from eventsourcing.cipher import AESCipher
from pydantic import SecretStr

from application.bootstrap import bootstrap
from application.commands import AddNote, LogContact
from domain.case.values import Channel, ContactOutcome
from infrastructure.clock import ManualClock
from infrastructure.database_url import DatabaseUrl
from infrastructure.environment import CipherKeyError, eventsourcing_env
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url
from tests.factories import COLLECTOR, contacts, open_case

SECRETS = [b"138 0013 8000", b"li.na@example.cn", b"139 0013 9000"]


def raw_state_bytes(settings: Settings) -> bytes:
    """Every byte of every stored event and snapshot, straight from the tables."""
    url = DatabaseUrl.parse(settings.database_url)
    if url.is_postgres:
        with psycopg.connect(postgres_test_url()) as conn:
            rows = conn.execute(
                f"SELECT state FROM {settings.database_schema}.arrears_events "
                f"UNION ALL SELECT state FROM {settings.database_schema}.arrears_snapshots"
            ).fetchall()
    else:
        with sqlite3.connect(url.path) as conn:
            rows = conn.execute(
                "SELECT state FROM stored_events UNION ALL SELECT state FROM stored_snapshots"
            ).fetchall()
    return b"".join(bytes(row[0]) for row in rows)


def write_history(settings: Settings, clock: ManualClock) -> None:
    container = bootstrap(settings, clock)
    try:
        case_id = open_case(container.app)
        for n in range(3):
            container.app.handle(AddNote(case_id=case_id, text=f"called {contacts()[0].phone} #{n}", actor=COLLECTOR))
    finally:
        container.close()


def test_without_a_key_the_bytes_are_plain(settings: Settings, clock: ManualClock) -> None:
    write_history(settings, clock)
    raw = raw_state_bytes(settings)
    assert all(secret in raw for secret in SECRETS)


def test_with_a_key_no_phone_or_email_is_stored_in_plain_bytes(settings: Settings, clock: ManualClock) -> None:
    keyed = settings.model_copy(update={"cipher_key": SecretStr(AESCipher.create_key(32)), "snapshot_interval": 2})
    write_history(keyed, clock)
    raw = raw_state_bytes(keyed)
    assert raw, "events were stored"
    assert not any(secret in raw for secret in SECRETS)
    reader = bootstrap(keyed, clock)  # the same key reads it all back
    try:
        case = reader.app.get_case(reader.app.case_id_for("LN-000001"))
        enterprise = reader.app.get_enterprise(case.enterprise_id)
        assert [c.phone for c in enterprise.contacts] == [c.phone for c in contacts()]
        assert case.notes == 3
    finally:
        reader.close()


@pytest.mark.parametrize("key", ["not base64!", "c2hvcnQ="])
def test_a_bad_key_is_refused_with_a_clear_message(key: str, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.db", cipher_key=key)  # type: ignore[arg-type]
    with pytest.raises(CipherKeyError, match="ARREARS_CIPHER_KEY"):
        eventsourcing_env(settings)


NAMES = ["Li Na", "Zhou Min"]


def raw_view_text(settings: Settings) -> str:
    """Every row of every table but the events and snapshots (the views, their tracking), as text."""
    url = DatabaseUrl.parse(settings.database_url)
    chunks: list[str] = []
    if url.is_postgres:
        schema = settings.database_schema
        with psycopg.connect(postgres_test_url()) as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
                ).fetchall()
                if row[0] not in ("arrears_events", "arrears_snapshots")
            ]
            for table in tables:
                chunks += [repr(row) for row in conn.execute(f'SELECT * FROM {schema}."{table}"').fetchall()]
    else:
        with sqlite3.connect(url.path) as conn:
            tables = [
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
                if row[0] not in ("stored_events", "stored_snapshots")
            ]
            for table in tables:
                chunks += [repr(row) for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()]
    assert len(tables) > 5, tables
    return "\n".join(chunks)


def contact_history(settings: Settings, clock: ManualClock) -> list[str]:
    """A case whose enterprise has contact persons, a call to one of them logged; every view caught up; the
    case's and the enterprise's timeline summaries as the read model answers them."""
    container = bootstrap(settings, clock)
    try:
        case_id = open_case(container.app)
        container.app.handle(
            LogContact(
                case_id=case_id, channel=Channel.PHONE, party="Li Na", outcome=ContactOutcome.CONNECTED, actor=COLLECTOR
            )
        )
        container.projections.catch_up()
        enterprise_id = container.app.enterprise_of_case(case_id)
        return [
            item.summary
            for key in (case_id, enterprise_id)
            for item in container.read_model.timeline(key, limit=200, case_only=False).items
        ]
    finally:
        container.close()


def test_with_a_key_no_view_stores_a_contact_persons_name(settings: Settings, clock: ManualClock) -> None:
    plain = contact_history(settings, clock)
    assert "Li Na" in raw_view_text(settings)  # without a key the timeline holds it as it is
    keyed = settings.model_copy(
        update={"cipher_key": SecretStr(AESCipher.create_key(32)), "database_url": settings.database_url + "-keyed"}
        if settings.database_url.startswith("sqlite")
        else {"cipher_key": SecretStr(AESCipher.create_key(32))}
    )
    if not keyed.database_url.startswith("sqlite"):
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:  # a fresh schema for the keyed store
            conn.execute(f"DROP SCHEMA {keyed.database_schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {keyed.database_schema}")
    summaries = contact_history(keyed, clock)
    stored = raw_view_text(keyed)
    assert [name for name in NAMES if name in stored] == []
    assert summaries == plain  # the read model opens them: the timeline reads the same
    assert any("Li Na" in summary for summary in summaries)
