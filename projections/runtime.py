"""The projection runtime: catches views up with the log in batches (one transaction per batch and view, rows and
tracking position together), brings just the views a read needs up to the log's head, follows the log
(LISTEN/NOTIFY on PostgreSQL, polling on SQLite), stops a failing view loudly, rebuilds views from scratch (also
when a view's DDL version changed), and reports lag."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError

from infrastructure.gc_tuning import collector_paused
from infrastructure.log_reader import read_log
from infrastructure.outage import DatabaseUnavailable, is_unavailable
from infrastructure.progress import progress_bar
from infrastructure.view_store import PositionMoved, ViewStore, ViewTx
from projections.base import Envelope, ProjectionError, View, view_groups
from projections.decoding import envelopes
from projections.log_listener import log_listener
from projections.rebuild_spread import rebuild_in_processes
from projections.status import ProjectionStatus

log = logging.getLogger("arrears.projections")

#: errors of the database rather than of an event: retried, never recorded as a failing event
TRANSIENT = (OperationalError, InterfaceError, DatabaseUnavailable)
#: views applied side by side on PostgreSQL, so one view's database round trips overlap another's Python work
#: (SQLite has one writer at a time: there they take turns in one thread)
VIEW_WRITERS = 4
FAILURES_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_failures ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL)"
)
#: the DDL version each view's tables were created with (``View.version``), written with its tracking position
SCHEMAS_DDL = "CREATE TABLE IF NOT EXISTS projection_schemas (name TEXT PRIMARY KEY, version INTEGER NOT NULL)"


class Outcome(Enum):
    """What applying a batch to a view came to."""

    APPLIED = "applied"
    FAILED = "failed"
    MOVED = "moved"


class ProjectionRuntime:
    """Runs a set of views over an application's log."""

    def __init__(
        self,
        app: Any,
        store: ViewStore,
        views: Sequence[View],
        batch_size: int = 2000,
        poll_seconds: float = 0.5,
        throttle_seconds: float = 0.0,
        rebuild_batch_size: int = 10_000,
        rebuild_elsewhere: Callable[[list[str]], int] | None = None,
        rebuild_processes: int = 1,
    ) -> None:
        self.app = app
        self.store = store
        self.views = {view.name: view for view in views}
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.throttle_seconds = throttle_seconds
        self.rebuild_batch_size = rebuild_batch_size
        #: how a rebuild hands a group of views to another process (``catch_up_rebuilt`` there; picklable), and
        #: into how many groups it splits the views (1: all in this process)
        self.rebuild_elsewhere = rebuild_elsewhere
        self.rebuild_processes = rebuild_processes if rebuild_elsewhere is not None else 1
        #: one per view: whoever applies events to the view in this process holds it (reentrant, so a reader
        #: holding its views' locks can run the catch-up that takes them again per batch)
        self._locks = {name: threading.RLock() for name in self.views}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.view_writers = VIEW_WRITERS if store.dialect == "postgres" else 1
        self.setup()

    # --- tables and positions ------------------------------------------------------------------

    def setup(self) -> None:
        """Create every view's tables (idempotent); a view whose tables have another DDL version than this code's
        is dropped, to be rebuilt from the log by the next catch-up (processes starting together take turns)."""
        positions = {name: self.position(name) for name in self.views}
        with self.store.transaction() as tx:
            tx.lock_ddl()
            tx.execute(FAILURES_DDL)
            tx.execute(SCHEMAS_DDL)
            found = {r["name"]: int(r["version"]) for r in tx.query("SELECT name, version FROM projection_schemas")}
            for view in self.views.values():
                if found.get(view.name, 1) != view.version:
                    if positions[view.name]:
                        log.warning(
                            "projection %s: its tables have DDL version %s, this code %s: rebuilding it from the log",
                            view.name,
                            found.get(view.name, 1),
                            view.version,
                        )
                    self._drop(tx, view.name)
                self._create(tx, view.name)

    def _drop(self, tx: ViewTx, name: str) -> None:
        """Drop a view's tables, tracking position and failure."""
        for table in self.views[name].tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        tx.forget(self.key(name))
        tx.execute("DELETE FROM projection_failures WHERE name = ?", [name])

    def _create(self, tx: ViewTx, name: str) -> None:
        """Create a view's tables (if missing), its tracking position (0 if missing) and its DDL version."""
        view = self.views[name]
        for statement in view.schema():
            tx.execute(statement)
        tx.register(self.key(name))
        tx.upsert("projection_schemas", ("name",), ("name", "version"), [(name, view.version)])

    def key(self, name: str) -> str:
        """The view's tracking key: the upstream application and the view."""
        return f"{self.app.name}:{name}"

    def position(self, name: str) -> int:
        """How far the view has processed the log."""
        return self.store.position(self.key(name))

    def head(self) -> int:
        """The log's last position."""
        return int(self.app.recorder.max_notification_id() or 0)

    def failures(self) -> dict[str, tuple[int, str]]:
        """Views stopped by a failing event: name → (position, error)."""
        with self.store.reading() as tx:
            rows = tx.query("SELECT name, position, error FROM projection_failures")
        return {row["name"]: (int(row["position"]), str(row["error"])) for row in rows}

    def status(self) -> list[ProjectionStatus]:
        """Position, lag and failure of every view."""
        head, failed = self.head(), self.failures()
        found = []
        for name in self.views:
            position = self.position(name)
            failure = failed.get(name)
            found.append(
                ProjectionStatus(
                    name,
                    position,
                    head,
                    max(0, head - position),
                    failure[0] if failure else None,
                    failure[1] if failure else None,
                )
            )
        return found

    # --- catching up ---------------------------------------------------------------------------

    def catch_up(self, names: Sequence[str] | None = None, on_batch: Callable[[int], None] | None = None) -> int:
        """Process everything recorded so far (all views, or the named ones), in batches; returns events read."""
        return self._catch_up(list(names or self.views), on_batch)

    def refresh(self, names: Iterable[str]) -> None:
        """Bring the named views up to the log's head as it is now (so every write acknowledged before this call is
        in them), touching only those views: one already there costs a position query; one behind is caught up
        under its own lock (another thread catching it up meanwhile does the work for this one)."""
        target = self.head()
        behind = [name for name in names if self.position(name) < target]
        if not behind:
            return
        with self._holding(behind):
            still = [name for name in behind if self.position(name) < target]
            if still:
                self._catch_up(still, None)

    @contextmanager
    def _holding(self, names: Iterable[str]) -> Iterator[None]:
        """Hold these views' locks (taken in name order, so two threads never wait on each other in a circle)."""
        with ExitStack() as stack:
            for name in sorted(set(names)):
                stack.enter_context(self._locks[name])
            yield

    def _catch_up(self, names: list[str], on_batch: Callable[[int], None] | None, batch_size: int = 0) -> int:
        size = batch_size or self.batch_size
        failed = self.failures()
        live = [n for n in names if n not in failed]
        positions = {name: self.position(name) for name in live}
        if not live:
            return 0
        read = 0
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="arrears-prefetch") as prefetch,
            ThreadPoolExecutor(max_workers=self.view_writers, thread_name_prefix="arrears-views") as writers,
        ):
            fetch = functools.partial(self._read_page, size)
            upcoming: Future[Any] = Future()  # the first page is read here; the next ones while a page is projected
            upcoming.set_result(fetch(min(positions.values())))
            while live and not self._stopping.is_set():
                batch = upcoming.result()
                if not batch:
                    break
                last = batch[-1].position
                full = len(batch) == size
                if full:  # read and decode the next page while this one is projected
                    upcoming = prefetch.submit(fetch, last)
                behind = [n for n in live if positions[n] < last]  # views ahead of the slowest one skip the batch
                apply = functools.partial(
                    self._apply_after, batch=batch, last=last, positions=dict(positions), gave_up=threading.Event()
                )
                with self._holding(behind):  # a reader of one of these views waits for this batch, not the run
                    outcomes = [apply(behind[0])] if len(behind) == 1 else list(writers.map(apply, behind))
                for name, outcome in zip(behind, outcomes, strict=True):
                    if outcome is Outcome.FAILED:
                        live.remove(name)
                    elif outcome is Outcome.MOVED:
                        positions[name] = self.position(name)
                    else:
                        positions[name] = last
                read += len(batch)
                if on_batch is not None:
                    on_batch(len(batch))
                if self.throttle_seconds:
                    time.sleep(self.throttle_seconds)
                lowest = min((positions[n] for n in live), default=last)
                if lowest != last:  # another runtime or a rebuild moved a view: read on from where it stands
                    if full:
                        upcoming.result()
                    upcoming = prefetch.submit(fetch, lowest)
                elif not full:
                    break
        return read

    def _read_page(self, size: int, start: int) -> list[Envelope]:
        """The next page of the log after ``start``, decoded (once, shared by every view)."""
        return envelopes(self.app.mapper, read_log(self.app.recorder, start, size))

    def _apply_after(
        self, name: str, batch: list[Envelope], last: int, positions: dict[str, int], gave_up: threading.Event
    ) -> Outcome:
        """Apply the part of the batch the view has not seen yet; once one view of the batch met a database error
        (unreachable, locked too long), the others do not wait for the database again: the caller retries."""
        if gave_up.is_set():
            return Outcome.MOVED  # the caller raises the first view's error before looking
        start = positions[name]
        try:
            return self._apply(name, [e for e in batch if e.position > start], start, last)
        except TRANSIENT:
            gave_up.set()
            raise

    def _apply(self, name: str, batch: list[Envelope], start: int, last: int) -> Outcome:
        """Apply a batch to one view and move its position from ``start`` to ``last``, in one transaction.

        The position is claimed (locked and checked) first, so two runtimes never apply the same events; when an
        event fails, the events before it are committed one by one and the failing one is recorded.
        """
        view, key = self.views[name], self.key(name)
        try:
            with self.store.transaction() as tx:
                tx.claim(key, start)
                view.apply(tx, batch)
                tx.track(key, last)
            return Outcome.APPLIED
        except PositionMoved:
            return Outcome.MOVED
        except TRANSIENT:
            raise  # the database, not the event: the caller retries the batch
        except Exception as whole:  # find the event: commit those before it one by one, then stop there
            log.warning("%s: a batch of %d events failed (%s); applying them one by one", name, len(batch), whole)
            previous = start
            for envelope in batch:
                try:
                    with self.store.transaction() as tx:
                        tx.claim(key, previous)
                        view.apply(tx, [envelope])
                        tx.track(key, envelope.position)
                except PositionMoved:
                    return Outcome.MOVED
                except TRANSIENT:
                    raise
                except Exception as error:
                    self._fail(ProjectionError(name, envelope.position, error))
                    return Outcome.FAILED
                previous = envelope.position
            if previous != last:  # the batch's last events were not ones to apply: move past them too
                with self.store.transaction() as tx:
                    tx.claim(key, previous)
                    tx.track(key, last)
            return Outcome.APPLIED

    def _fail(self, failure: ProjectionError) -> None:
        log.error("%s", failure, exc_info=failure.error)
        with self.store.transaction() as tx:
            tx.upsert(
                "projection_failures",
                ("name",),
                ("name", "position", "error", "failed_at"),
                [
                    (
                        failure.projection,
                        failure.position,
                        f"{type(failure.error).__name__}: {failure.error}",
                        datetime.now(UTC).isoformat(),
                    )
                ],
            )

    # --- rebuilding ----------------------------------------------------------------------------

    def rebuild(self, names: Sequence[str] | None = None, show_progress: bool = True) -> int:
        """Drop the views' tables and tracking, recreate them and replay the whole log; returns events read.

        With ``rebuild_processes`` > 1 the views are split into that many groups of about equal work
        (``View.weight``), and each group but this process's own is replayed by another process at the same time:
        the views are independent, and a process's Python is bound to one core."""
        chosen = list(names or self.views)
        unknown = set(chosen) - set(self.views)
        if unknown:
            raise ValueError(f"unknown projection(s): {', '.join(sorted(unknown))}; known: {', '.join(self.views)}")
        with self._holding(chosen):  # this process's readers of these views wait for the whole rebuild
            with self.store.transaction() as tx:  # one transaction: a worker sees the old view or the empty new one
                tx.lock_ddl()
                for name in chosen:
                    self._drop(tx, name)
                    self._create(tx, name)
            bar = progress_bar(f"rebuilding {', '.join(chosen)}", total=self.head())
            bar.disable = bar.disable or not show_progress
            groups = view_groups([self.views[name] for name in chosen], self.rebuild_processes)
            try:
                if len(groups) == 1 or self.rebuild_elsewhere is None:
                    return self.catch_up_rebuilt(chosen, bar.update)
                return rebuild_in_processes(self, groups, self.rebuild_elsewhere, bar)
            finally:
                bar.close()

    def catch_up_rebuilt(self, names: list[str], on_batch: Callable[[int], None] | None = None) -> int:
        """Catch up views a rebuild has just emptied, in the rebuild's larger batches, the cyclic collector paused
        (``infrastructure.gc_tuning.collector_paused``)."""
        with collector_paused():
            return self._catch_up(list(names), on_batch, max(self.batch_size, self.rebuild_batch_size))

    def retry(self, name: str) -> None:
        """Clear a view's failure so it resumes at the event that stopped it (after a fix is deployed)."""
        if name not in self.views:
            raise ValueError(f"unknown projection {name!r}; known: {', '.join(self.views)}")
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM projection_failures WHERE name = ?", [name])

    # --- following the log ---------------------------------------------------------------------

    def start(self) -> None:
        """Follow the log in a background thread (LISTEN/NOTIFY on PostgreSQL, polling on SQLite)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._follow, name="arrears-projections", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop following the log."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def run_forever(self) -> None:
        """Follow the log in this thread until stopped (``arrears worker``)."""
        self._follow()

    def _follow(self) -> None:
        wait, close = self._listener()
        waiting_for_database = False
        try:
            while not self._stopping.is_set():
                try:
                    self.catch_up()
                    waiting_for_database = False
                except Exception as error:
                    if not is_unavailable(error):
                        log.exception("projection catch-up failed; retrying")
                    elif not waiting_for_database:  # once per outage, not every poll
                        log.warning("projections wait for the database: %s", error)
                    waiting_for_database = is_unavailable(error)
                    self._stopping.wait(self.poll_seconds)
                wait()
        finally:
            close()

    def _listener(self) -> tuple[Callable[[], None], Callable[[], None]]:
        """A function that blocks until new events may have been recorded, and one that releases it."""
        return log_listener(self.app.recorder, self.poll_seconds, self._stopping)
