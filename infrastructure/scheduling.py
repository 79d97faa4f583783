"""Running something every few seconds (APScheduler 3), and the lock that lets one process tick at a time.

With PostgreSQL the tick lock is a session advisory lock (``pg_try_advisory_lock``) named after the
schema: an instance that does not get it skips its tick. It only saves work: what the tick does is
exactly-once by itself. SQLite has no such lock; every process ticks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from apscheduler.schedulers.background import BackgroundScheduler

from infrastructure.database_url import DatabaseUrl
from infrastructure.settings import Settings

log = logging.getLogger("arrears.scheduler")
#: APScheduler logs every run at INFO; the tick logs what it fired itself
logging.getLogger("apscheduler").setLevel(logging.WARNING)


def tick_lock(settings: Settings) -> Callable[[], AbstractContextManager[bool]]:
    """The lock a tick runs under: a PostgreSQL advisory lock per schema, or none (always acquired)."""
    url = DatabaseUrl.parse(settings.database_url)
    if not url.is_postgres:
        return _always
    name = f"arrears-scheduler:{settings.database_schema or 'public'}"
    conninfo = psycopg.conninfo.make_conninfo(
        host=url.host,
        port=url.port,
        dbname=url.dbname,
        connect_timeout=max(1, int(settings.db_timeout_seconds)),
        **{k: v for k, v in (("user", url.user), ("password", url.password)) if v},
    )

    @contextmanager
    def advisory() -> Iterator[bool]:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (name,)).fetchone()
            acquired = bool(row and row[0])
            try:
                yield acquired
            finally:
                if acquired:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))

    return advisory


@contextmanager
def _always() -> Iterator[bool]:
    yield True


class PeriodicRunner:
    """Calls ``job`` every ``seconds`` in a background thread (APScheduler's ``BackgroundScheduler``): once at
    start (what was missed while nothing ran), then at the interval; one run at a time, late runs coalesced."""

    def __init__(self, job: Callable[[], Any], seconds: float, name: str = "scheduler-tick") -> None:
        self.job = job
        self.seconds = seconds
        self.name = name
        self._scheduler = BackgroundScheduler(timezone=UTC)
        self._stopped = threading.Event()

    def _run(self) -> None:
        try:
            self.job()
        except Exception:  # a failed tick is logged; the next one tries again
            log.exception("%s failed", self.name)

    def start(self) -> None:
        """Start ticking (the first tick runs at once)."""
        self._scheduler.add_job(
            self._run,
            "interval",
            seconds=self.seconds,
            id=self.name,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking, waiting for a running tick to end."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._stopped.set()

    def wait(self) -> None:
        """Block until ``stop()``."""
        self._stopped.wait()
