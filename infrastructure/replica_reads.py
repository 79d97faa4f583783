"""Views read from a streaming replica (``ARREARS_READ_DATABASE_URL``), with read-your-writes kept.

The read model brings the views it reads up to the log's head on the primary first (``ProjectionRuntime.refresh``:
every write acknowledged before the read is then in them). A replica has those view rows once it has replayed the
primary's WAL past that moment, so a read takes the primary's WAL position (``pg_current_wal_lsn()``) after the
refresh and, on a replica connection, waits until ``pg_last_wal_replay_lsn()`` has reached it; the read then runs on
that same connection (READ COMMITTED: each statement sees what the replica has replayed by then, so no less than the
caller's write). A replica that has not got there within ``replica_wait_seconds``, or cannot be reached, is passed
over: the read is answered from the primary, as it would be without a replica, and counted in ``fallbacks``. A read
is never refused because of the replica, and never answered without the caller's own writes.

Writes, the projections' own reads and writes (positions, catch-up), the audit verification and every aggregate
replay stay on the primary: only the read transactions of the read model move.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import PersistenceError

from infrastructure.database_url import DatabaseUrl
from infrastructure.postgres_datastore import ResilientPostgresDatastore
from infrastructure.view_store import PostgresViewStore, ViewStore, ViewTx, _PostgresTx

log = logging.getLogger("arrears.replica")

#: the first pause between two looks at the replica's replay position (doubling up to ``_LONGEST_PAUSE``)
_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.02


class ReplicaReads:
    """A view store whose read transactions run on a replica once it has replayed the primary's WAL so far; its
    write transactions and positions are the primary's."""

    dialect = "postgres"

    def __init__(self, primary: PostgresViewStore, replica: ResilientPostgresDatastore, wait_seconds: float) -> None:
        self.primary = primary
        self.replica = replica
        self.wait_seconds = wait_seconds
        #: reads answered from the replica, and from the primary because the replica was behind or unreachable
        self.replica_reads = 0
        self.fallbacks = 0
        self._count = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[ViewTx]:
        """A write transaction: on the primary."""
        with self.primary.transaction() as tx:
            yield tx

    def position(self, name: str) -> int:
        """How far projection ``name`` has processed the log (the primary's tracking table)."""
        return self.primary.position(name)

    def primary_wal_position(self) -> str:
        """The primary's WAL write position now (every transaction committed before this call lies before it)."""
        with self.primary.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text AS lsn")
            row = cursor.fetchone()
        return str(row["lsn"]) if row else "0/0"

    @contextmanager
    def reading(self) -> Iterator[ViewTx]:
        """A read-only transaction on the replica once it has replayed the primary's WAL up to now; on the primary
        when it does not within ``wait_seconds`` or cannot be reached."""
        target = self.primary_wal_position()
        on_replica = False
        try:
            with self.replica.transaction(commit=False) as cursor:
                if self._replayed(cursor, target):
                    on_replica = True
                    self._counted("replica_reads")
                    cursor.execute(f"SET LOCAL search_path TO {self.primary.datastore.schema}")
                    yield _PostgresTx(cursor, self.primary)
                    return
        except PersistenceError as error:
            if on_replica:
                raise  # the read itself failed on the replica (or the caller's code raised one): not ours to hide
            log.warning("replica not reachable, reading from the primary: %s", error)
        self._counted("fallbacks")
        with self.primary.reading() as tx:
            yield tx

    def _replayed(self, cursor: Any, target: str) -> bool:
        """Whether the replica replays past ``target`` within ``wait_seconds`` (looking again after short pauses)."""
        deadline = time.monotonic() + self.wait_seconds
        pause = _FIRST_PAUSE
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn AS replayed", (target,))
            row = cursor.fetchone()
            if row and row["replayed"]:
                return True
            if row is None or row["replayed"] is None:  # not a standby: it replays nothing
                log.warning("ARREARS_READ_DATABASE_URL is not a standby (pg_last_wal_replay_lsn() is NULL)")
                return False
            if time.monotonic() + pause > deadline:
                log.info("replica behind %s after %.3f s: reading from the primary", target, self.wait_seconds)
                return False
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE)

    def _counted(self, name: str) -> None:
        with self._count:
            setattr(self, name, getattr(self, name) + 1)

    def close(self) -> None:
        """Release the replica's connections."""
        self.replica.close()


def replica_reads(views: ViewStore, url: str, pool_size: int, db_timeout: float, wait_seconds: float) -> ReplicaReads:
    """The views read from the replica at ``url`` (same database name and schema as the primary's views)."""
    if not isinstance(views, PostgresViewStore):
        raise ValueError("a read replica needs the views on PostgreSQL")
    where = DatabaseUrl.parse(url)
    replica = ResilientPostgresDatastore(
        dbname=where.dbname,
        host=where.host,
        port=where.port,
        user=where.user,
        password=where.password,
        pool_size=pool_size,
        max_overflow=pool_size,
        schema=views.datastore.schema,
        db_timeout=db_timeout,
    )
    return ReplicaReads(views, replica, wait_seconds)
