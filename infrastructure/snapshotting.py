"""Snapshots taken from the saved aggregate in memory, written in the events' own transaction where the recorder can.

eventsourcing takes a snapshot after a save whose events reach a multiple of the interval by reading the aggregate
back from the store (the latest snapshot and up to ``interval`` events) and then writing the snapshot in a second
transaction. Here the aggregate being saved already holds exactly that state (its pending events are applied to it,
and the save fails as a whole if another writer took one of their versions), so the snapshot is taken from it, at
its last version, and handed to the event recorder through a context variable: the SQLite recorder writes it in the
events' transaction (no extra commit, no read), so a shorter interval costs writes almost nothing; a recorder that
does not (PostgreSQL's one-round-trip insert function) gets it written right after the events, still without a read.

The snapshot is taken at the save's last version rather than at the multiple itself: the events a cold load
replays after the latest snapshot stay below the interval all the same (the next snapshot is taken when a save
reaches the next multiple).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent


@dataclass(frozen=True)
class PendingSnapshots:
    """Snapshots to write with the events being inserted, and the recorder (table) they belong in."""

    recorder: Any
    stored: Sequence[StoredEvent]


_pending: ContextVar[PendingSnapshots | None] = ContextVar("arrears_pending_snapshots", default=None)


@contextmanager
def snapshots_with_events(pending: PendingSnapshots) -> Iterator[None]:
    """While the events are recorded, the recorder finds these snapshots (``pending_snapshots``)."""
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)


def pending_snapshots() -> PendingSnapshots | None:
    """The snapshots to write in the current events' transaction, if any."""
    return _pending.get()


def due(versions: Sequence[int], interval: int) -> bool:
    """Whether a save of events with these versions reaches a multiple of the interval (a snapshot is due)."""
    return any(version % interval == 0 for version in versions)
