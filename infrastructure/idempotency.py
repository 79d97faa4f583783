"""Durable Idempotency-Key records, in the event store's own database (SQLite or PostgreSQL).

A key is reserved (insert-first) before the request runs, so two concurrent duplicates cannot both
run; the first response is stored when the request finishes and replayed to every repeat. Each save the
request makes writes the key's ``outcome`` in the events' own transaction (``infrastructure.keyed_writes``):
a reservation abandoned after its write committed (the server died before storing the response) is not run
again but rebuilt (``Outcome.REBUILD``), the saves handed back instead of made.

A key is kept for ``idempotency_retention_seconds`` (24 h by default) from its first use: a reservation finds an
older row as if there were none (and takes its place), and ``purge`` (run by the server's scheduler) deletes them.
Keys belong to a principal, a user *in a role* (``principal``): the same user with another role's token has keys
of its own, and never gets a response made for the other role.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import orjson
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from infrastructure.database_url import DatabaseUrl
from infrastructure.keyed_writes import KEYS_TABLE, Entry, load, record_seal
from infrastructure.outage import Breaker, drainer, guarded_connection, harden_pool
from infrastructure.postgres_datastore import ensure_schema, lock_ddl
from infrastructure.secret_key import resolve_secret_key
from infrastructure.settings import Settings

TABLE = KEYS_TABLE
#: how long the store waits for its first connection when it starts (a request waits only the database timeout)
STARTUP_SECONDS = 15.0


@dataclass(frozen=True)
class StoredResponse:
    """The first response to a request made with an Idempotency-Key."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Outcome(Enum):
    """What a reservation found."""

    RESERVED = "reserved"  # first time: run the request
    REPLAY = "replay"  # done before: answer with the stored response
    MISMATCH = "mismatch"  # same key, different request
    IN_FLIGHT = "in_flight"  # the first request with this key is still running
    REBUILD = "rebuild"  # an abandoned request whose writes committed: run it again with its saves handed back
    UNREADABLE = "unreadable"  # an abandoned request whose record of its writes does not verify (altered)


@dataclass(frozen=True)
class Reservation:
    """The outcome of reserving a key, with the stored response for a replay."""

    outcome: Outcome
    response: StoredResponse | None = None
    #: for REBUILD: the saves the abandoned request committed
    recorded: list[Entry] | None = None


def principal(user_id: str, role: str) -> str:
    """The owner of a key: a user in a role (``supervisor:zhao``; a role holds no ``:``)."""
    return f"{role}:{user_id}"


class IdempotencyStore(Protocol):
    """Reserve a key, then complete it with the response (or release it when the request failed)."""

    #: the key a keyed write's record is sealed with (``infrastructure.keyed_writes``)
    seal: bytes

    def reserve(self, user_id: str, key: str, request_hash: str) -> Reservation:
        """Insert-first reservation of (user, key)."""
        ...

    def complete(self, user_id: str, key: str, response: StoredResponse) -> None:
        """Store the first response."""
        ...

    def release(self, user_id: str, key: str) -> None:
        """Forget an unfinished reservation (the request failed on the server)."""
        ...

    def purge(self) -> int:
        """Forget every key older than the retention; how many were forgotten."""
        ...

    def ping(self) -> None:
        """Raise unless the database answers."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


#: a reservation taking the place of a key past its retention: a new first use
_FRESH = (
    "request_hash = excluded.request_hash, created_at = excluded.created_at, status = NULL, headers = NULL, "
    "body = NULL, outcome = NULL"
)


def _taken_over(outcome: bytes | None, seal: bytes) -> Reservation:
    """An abandoned reservation, now ours: run afresh, or rebuilt when its writes committed."""
    if outcome is None:
        return Reservation(Outcome.RESERVED)
    recorded = load(outcome, seal)
    if recorded is None:
        return Reservation(Outcome.UNREADABLE)
    return Reservation(Outcome.REBUILD, recorded=recorded)


def _decide(row: tuple[str, float, int | None, str | None, bytes | None], request_hash: str) -> Reservation:
    stored_hash, _created_at, status, headers, body = row
    if stored_hash != request_hash:
        return Reservation(Outcome.MISMATCH)
    if status is None:
        return Reservation(Outcome.IN_FLIGHT)
    pairs = [(str(k), str(v)) for k, v in orjson.loads(headers or "[]")]
    return Reservation(Outcome.REPLAY, StoredResponse(status=status, headers=pairs, body=bytes(body or b"")))


class SqliteIdempotencyStore:
    """Keys in a table of the SQLite database file the events live in."""

    def __init__(
        self, path: str, ttl_seconds: int, lock_timeout: float, seal: bytes, retention_seconds: int = 86400
    ) -> None:
        self.seal = seal
        self.retention = retention_seconds
        if path != ":memory:":
            Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        self.ttl = ttl_seconds
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(path, timeout=max(lock_timeout, 1), isolation_level=None, check_same_thread=False)
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (user_id TEXT NOT NULL, idem_key TEXT NOT NULL, "
            "request_hash TEXT NOT NULL, created_at REAL NOT NULL, status INTEGER, headers TEXT, body BLOB, "
            "outcome BLOB, PRIMARY KEY (user_id, idem_key))"
        )
        columns = {row[1] for row in self.conn.execute(f"PRAGMA table_info({TABLE})")}
        if "outcome" not in columns:  # a table made before writes recorded their outcome
            try:
                self.conn.execute(f"ALTER TABLE {TABLE} ADD COLUMN outcome BLOB")
            except sqlite3.OperationalError as error:  # another process starting at once added it first
                if "duplicate column" not in str(error):
                    raise

    def reserve(self, user_id: str, key: str, request_hash: str) -> Reservation:
        """Insert-first reservation of (user, key)."""
        now = time.time()
        with self.lock:
            cursor = self.conn.execute(
                f"INSERT INTO {TABLE} (user_id, idem_key, request_hash, created_at) VALUES (?, ?, ?, ?) "
                f"ON CONFLICT (user_id, idem_key) DO UPDATE SET {_FRESH} WHERE {TABLE}.created_at < ?",
                (user_id, key, request_hash, now, now - self.retention),
            )
            if cursor.rowcount == 1:
                return Reservation(Outcome.RESERVED)
            cursor = self.conn.execute(
                f"UPDATE {TABLE} SET created_at = ? WHERE user_id = ? AND idem_key = ? AND request_hash = ? "
                "AND status IS NULL AND created_at < ? RETURNING outcome",
                (now, user_id, key, request_hash, now - self.ttl),
            )
            taken = cursor.fetchone()
            if taken is not None:  # an abandoned reservation (the process died mid-request)
                return _taken_over(taken[0], self.seal)
            row = self.conn.execute(
                f"SELECT request_hash, created_at, status, headers, body FROM {TABLE} "
                "WHERE user_id = ? AND idem_key = ?",
                (user_id, key),
            ).fetchone()
        if row is None:  # released between our insert and select: try again
            return self.reserve(user_id, key, request_hash)
        return _decide(row, request_hash)

    def complete(self, user_id: str, key: str, response: StoredResponse) -> None:
        """Store the first response."""
        with self.lock:
            self.conn.execute(
                f"UPDATE {TABLE} SET status = ?, headers = ?, body = ?, outcome = NULL "
                "WHERE user_id = ? AND idem_key = ?",
                (response.status, orjson.dumps(response.headers).decode(), response.body, user_id, key),
            )

    def release(self, user_id: str, key: str) -> None:
        """Forget an unfinished reservation."""
        with self.lock:
            self.conn.execute(
                f"DELETE FROM {TABLE} WHERE user_id = ? AND idem_key = ? AND status IS NULL AND outcome IS NULL",
                (user_id, key),
            )
            self.conn.execute(  # it wrote before failing: a retry rebuilds it at once
                f"UPDATE {TABLE} SET created_at = 0 WHERE user_id = ? AND idem_key = ? AND status IS NULL",
                (user_id, key),
            )

    def purge(self) -> int:
        """Forget every key older than the retention."""
        with self.lock:
            cursor = self.conn.execute(f"DELETE FROM {TABLE} WHERE created_at < ?", (time.time() - self.retention,))
            return max(cursor.rowcount, 0)

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.lock:
            self.conn.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchall()

    def close(self) -> None:
        """Release the connection."""
        self.conn.close()


class PostgresIdempotencyStore:
    """Keys in a table of the PostgreSQL database (and schema) the events live in."""

    def __init__(
        self,
        url: DatabaseUrl,
        schema: str,
        ttl_seconds: int,
        pool_size: int,
        seal: bytes,
        timeout: float = 2.0,
        retention_seconds: int = 86400,
    ) -> None:
        self.seal = seal
        self.retention = retention_seconds
        conninfo = make_conninfo(
            host=url.host, port=url.port, user=url.user, password=url.password or None, dbname=url.dbname
        )
        self.table = f'"{schema}".{TABLE}' if schema else TABLE
        self.ttl = ttl_seconds
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=pool_size, kwargs={"autocommit": True}, open=True)
        harden_pool(self.pool, timeout)
        self.breaker = Breaker(f"PostgreSQL {url.host}:{url.port}/{url.dbname} (idempotency keys)")
        self._drain = drainer()
        # the first connection may take longer than a request may wait (a loaded machine, a database starting):
        # wait for it as the event store's pool does; an unreachable database still fails below, as a 503 would
        with contextlib.suppress(PoolTimeout):
            self.pool.wait(timeout=STARTUP_SECONDS)
        # under the schema's DDL lock: another process may create it at the same moment
        with self.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            lock_ddl(cursor, schema or "public")
            ensure_schema(cursor, schema or "public")
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} (user_id TEXT NOT NULL, idem_key TEXT NOT NULL, "
                "request_hash TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, status INTEGER, "
                "headers TEXT, body BYTEA, outcome BYTEA, PRIMARY KEY (user_id, idem_key))"
            )
            cursor.execute(f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS outcome BYTEA")

    def connection(self) -> contextlib.AbstractContextManager[Any]:
        """A pooled connection, waited for at most the database timeout (503 at once while it is unreachable)."""
        return guarded_connection(self.pool, self.breaker, self._drain)

    def reserve(self, user_id: str, key: str, request_hash: str) -> Reservation:
        """Insert-first reservation of (user, key)."""
        now = time.time()
        with self.connection() as conn:
            cursor = conn.execute(
                f"INSERT INTO {self.table} AS k (user_id, idem_key, request_hash, created_at) "
                f"VALUES (%s, %s, %s, %s) ON CONFLICT (user_id, idem_key) DO UPDATE SET {_FRESH} "
                "WHERE k.created_at < %s",
                (user_id, key, request_hash, now, now - self.retention),
            )
            if cursor.rowcount == 1:
                return Reservation(Outcome.RESERVED)
            cursor = conn.execute(
                f"UPDATE {self.table} SET created_at = %s WHERE user_id = %s AND idem_key = %s "
                "AND request_hash = %s AND status IS NULL AND created_at < %s RETURNING outcome",
                (now, user_id, key, request_hash, now - self.ttl),
            )
            taken = cursor.fetchone()
            if taken is not None:
                return _taken_over(taken[0], self.seal)
            row = conn.execute(
                f"SELECT request_hash, created_at, status, headers, body FROM {self.table} "
                "WHERE user_id = %s AND idem_key = %s",
                (user_id, key),
            ).fetchone()
        if row is None:
            return self.reserve(user_id, key, request_hash)
        return _decide(row, request_hash)

    def complete(self, user_id: str, key: str, response: StoredResponse) -> None:
        """Store the first response."""
        with self.connection() as conn:
            conn.execute(
                f"UPDATE {self.table} SET status = %s, headers = %s, body = %s, outcome = NULL "
                "WHERE user_id = %s AND idem_key = %s",
                (response.status, orjson.dumps(response.headers).decode(), response.body, user_id, key),
            )

    def release(self, user_id: str, key: str) -> None:
        """Forget an unfinished reservation."""
        with self.connection() as conn:
            conn.execute(
                f"DELETE FROM {self.table} WHERE user_id = %s AND idem_key = %s AND status IS NULL AND outcome IS NULL",
                (user_id, key),
            )
            conn.execute(  # it wrote before failing: a retry rebuilds it at once
                f"UPDATE {self.table} SET created_at = 0 WHERE user_id = %s AND idem_key = %s AND status IS NULL",
                (user_id, key),
            )

    def purge(self) -> int:
        """Forget every key older than the retention."""
        with self.connection() as conn:
            cursor = conn.execute(f"DELETE FROM {self.table} WHERE created_at < %s", (time.time() - self.retention,))
            return max(cursor.rowcount, 0)

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.connection() as conn:
            conn.execute(f"SELECT 1 FROM {self.table} LIMIT 1").fetchall()

    def close(self) -> None:
        """Release connections."""
        self.pool.close()


def idempotency_store(settings: Settings) -> IdempotencyStore:
    """The store for the configured database; records of writes sealed under the server's secret key."""
    url = DatabaseUrl.parse(settings.database_url)
    seal = record_seal(resolve_secret_key(settings))
    if url.is_postgres:
        return PostgresIdempotencyStore(
            url,
            settings.database_schema,
            settings.idempotency_ttl_seconds,
            max(2, settings.pool_size // 2),
            seal,
            settings.db_timeout_seconds,
            settings.idempotency_retention_seconds,
        )
    return SqliteIdempotencyStore(
        url.path,
        settings.idempotency_ttl_seconds,
        settings.lock_timeout_seconds,
        seal,
        settings.idempotency_retention_seconds,
    )
