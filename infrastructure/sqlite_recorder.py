"""The SQLite event recorder, writing an Idempotency-Key's row (see ``infrastructure.keyed_writes``) and the
snapshots due (see ``infrastructure.snapshotting``) in the events' transaction, and checking there the facts the
command read (``infrastructure.read_set``): one connection, one transaction."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteApplicationRecorder, SQLiteCursor

from infrastructure.keyed_writes import KEYS_TABLE, key_row
from infrastructure.read_set import Reads, checked_reads, stale
from infrastructure.snapshotting import pending_snapshots
from infrastructure.tlog_store import LEAVES, event_leaf_hash, leaves_ddl

#: the key's row (as ``infrastructure.idempotency`` creates it), written after the events
_UPSERT_KEY = (
    f"INSERT INTO {KEYS_TABLE} (user_id, idem_key, request_hash, created_at, outcome) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id, idem_key) DO UPDATE SET outcome = excluded.outcome"
)


class KeyedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder; a keyed write's row, the snapshots due and the events' transparency-log
    leaves (``infrastructure.tlog_store``) commit with their events."""

    #: the event store hands it the snapshots due, to write in the events' transaction
    writes_snapshots = True
    #: whether its events' leaves are written with them (off only in ``bench/bench_tlog.py``'s comparison)
    writes_leaves = True

    def construct_create_table_statements(self) -> list[str]:
        """The events table and the transparency log's leaves."""
        return [*super().construct_create_table_statements(), leaves_ddl("BLOB")]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if (
            ids and self.writes_leaves
        ):  # this transaction holds the write lock: the leaves take the next indexes, in the events' order
            c.execute(f"SELECT COALESCE(MAX(leaf_index), -1) FROM {LEAVES}")
            start = int(c.fetchone()[0]) + 1
            c.executemany(
                f"INSERT INTO {LEAVES} (leaf_index, position, hash) VALUES (?, ?, ?)",
                [
                    (
                        start + n,
                        position,
                        event_leaf_hash(position, e.originator_id, e.originator_version, e.topic, e.state),
                    )
                    for n, (position, e) in enumerate(zip(ids, stored_events, strict=True))
                ],
            )
        reads = checked_reads()
        if reads and stored_events:  # after the insert: this transaction now holds the write lock, nothing commits
            self._check(c, reads, stored_events)
        snapshots = pending_snapshots()
        if snapshots is not None and snapshots.stored and stored_events:
            SQLiteAggregateRecorder._insert_events(snapshots.recorder, c, snapshots.stored)
        key = key_row()
        if key is not None and stored_events:
            c.execute(_UPSERT_KEY, (key.user_id, key.key, key.request_hash, time.time(), key.outcome))
        return ids

    def _check(self, c: SQLiteCursor, reads: Reads, inserted: Sequence[StoredEvent]) -> None:
        """StaleFacts when an aggregate read has an event past the version read (``infrastructure.read_set``), other
        than the events just inserted (a command may read the aggregate it changes)."""
        statement = (
            f"SELECT 1 FROM {self.events_table_name} WHERE originator_id = ? AND originator_version > ? "
            "AND originator_version < ? LIMIT 1"
        )
        ours: dict[object, int] = {}
        for event in inserted:
            ours[event.originator_id] = min(event.originator_version, ours.get(event.originator_id, 2**62))
        for aggregate_id, version in reads.items():
            c.execute(statement, (aggregate_id.hex, version, ours.get(aggregate_id, 2**62)))
            if c.fetchone() is not None:
                raise stale(reads)
