"""The SQLite event recorder, writing an Idempotency-Key's row in the events' transaction (see
``infrastructure.keyed_writes``): one connection, one transaction."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from infrastructure.keyed_writes import KEYS_TABLE, key_row

#: the key's row (as ``infrastructure.idempotency`` creates it), written after the events
_UPSERT_KEY = (
    f"INSERT INTO {KEYS_TABLE} (user_id, idem_key, request_hash, created_at, outcome) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id, idem_key) DO UPDATE SET outcome = excluded.outcome"
)


class KeyedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder; a keyed write's row commits with its events."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        key = key_row()
        if key is not None and stored_events:
            c.execute(_UPSERT_KEY, (key.user_id, key.key, key.request_hash, time.time(), key.outcome))
        return ids
