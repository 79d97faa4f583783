"""What an insider with write access to the database (and the project's open code) can do behind the application's
back: everything ``tests.projections.raw.RawEvents`` does, and rewrite positions, leaves, chains and heads."""

from __future__ import annotations

import sqlite3
from typing import Any
from uuid import UUID

import psycopg

from infrastructure.tlog_store import event_leaf_hash
from tests.conftest import postgres_test_url
from tests.projections.raw import RawEvents


class Insider(RawEvents):
    """Direct SQL on any table of the database."""

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Run a statement on the database's own tables (unqualified names)."""
        if self.postgres:
            with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
                conn.execute(f"SET search_path TO {self.settings.database_schema}")
                cursor = conn.execute(statement.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        conn = sqlite3.connect(self.settings.database_url.removeprefix("sqlite:///"))
        try:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    @property
    def table(self) -> str:
        return "arrears_events" if self.postgres else "stored_events"

    @property
    def position(self) -> str:
        return "notification_id" if self.postgres else "rowid"

    def position_of(self, originator_id: UUID, version: int) -> int:
        rows = self.sql(
            f"SELECT {self.position} FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )
        return int(rows[0][0])

    def swap(self, first: tuple[UUID, int], second: tuple[UUID, int]) -> None:
        """Exchange two events' log positions (reorder the log)."""
        a, b = self.position_of(*first), self.position_of(*second)
        self.sql(f"UPDATE {self.table} SET {self.position} = ? WHERE {self.position} = ?", (-1, a))
        self.sql(f"UPDATE {self.table} SET {self.position} = ? WHERE {self.position} = ?", (a, b))
        self.sql(f"UPDATE {self.table} SET {self.position} = ? WHERE {self.position} = ?", (b, -1))

    def rehash_leaf(self, originator_id: UUID, version: int) -> None:
        """Rewrite an event's leaf to match its (altered) bytes, and drop the stored nodes above (rebuilt later)."""
        position = self.position_of(originator_id, version)
        rows = self.sql(f"SELECT topic, state FROM {self.table} WHERE {self.position} = ?", (position,))
        topic, state = rows[0]
        hashed = event_leaf_hash(position, originator_id, version, topic, bytes(state))
        self.sql("UPDATE tlog_leaves SET hash = ? WHERE position = ?", (hashed, position))
        self.sql("DELETE FROM tlog_tiles")

    def delete_head(self, originator_id: UUID) -> None:
        """Delete an aggregate's audit chain head (what the old verifier relied on)."""
        self.sql("DELETE FROM audit_heads WHERE originator_id = ?", (str(originator_id),))

    def forget_checkpoints(self) -> None:
        """Delete every checkpoint the database holds."""
        self.sql("DELETE FROM tlog_checkpoints")
