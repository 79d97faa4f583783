"""Inserts handed to a thread of their own, so the event loop that decided a command decides and parses the next
requests while the insert waits on the database.

Why: the API's write routes decide their commands on the event loop (a thread hop per request cost more than the
command). While a command's insert waited (round trip, the events table's lock, the WAL flush) the whole process
waited with it: one insert at a time, nothing overlapping it. Here the loop queues the insert and awaits it; this
process's one insert thread takes everything queued and inserts it as one group in one transaction (as
``infrastructure.group_insert`` does for threads), so the inserts that pile up meanwhile share one lock and one flush,
and answers the whole group with one wake-up of the loop.

What each command is guaranteed stays as it was (the unit of work's ``change_async`` keeps the aggregate's lock and
marks it in flight until its insert is settled):

- a group leaves out a command whose version is taken or whose facts read moved on, and commits the others; a group
  that fails has committed nothing; each command left out, or of a failed group, is then inserted alone, with the
  recorder's retries, and sees its own result: its notification ids, or its own IntegrityError (a version taken: a
  conflict) or StaleFacts;
- a keyed write's key row travels with its own events (into the group's transaction, or its own);
- inserts are handed to the database in the order they were queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import StoredEvent

from infrastructure.group_insert import GroupWriter, OneWriter, Pending
from infrastructure.keyed_writes import KeyRow
from infrastructure.read_set import Reads

#: how long a thread holding the GIL keeps it while another waits (CPython's default: 5 ms), once a process hands
#: inserts over
SWITCH_INTERVAL_SECONDS = 0.0005


@dataclass(eq=False)
class Queued:
    """One command's insert handed to the insert thread, and its outcome once settled."""

    pending: Pending
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future[list[int]]
    #: set by the insert thread once ``ids`` or ``error`` is known (a thread may wait on it)
    settled: threading.Event = field(default_factory=threading.Event)
    ids: list[int] | None = None
    error: BaseException | None = None

    async def inserted(self) -> list[int]:
        """The notification ids of the events inserted; raises the insert's error."""
        return await asyncio.shield(self.answer)

    def failed(self) -> bool:
        """Whether the insert failed (nothing of it committed), waiting for it to settle."""
        self.settled.wait()
        return self.error is not None


def _answer(group: list[Queued]) -> None:
    """On the event loop: hand each command its outcome (one wake-up of the loop per group)."""
    for queued in group:
        if queued.answer.done():  # its command was cancelled
            continue
        if queued.error is not None:
            queued.answer.set_exception(queued.error)
        else:
            queued.answer.set_result(queued.ids or [])


class AsyncInserter:
    """One thread that inserts what the event loop queues, in groups (see the module's docstring)."""

    def __init__(
        self,
        write_alone: OneWriter,
        write_group: GroupWriter,
        max_group: int = 200,
    ) -> None:
        self._write_alone = write_alone
        self._write_group = write_group
        self._max_group = max_group
        self._ready = threading.Condition()
        self._queue: list[Queued] = []
        self._thread: threading.Thread | None = None
        #: groups written and commands in them (for the benchmark's report)
        self.groups = 0
        self.grouped = 0

    def submit(self, events: Sequence[StoredEvent], key: KeyRow | None, reads: Reads | None) -> Queued:
        """Queue one command's events (its key row, the reads to check), from the event loop; the handle answers
        their notification ids, or the error that made the insert fail (nothing of it committed then)."""
        loop = asyncio.get_running_loop()
        queued = Queued(Pending(events, key, reads), loop, loop.create_future())
        with self._ready:
            self._queue.append(queued)
            if self._thread is None:
                # the loop's thread is busy deciding: without this the insert thread waits up to 5 ms for the GIL
                # at each step of its insert (send, wait, read), and the inserts, with every answer, queue behind
                sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_SECONDS))
                self._thread = threading.Thread(target=self._run, name="arrears-async-insert", daemon=True)
                self._thread.start()
            self._ready.notify()
        return queued

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                group, self._queue = self._queue[: self._max_group], self._queue[self._max_group :]
            self._write(group)
            for queued in group:
                queued.settled.set()
            loops = {queued.loop for queued in group}
            for loop in loops:
                with contextlib.suppress(RuntimeError):  # a loop closed meanwhile has no one to answer
                    loop.call_soon_threadsafe(_answer, [queued for queued in group if queued.loop is loop])

    def _write(self, group: list[Queued]) -> None:
        """A group in one transaction; if it fails (or for one command alone), each command alone, with retries."""
        alone = group
        if len(group) > 1:
            try:
                ids = self._write_group([queued.pending for queued in group])
            except Exception:  # it committed nothing: each command is inserted alone below
                pass
            else:
                self.groups += 1
                self.grouped += len(group)
                for queued, grouped in zip(group, ids, strict=True):
                    queued.ids = None if grouped is None else list(grouped)
                alone = [queued for queued in group if queued.ids is None]  # left out: each finds out why alone
        for queued in alone:
            try:
                found = self._write_alone(queued.pending.events, queued.pending.key, queued.pending.reads)
            except Exception as error:  # a lost race, an outage...: the command's own error
                queued.error = error
            else:
                queued.ids = list(found or [])
