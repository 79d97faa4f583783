"""When the database cannot answer: fail at once with a clear error, tell clients when to retry, recover on its own.

Waiting is what hurt in an outage: every request waited the pool's full timeout (30 s), several times over through
eventsourcing's retries, and writes (which run on the event loop) stalled every other request of the process while
they waited. Here a connection is waited for at most ``ARREARS_DB_TIMEOUT_SECONDS``; once that fails because the
server cannot be reached, a :class:`Breaker` answers every caller at once with :class:`DatabaseUnavailable`, letting
one caller through every ``probe_seconds`` to find out whether the server is back. The API answers both with 503 and
``Retry-After`` (``is_unavailable``, used by ``api.errors`` and the idempotency middleware).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError
from psycopg_pool import ConnectionPool, PoolTimeout

log = logging.getLogger("arrears.database")

#: what 503 answers tell clients (seconds): about when a probe will have found the database back
RETRY_AFTER_SECONDS = 1
#: SQLite's words for "another connection holds the lock" (the busy timeout ran out)
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


class DatabaseUnavailable(PersistenceError):
    """The database cannot be reached, or gave no connection in time: retry later.

    Not an ``OperationalError`` on purpose: eventsourcing retries those ten times, and an outage is not something
    to wait out inside one request.
    """


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` means "the database cannot answer now" (an outage, a timeout, SQLite's lock held too
    long): a 503 with Retry-After, not a bug (500) or bad input (4xx)."""
    for cause in _causes(error):
        if isinstance(cause, sqlite3.Error):  # SQLite: only a lock held too long is worth a retry
            return isinstance(cause, sqlite3.OperationalError) and str(cause).startswith(_SQLITE_BUSY)
        if isinstance(cause, DatabaseUnavailable | PoolTimeout | psycopg.OperationalError | psycopg.InterfaceError):
            return True
    return isinstance(error, OperationalError | InterfaceError)


class Breaker:
    """Remembers that the database could not be reached, so callers fail at once instead of each waiting.

    Closed (the usual state) it costs one attribute read. Open, it refuses every caller but one per
    ``probe_seconds``, which tries for real (with a short wait); the first success closes it.
    """

    def __init__(self, name: str, probe_seconds: float = 0.5) -> None:
        self.name = name
        self.probe_seconds = probe_seconds
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_probe = 0.0
        self._errors_seen = 0

    @property
    def is_open(self) -> bool:
        """True while the database is known to be unreachable."""
        return self._down_since is not None

    def check(self) -> bool:
        """Raise DatabaseUnavailable while open, except for the one caller that probes (True: you are the probe)."""
        if self._down_since is None:
            return False
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                return False
            if now >= self._next_probe:
                self._next_probe = now + self.probe_seconds
                return True
            down_for = now - self._down_since
        raise DatabaseUnavailable(f"the {self.name} database is unreachable (for {down_for:.1f} s); retry later")

    def failed(self, reason: BaseException) -> None:
        """The database could not be reached: open (or stay open)."""
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                self._down_since = now
                log.warning("%s database unreachable: %s", self.name, reason)
            self._next_probe = now + self.probe_seconds

    def succeeded(self) -> None:
        """A connection worked: close."""
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    down_for = time.monotonic() - self._down_since
                    log.warning("%s database reachable again after %.1f s", self.name, down_for)
                    self._down_since = None

    def connect_errors_grew(self, pool: ConnectionPool[Any]) -> bool:
        """Whether the pool failed to connect since the last look (an outage), rather than all connections being
        busy (a saturated pool, which is no reason to refuse the next caller)."""
        errors = int(pool.get_stats().get("connections_errors", 0))
        with self._lock:
            grew, self._errors_seen = errors > self._errors_seen, errors
        return grew


def harden_pool(pool: ConnectionPool[Any], timeout: float) -> None:
    """Bound how long a pool makes anyone wait: for a free connection, for the server to accept one, and between
    reconnection attempts (psycopg_pool backs off up to ``reconnect_timeout``, 5 minutes by default, which would
    delay recovery long after the server is back)."""
    pool.timeout = timeout
    pool.reconnect_timeout = max(2.0, 3 * timeout)
    if isinstance(pool.kwargs, dict):
        pool.kwargs["connect_timeout"] = max(2, round(timeout))  # libpq's minimum is 2 s


class _Drainer:
    """Empties a pool of its idle connections when one is found broken (the server restarted or went away): the
    others are likely dead too, and finding that out one request at a time costs each request a retry."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, pool: ConnectionPool[Any]) -> None:
        now = time.monotonic()
        if now - self._last > 1.0:
            self._last = now
            pool.drain()


@contextmanager
def guarded_connection(
    pool: ConnectionPool[Any], breaker: Breaker, drain: _Drainer | None = None
) -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection, waited for at most the pool's timeout (a probe waits less), with the breaker consulted
    first and told how it went."""
    probe = breaker.check()
    try:
        with pool.connection(timeout=min(pool.timeout, 0.2) if probe else None) as conn:
            try:
                yield conn
            except BaseException:
                if conn.broken and drain is not None:
                    drain(pool)
                raise
    except PoolTimeout as error:
        if probe or breaker.connect_errors_grew(pool):
            breaker.failed(error)
        raise DatabaseUnavailable(f"no database connection within {pool.timeout:g} s: {error}") from error
    breaker.succeeded()


def drainer() -> _Drainer:
    """A drain function for one pool (rate-limited to once a second)."""
    return _Drainer()
