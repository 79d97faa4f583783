"""Aggregates another process writes too, as one process's unit of work has seen them.

A process decides on its cached aggregates optimistically: the store's version numbers catch a stale copy at its
insert. Once a stale copy has lost an insert race, the aggregate is *shared* for a while: commands on it bring it
up to date from the store first (one query) instead of losing again; after a few such queries in a row found
nothing new (the other process has stopped writing it: a case's requests moved to another process and back, as
connections to a server's workers come and go) it is optimistic again.
"""

from __future__ import annotations

import time
from uuid import UUID

from infrastructure.memo import Memo

#: after a stale cached aggregate lost an insert race, commands on it ask the store first for this long
SHARED_WRITES_SECONDS = 60.0
#: ... unless this many of those queries in a row found nothing new
QUIET_READS_TO_UNSHARE = 3


class SharedWrites:
    """Which aggregates are shared now, until when, and how many quiet reads of each there have been in a row."""

    def __init__(self) -> None:
        self._until: Memo[tuple[float, int]] = Memo()

    def now(self, aggregate_id: UUID) -> bool:
        """True while another process has recently been seen writing this aggregate."""
        shared = self._until.get(aggregate_id)
        return shared is not None and time.monotonic() < shared[0]

    def seen(self, aggregate_id: UUID) -> None:
        """Another process writes this aggregate too: ask the store before deciding, for a while."""
        self._until.put(aggregate_id, (time.monotonic() + SHARED_WRITES_SECONDS, 0))

    def read(self, aggregate_id: UUID, quiet: bool) -> None:
        """A query brought the aggregate up to date (``quiet``: it found nothing new); after enough quiet ones in a
        row, back to optimistic."""
        shared = self._until.get(aggregate_id)
        if shared is None:
            return
        quiet_reads = shared[1] + 1 if quiet else 0
        if quiet_reads >= QUIET_READS_TO_UNSHARE:
            self._until.pop(aggregate_id)
        else:
            self._until.put(aggregate_id, (shared[0], quiet_reads))
