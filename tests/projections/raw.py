"""Direct SQL on the events table, as someone with only database access would do it (both stores)."""

from __future__ import annotations

import sqlite3
from typing import Any
from uuid import UUID

import psycopg

from infrastructure.settings import Settings
from tests.conftest import postgres_test_url


class RawEvents:
    """UPDATE, DELETE and INSERT rows of the events table behind the application's back."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.postgres = settings.database_url.startswith("postgres")

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        if self.postgres:
            table = f"{self.settings.database_schema}.arrears_events"
            with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
                cursor = conn.execute(sql.format(table=table).replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        path = self.settings.database_url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute(sql.format(table="stored_events"), params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def _id(self, originator_id: UUID) -> Any:
        return originator_id if self.postgres else originator_id.hex

    def state(self, originator_id: UUID, version: int) -> bytes:
        rows = self._run(
            "SELECT state FROM {table} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )
        return bytes(rows[0][0])

    def update_state(self, originator_id: UUID, version: int, state: bytes) -> None:
        self._run(
            "UPDATE {table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (state, self._id(originator_id), version),
        )

    def delete(self, originator_id: UUID, version: int) -> None:
        self._run(
            "DELETE FROM {table} WHERE originator_id = ? AND originator_version = ?", (self._id(originator_id), version)
        )

    def insert(self, originator_id: UUID, version: int, topic: str, state: bytes) -> None:
        self._run(
            "INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
            (self._id(originator_id), version, topic, state),
        )

    def insert_recorded(self, originator_id: UUID, version: int, topic: str, state: bytes) -> None:
        """Insert an event with its transparency-log leaf, as a recorder (of another version of the application,
        say) would: the log then holds it as recorded; only its bytes may be unreadable to this process."""
        from infrastructure.tlog_store import event_leaf_hash

        self.insert(originator_id, version, topic, state)
        position = "notification_id" if self.postgres else "rowid"
        rows = self._run(
            f"SELECT {position} FROM {{table}} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )
        hashed = event_leaf_hash(int(rows[0][0]), originator_id, version, topic, state)
        leaves = f"{self.settings.database_schema}.tlog_leaves" if self.postgres else "tlog_leaves"
        self._run(
            f"INSERT INTO {leaves} (leaf_index, position, hash) "
            f"SELECT COALESCE(MAX(leaf_index), -1) + 1, ?, ? FROM {leaves}",
            (int(rows[0][0]), hashed),
        )
