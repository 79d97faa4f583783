"""Aggregates changed on the event loop whose inserts are under way (``UnitOfWork.change_async``).

While its insert waits on the insert thread, an aggregate changed on the loop holds unsaved state and its lock stripe
(a reentrant lock, held by the loop's thread). Other threads wait for the lock as usual. The loop's own thread is let
in by the lock, so the mark stands in for it there: another command on the loop awaits the mark's release before
taking the aggregate (``take``), and anything else the loop runs on the aggregate first waits for the insert to
settle and learns whether it stored the state (``settled``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID

from infrastructure.async_insert import Queued

#: how often the event loop looks again at a lock another thread holds
LOCK_POLL_SECONDS = 0.0005


@dataclass(eq=False)
class InFlight:
    """One aggregate's insert under way."""

    #: set once the command has given the aggregate's lock back
    released: asyncio.Future[None]
    #: the insert handed to the insert thread: its outcome says whether the changed aggregate was stored
    inserted: Queued | None = None

    def handed_over(self, inserted: Queued) -> None:
        """The insert was queued (``EventStore.save_async`` calls this)."""
        self.inserted = inserted


class Flights:
    """The in-flight marks of one unit of work (touched only by the event loop's thread)."""

    def __init__(self) -> None:
        self._marks: dict[UUID, InFlight] = {}

    def __len__(self) -> int:
        return len(self._marks)

    async def take(self, lock: threading.RLock, aggregate_id: UUID) -> None:
        """Hold the aggregate's lock with no insert of it in flight, awaiting both (the loop never blocks on a lock
        another thread holds)."""
        while True:
            flight = self._marks.get(aggregate_id)
            if flight is not None:
                await asyncio.shield(flight.released)
                continue
            if lock.acquire(blocking=False):
                if aggregate_id not in self._marks:
                    return
                lock.release()
                continue
            await asyncio.sleep(LOCK_POLL_SECONDS)

    @asynccontextmanager
    async def flying(self, aggregate_id: UUID) -> AsyncIterator[Callable[[Queued], None]]:
        """Mark the aggregate in flight while its save is awaited inside; yields what the save reports its queued
        insert to."""
        flight = InFlight(asyncio.get_running_loop().create_future())
        self._marks[aggregate_id] = flight
        try:
            yield flight.handed_over
        finally:
            del self._marks[aggregate_id]
            flight.released.set_result(None)

    def settled(self, aggregate_id: UUID) -> bool:
        """False when an insert of the aggregate was in flight and failed (its cached state was never stored);
        waits for an insert in flight to settle first. True otherwise."""
        flight = self._marks.get(aggregate_id)
        return flight is None or flight.inserted is None or not flight.inserted.failed()
