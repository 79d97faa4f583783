"""Group commit of concurrent commands' inserts: while one insert waits on the database, the commands that finish
deciding meanwhile queue theirs, and the next of them to go inserts the whole queue in one transaction.

Why: every insert takes the events table's EXCLUSIVE lock (so notification ids commit in order) and holds it
through its commit's WAL flush, so inserts from a process's request threads run one at a time however many threads
decide in parallel; a process's write rate was capped at one flush per command. Grouped, one lock and one flush
serve every command that was ready.

How (leader and followers, no extra thread): a thread with events to insert queues them; if no insert of this
process is under way it leads: takes the whole queue and inserts it; otherwise it waits until its events are
inserted, or until it is the next to lead. What each command is guaranteed stays as it was:

- per aggregate order: the thread still holds the aggregate's lock until its own insert has committed (the unit of
  work's stripe lock), so no two inserts of one aggregate are ever in one group, and no reader copies the
  aggregate before its events are stored;
- the same conflicts: the group's insert leaves out a command whose version another process took (or whose facts
  read moved on, ``infrastructure.read_set``) and commits the others; a group whose transaction fails (a lost
  connection, anything) has committed nothing; the thread of a command left out, or of a failed group, then inserts
  its own events alone, as it did before grouping, with the same retries, and sees its own IntegrityError (a
  conflict), StaleFacts or success;
- the same exactly-once keys: a keyed write's key row goes in the group's transaction with its own events
  (``infrastructure.keyed_writes``), or with them alone after a failed group;
- a lone command (nothing else under way) inserts alone at once, as before (the queue costs it a lock), and the
  commands that become ready meanwhile queue behind it as the next group.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import StoredEvent

from infrastructure.keyed_writes import KeyRow
from infrastructure.read_set import Reads


@dataclass(eq=False)
class Pending:
    """One command's events (and its key row) waiting to be inserted."""

    events: Sequence[StoredEvent]
    key: KeyRow | None
    #: the facts its decision read, checked in its insert's transaction (``infrastructure.read_set``)
    reads: Reads | None = None
    #: set when its group has been tried
    done: bool = False
    #: the notification ids of its events, or None: insert them alone (a failed insert)
    ids: list[int] | None = field(default=None)
    #: why its insert alone failed, when that is final (a version taken: retrying cannot help)
    error: BaseException | None = None


#: inserts a group of at least two commands' events in one transaction; their notification ids, command by command
#: (None for a command it left out: a version taken or a fact read moved on; inserted alone, it finds out which)
GroupWriter = Callable[[Sequence[Pending]], Sequence[Sequence[int] | None]]
#: inserts one command's events (once, without retrying); their notification ids
OneWriter = Callable[[Sequence[StoredEvent], KeyRow | None, Reads | None], Sequence[int] | None]


class GroupInserter:
    """Groups the inserts of one process's threads (see the module's docstring)."""

    def __init__(
        self,
        write_one: OneWriter,
        write_group: GroupWriter,
        final: tuple[type[BaseException], ...] = (),
        max_group: int = 200,
    ) -> None:
        self._write_one = write_one
        self._final = final
        self._write_group = write_group
        self._max_group = max_group
        self._condition = threading.Condition()
        self._queue: list[Pending] = []
        self._busy = False
        #: groups written and commands in them (for the benchmark's report)
        self.groups = 0
        self.grouped = 0

    def insert(self, events: Sequence[StoredEvent], key: KeyRow | None, reads: Reads | None = None) -> list[int] | None:
        """The notification ids of ``events`` inserted (in a group, or alone as a group of one), or None: the insert
        failed and committed nothing, the caller inserts them alone (with its retries)."""
        mine = Pending(events, key, reads)
        with self._condition:
            self._queue.append(mine)
            while not mine.done:
                if not self._busy:  # lead: this thread's events and as many queued as a group takes
                    self._busy = True
                    others = [pending for pending in self._queue if pending is not mine]
                    group, self._queue = [mine, *others[: self._max_group - 1]], others[self._max_group - 1 :]
                    break
                self._condition.wait()
            else:
                return self._result(mine)
        try:
            self._write(group)
        finally:
            with self._condition:
                self._busy = False
                for pending in group:
                    pending.done = True
                self._condition.notify_all()
        return self._result(mine)

    @staticmethod
    def _result(pending: Pending) -> list[int] | None:
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def _write(self, group: list[Pending]) -> None:
        """Insert a group in one transaction (while it does, the next commands queue); a failed insert leaves each
        command's ids None: each then inserts alone, with the recorder's retries, as before grouping."""
        if len(group) == 1:
            try:
                found = self._write_one(group[0].events, group[0].key, group[0].reads)
            except self._final as error:  # a lost race: trying again cannot help
                group[0].error = error
                return
            except Exception:  # it committed nothing: the caller tries again alone, with its retries
                return
            if found is not None:
                group[0].ids = list(found)
            return
        try:
            ids = self._write_group(group)
        except Exception:  # a failed group committed nothing: each command inserts alone, as before grouping
            return
        for pending, found in zip(group, ids, strict=True):
            pending.ids = None if found is None else list(found)  # None: left out, inserted alone by its thread
        self.groups += 1
        self.grouped += len(group)


def split_ids(group: Sequence[Pending], ids: Sequence[int]) -> list[list[int] | None]:
    """The notification ids of a group's insert, command by command (ids are handed out in insertion order); None
    for a command the insert left out (reported as ``-1 - its index``)."""
    lost = {-1 - n for n in ids if n < 0}
    ordered = sorted(n for n in ids if n >= 0)
    if len(ordered) != sum(len(pending.events) for n, pending in enumerate(group) if n not in lost):
        raise RuntimeError(f"a group insert returned {len(ordered)} ids for its events")
    found: list[list[int] | None] = []
    start = 0
    for n, pending in enumerate(group):
        if n in lost:
            found.append(None)
            continue
        found.append(ordered[start : start + len(pending.events)])
        start += len(pending.events)
    return found
