"""Facts a command read from other aggregates, checked in its insert's transaction: a command decided on facts that
changed meanwhile (a do-not-contact flag set, a contact person added, a policy published, in this process or any
other) is not recorded; it is decided again on the facts as they now are.

Why: the facts a contact is judged by (the enterprise's, the policy's) are read before the case's lock and reused
for a while (``UnitOfWork.read(max_age_seconds=...)``), so most commands need no read round trip. Reused facts may
be behind the store; checking them where the command is recorded costs no round trip: the insert (one statement on
PostgreSQL, one transaction on SQLite) first checks that none of the aggregates read has an event past the version
read, under the same lock that orders every insert, and fails with :class:`StaleFacts` if one has. So a command is
recorded only if the facts it was decided on were still the latest when it was recorded, however old the memo.

How: ``collecting()`` around the reads a decision needs notes each aggregate's version read (``noted``); the
unit of work saves under ``checking(reads)``; the recorder reads ``checked_reads()`` and checks them with the
events it inserts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from eventsourcing.persistence import PersistenceError

#: the SQLSTATE the PostgreSQL insert functions raise when a fact read is stale
STALE_SQLSTATE = "AR001"

#: aggregate id -> the version a command's decision read
Reads = dict[UUID, int]

_COLLECTING: ContextVar[Reads | None] = ContextVar("arrears_reads", default=None)
_CHECKING: ContextVar[Reads | None] = ContextVar("arrears_checked_reads", default=None)


class StaleFacts(PersistenceError):
    """An aggregate a command read has changed since: nothing of the command was recorded; decide it again."""


@contextmanager
def collecting() -> Iterator[Reads]:
    """Note the versions of the aggregates read inside (``UnitOfWork.read`` calls ``noted``)."""
    reads: Reads = {}
    token = _COLLECTING.set(reads)
    try:
        yield reads
    finally:
        _COLLECTING.reset(token)


def noted(aggregate_id: UUID, version: int) -> None:
    """A fact was read from this aggregate at this version (0: the aggregate was not stored yet)."""
    reads = _COLLECTING.get()
    if reads is not None:
        reads[aggregate_id] = min(version, reads.get(aggregate_id, version))


@contextmanager
def checking(reads: Reads | None) -> Iterator[None]:
    """Around one save: its insert checks that these reads are still the latest."""
    token = _CHECKING.set(reads or None)
    try:
        yield
    finally:
        _CHECKING.reset(token)


def checked_reads() -> Reads | None:
    """The reads the events being inserted now must check (None: none)."""
    return _CHECKING.get()


def stale(reads: Reads) -> StaleFacts:
    """The error of a save whose reads are no longer the latest."""
    return StaleFacts(f"facts read from {len(reads)} aggregate(s) changed before the command was recorded")


def read_text(reads: Reads | None) -> tuple[str, str]:
    """A command's reads as two comma-separated texts (aggregate ids, versions read) for its insert to check."""
    if not reads:
        return "", ""
    return ",".join(map(str, reads)), ",".join(map(str, reads.values()))
