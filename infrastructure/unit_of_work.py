"""Aggregate access: load, decide and save, with the aggregate cache, lock stripes and conflict retries.

This is the one place that touches aggregates in the event store. Within a process, commands on one aggregate take turns
(a lock stripe per aggregate), so the cached instance is changed in place without a copy; a decision that fails drops
it. Across processes the store's version numbers decide: a stale cached aggregate cannot lose an update, because its
next event's version is already taken, so saving it fails with an integrity error and the command is decided again on
fresh state. While another process is seen writing the same aggregate, commands on it ask the store first (one query)
for a while instead.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.base import Aggregate
from domain.errors import ConflictError, DuplicateError, NotFoundError
from infrastructure.clock import Clock
from infrastructure.event_store import EventStore, apply_events
from infrastructure.in_flight import Flights
from infrastructure.keyed_writes import committing, replayed
from infrastructure.memo import Memo
from infrastructure.read_set import Reads, StaleFacts, checking, noted
from infrastructure.session import Session
from infrastructure.shared_writes import SharedWrites
from infrastructure.write_steps import (
    ATTEMPTS,
    LEAVE_TURN,
    TAKE_TURN,
    Pause,
    Save,
    Step,
    backoff,
    drive,
    drive_on_loop,
)

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")
T = TypeVar("T")

#: commands on aggregates that share a stripe take turns within a process
LOCK_STRIPES = 1024
STALE_FACTS_REFUSAL = "what the command depends on kept changing while it was being recorded; try again"


@dataclass(frozen=True, slots=True)
class Changed(Generic[R]):
    """A decision's result and the aggregate's version after it was saved."""

    result: R
    version: int


def expect(cls: type[A], aggregate: object, aggregate_id: UUID) -> A:
    """The aggregate, if it is of the expected kind (an enterprise id is not a case id)."""
    if not isinstance(aggregate, cls):
        raise NotFoundError(f"no {cls.__name__} {aggregate_id}")
    return aggregate


class UnitOfWork:
    """Loads, decides on and saves aggregates of one event store, for every thread of a process."""

    def __init__(
        self, store: EventStore, clock: Clock, lock_stripes: int = LOCK_STRIPES, recording_clock: Clock | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        #: what stamps the events' recording time: None, the real time (production, always); a simulation's clock
        #: (given to ``bootstrap`` by ``arrears demo`` only, which writes only into an empty log)
        self.recording_clock = recording_clock
        self._locks = [threading.RLock() for _ in range(lock_stripes)]
        #: facts read recently, per aggregate and purpose, with when they were read
        self._recent_reads: Memo[dict[str, tuple[float, int, Any]]] = Memo()
        #: facts that never change once recorded (a case's enterprise, its currency)
        self._lasting: Memo[Any] = Memo()
        #: aggregates other processes write too: commands bring them up to date first
        self._shared = SharedWrites()
        #: aggregates changed on the event loop whose inserts are under way (``change_async``)
        self._in_flight = Flights()

    def session(self) -> Session:
        """A decision's session: now by the clock, and the recording time when a recording clock was given."""
        return Session.begin(self.clock, self.recording_clock)

    # --- reading ------------------------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        """A private copy of an aggregate, fast-forwarded from the store (for queries)."""
        try:
            with self._lock_for(aggregate_id):  # never copy an aggregate while a writer changes it
                self._settle(aggregate_id)
                aggregate = self.store.repository.get(aggregate_id, version=version, projector_func=apply_events)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
        return expect(cls, aggregate, aggregate_id)

    def read(
        self,
        cls: type[A],
        aggregate_id: UUID,
        extract: Callable[[A], T],
        max_age_seconds: float = 0.0,
        purpose: str = "",
        if_missing: Callable[[], T] | None = None,
        lasting: bool = False,
    ) -> T:
        """Facts read from an aggregate fast-forwarded from the store, without copying it.

        ``extract`` runs under the aggregate's lock and must return values it will not share mutably
        (frozen values, tuples, numbers); call ``read`` before taking another aggregate's lock. With
        ``max_age_seconds``, facts read for the same ``purpose`` that recently are reused; a change to the
        aggregate in this process forgets them at once. ``if_missing`` gives the facts of an aggregate not
        stored yet (remembered the same way); without it, a missing one is NotFoundError. The version read is noted
        for a command's insert to check (``infrastructure.read_set``), unless the facts are ``lasting`` (never change).
        """
        recent = self._recent_reads.get(aggregate_id)
        seen = recent.get(purpose) if recent is not None else None
        if seen is not None and time.monotonic() - seen[0] < max_age_seconds:
            recalled: T = seen[2]
            if not lasting:
                noted(aggregate_id, seen[1])
            return recalled
        try:
            with self._lock_for(aggregate_id):
                self._settle(aggregate_id)
                aggregate = self.store.repository.get(
                    aggregate_id, deepcopy_from_cache=False, projector_func=apply_events
                )
                facts = extract(expect(cls, aggregate, aggregate_id))
                version = aggregate.version
        except AggregateNotFoundError:
            if if_missing is None:
                raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
            facts, version = if_missing(), 0
        if not lasting:
            noted(aggregate_id, version)
        if max_age_seconds:
            if recent is None:
                recent = {}
                self._recent_reads.put(aggregate_id, recent)
            recent[purpose] = (time.monotonic(), version, facts)
        return facts

    def lasting(self, cls: type[A], aggregate_id: UUID, name: str, extract: Callable[[A], T]) -> T:
        """A fact of an aggregate that never changes once recorded, read once and remembered."""
        key = (aggregate_id, name)
        fact: T | None = self._lasting.get(key)
        if fact is None:
            fact = self.read(cls, aggregate_id, extract, lasting=True)
            self._lasting.put(key, fact)
        return fact

    def exists(self, aggregate_id: UUID) -> bool:
        """True when the store holds events of this aggregate."""
        return bool(self.store.recorder.select_events(aggregate_id, limit=1))

    # --- writing ------------------------------------------------------------------------------------

    def create(self, aggregate: Aggregate) -> int:
        """Save a new aggregate; DuplicateError if one with its id exists."""
        call = ("create", aggregate.id)
        done, version = replayed(call)
        if done:  # an earlier attempt of this keyed request saved it
            return int(version)
        try:
            with committing(call, aggregate.version):
                self.store.save(aggregate)
        except IntegrityError:
            raise DuplicateError(f"{type(aggregate).__name__} {aggregate.id} already exists") from None
        self._recent_reads.pop(aggregate.id)  # facts remembered while it was missing
        return aggregate.version

    def save_together(self, aggregates: Sequence[Aggregate]) -> None:
        """Save several aggregates' pending events in one transaction (all or nothing).

        The aggregates must be private copies (``load``) or new ones; a lost race is a ConflictError.
        """
        call = ("save_together", tuple(aggregate.id for aggregate in aggregates))
        if replayed(call)[0]:
            return
        try:
            with committing(call, None):
                self.store.save(*aggregates)
        except IntegrityError:
            for aggregate in aggregates:
                self._forget(aggregate.id)
            raise ConflictError("the records changed while they were being written; try again") from None
        for aggregate in aggregates:
            self._forget(aggregate.id)  # the cache may hold an older copy

    def change(
        self,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, Session], R],
        expected_version: int | None = None,
        prepare: Callable[[], Reads] | None = None,
    ) -> Changed[R]:
        """Load, check the expected version, decide, save; a lost race is retried, or a ConflictError.

        ``decide`` may add new aggregates to the session; they are saved in the same transaction, and if
        one of them already exists the command is a DuplicateError. ``prepare`` (called before each try, outside the
        aggregate's lock) reads the facts the decision needs from other aggregates and answers the versions it read
        them at; if one has moved on when the command is saved, nothing is saved and the command is tried again
        (``infrastructure.read_set``). One budget covers both reasons to try again (``infrastructure.write_steps``).
        """
        lock = self._lock_for(aggregate_id)
        steps = self._steps(cls, aggregate_id, decide, expected_version, prepare)
        return drive(steps, lock.acquire, lock.release, self.store.save)

    async def change_async(
        self,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, Session], R],
        expected_version: int | None = None,
        prepare: Callable[[], Reads] | None = None,
    ) -> Changed[R]:
        """``change`` for the event loop: the same steps, awaited. The insert is awaited on the store's insert thread
        (``EventStore.save_async``) while the loop decides other commands; pauses never block the loop.

        The aggregate's turn is held, and the aggregate marked in flight, until its insert has settled: other
        threads wait for the lock; other commands on the loop wait (awaiting) for the mark to go; anything else on
        the loop that reads or changes it (the lock lets the loop's own thread in) first waits for the insert to
        settle, and drops the cached aggregate if it failed (``_settle``), so no one sees unsaved state. On a store
        that does not hand inserts over, it is ``change``.
        """
        if not self.store.hands_over_inserts:
            return self.change(cls, aggregate_id, decide, expected_version, prepare)
        lock = self._lock_for(aggregate_id)

        async def take_turn() -> None:
            await self._in_flight.take(lock, aggregate_id)

        async def save(*aggregates: Aggregate) -> None:
            async with self._in_flight.flying(aggregate_id) as handed_over:
                await self.store.save_async(*aggregates, handed_over=handed_over)

        steps = self._steps(cls, aggregate_id, decide, expected_version, prepare)
        return await drive_on_loop(steps, take_turn, lock.release, save)

    def _steps(
        self,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, Session], R],
        expected_version: int | None,
        prepare: Callable[[], Reads] | None,
    ) -> Generator[Step, None, Changed[R]]:
        """The one sequence every write goes through (``infrastructure.write_steps``): facts read, the aggregate's turn
        taken, decided, saved; after a lost race or stale facts, the turn given back, a pause, and again."""
        call = ("change", aggregate_id)
        done, changed = replayed(call)
        if done:  # an earlier attempt of this keyed request decided and saved it: hand back what it returned
            recorded: Changed[R] = changed
            return recorded
        fresh = False
        attempts = 0
        while True:
            reads = prepare() if prepare is not None else None
            yield TAKE_TURN
            aggregate, fresh = self._current(cls, aggregate_id, fresh, expected_version)
            attempts += 1
            optimistic = not fresh and not self._shared.now(aggregate_id)
            session = self.session()
            try:
                result = decide(aggregate, session)
                version = aggregate.version
                if aggregate.pending_events or session.created:
                    with committing(call, Changed(result, version)), checking(reads):
                        yield Save((aggregate, *session.created))
            except IntegrityError:
                self._lost_race(cls, aggregate_id, session, optimistic, expected_version, attempts)
                fresh = True
            except StaleFacts:
                self._forget(aggregate_id)
                self.forget_reads(reads or {})  # read them again, as they are now
                if attempts >= ATTEMPTS:
                    raise ConflictError(STALE_FACTS_REFUSAL) from None
            except BaseException:
                self._forget(aggregate_id)
                raise
            else:
                self._recent_reads.pop(aggregate_id)
                return Changed(result, version)
            yield LEAVE_TURN
            yield Pause(backoff(attempts))

    # --- plumbing -----------------------------------------------------------------------------------

    def _current(self, cls: type[A], aggregate_id: UUID, fresh: bool, expected_version: int | None) -> tuple[A, bool]:
        """The aggregate to decide on, at the expected version (asking the store before refusing), and whether it
        was brought up to date from the store."""
        aggregate = self._load_for_update(cls, aggregate_id, fresh)
        if expected_version is not None and aggregate.version != expected_version:
            if not fresh:  # the cache may be behind the store: look again before refusing
                return self._current(cls, aggregate_id, True, expected_version)
            raise ConflictError(
                f"{cls.__name__} {aggregate_id} is at version {aggregate.version}, not {expected_version}"
            )
        return aggregate, fresh

    def _lost_race(
        self,
        cls: type[A],
        aggregate_id: UUID,
        session: Session,
        optimistic: bool,
        expected_version: int | None,
        attempts: int,
    ) -> None:
        """A save failed on a version taken: raise what the caller is told, or return to try again."""
        self._forget(aggregate_id)
        for created in session.created:
            if self.exists(created.id):
                raise DuplicateError(f"{type(created).__name__} {created.id} already exists") from None
        if optimistic:  # another process writes this aggregate too
            self._shared.seen(aggregate_id)
        if expected_version is not None or attempts >= ATTEMPTS:
            raise ConflictError(
                f"{cls.__name__} {aggregate_id} was changed by someone else; reload and retry"
            ) from None

    def _settle(self, aggregate_id: UUID) -> None:
        """Before the event loop's own thread (which the lock lets in) reads or changes an aggregate whose insert is
        in flight: wait for the insert to settle; if it failed, drop the cached aggregate with its unsaved events."""
        if not self._in_flight.settled(aggregate_id):
            self._forget(aggregate_id)

    def _load_for_update(self, cls: type[A], aggregate_id: UUID, fresh: bool) -> A:
        """The cached instance itself, optimistically without asking the store, or one brought up to date."""
        self._settle(aggregate_id)
        cache = self.store.repository.cache
        cached = None
        if cache is not None:
            with contextlib.suppress(KeyError):
                cached = cache.get(aggregate_id)
        shared = self._shared.now(aggregate_id)
        if not fresh and cached is not None and not shared:
            return expect(cls, cached, aggregate_id)
        before = None if cached is None else cached.version  # the cached copy is brought up to date in place
        try:
            aggregate = self.store.repository.get(aggregate_id, deepcopy_from_cache=False, projector_func=apply_events)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
        if shared and not fresh:
            self._shared.read(aggregate_id, quiet=before == aggregate.version)
        return expect(cls, aggregate, aggregate_id)

    def _lock_for(self, aggregate_id: UUID) -> threading.RLock:
        return self._locks[aggregate_id.int % len(self._locks)]

    def forget_reads(self, reads: Reads) -> None:
        """Drop the facts remembered from these aggregates (a command found them stale)."""
        for aggregate_id in reads:
            self._recent_reads.pop(aggregate_id)

    def _forget(self, aggregate_id: UUID) -> None:
        """Drop a cached aggregate whose unsaved changes must not survive, and facts read from it."""
        self._recent_reads.pop(aggregate_id)
        if self.store.repository.cache is not None:
            with contextlib.suppress(KeyError):
                self.store.repository.cache.get(aggregate_id, evict=True)
