"""What every projection is: a named view with its own tables, fed batches of events in log order."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from infrastructure.view_store import ViewTx


@dataclass(frozen=True, slots=True)
class Envelope:
    """One stored event as projections see it: its position, identity, stored bytes and typed form."""

    position: int
    originator_id: UUID
    #: the originator id as text, the key every view stores
    key: str
    version: int
    topic: str
    state: bytes
    #: the typed event, or None when its class is unknown to this process (a newer event kind)
    event: Any
    #: why the stored bytes could not be decoded (raised by the views that need the typed event)
    decode_error: BaseException | None = None
    #: the decoded JSON state of an event of unknown kind (for its times and actor)
    raw: dict[str, Any] | None = None
    #: when the event was recorded (its timestamp) as ``utc_text``, formatted once for every view (None: not decoded)
    recorded_at: str | None = None

    def typed(self) -> Any:
        """The typed event (None for an unknown kind); raises if its bytes could not be decoded."""
        if self.decode_error is not None:
            raise self.decode_error
        return self.event

    @property
    def type(self) -> str:
        """The event's class name (from the topic when the class is unknown)."""
        return self.topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]


class ProjectionError(RuntimeError):
    """A projection could not process an event; it stops there, loudly."""

    def __init__(self, projection: str, position: int, error: BaseException) -> None:
        super().__init__(f"projection {projection} failed at event {position}: {type(error).__name__}: {error}")
        self.projection = projection
        self.position = position
        self.error = error


class View(ABC):
    """A projection: its tables and how a batch of events changes them (one transaction per batch)."""

    #: the projection's name (used by `arrears projections rebuild NAME` and as its tracking key)
    name: str = ""
    #: its tables, dropped and recreated by a rebuild
    tables: tuple[str, ...] = ()
    #: the version of its tables' DDL: bump it whenever ``schema()`` changes; a process that finds another
    #: version recorded drops the view and rebuilds it from the log (views made before versioning are 1)
    version: int = 1
    #: its CPU per event relative to other views' (microseconds per event, as ``bench/bench_projections.py``
    #: measured them): how a rebuild spread over processes splits the views into groups of equal work
    weight: int = 5

    @abstractmethod
    def schema(self) -> list[str]:
        """CREATE TABLE / CREATE INDEX statements (portable SQL, IF NOT EXISTS)."""

    @abstractmethod
    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Change the view for every event of the batch, in order; raise to reject the batch."""


def view_groups(views: Sequence[View], count: int) -> list[list[str]]:
    """The views' names in at most ``count`` groups of about equal weight (the heaviest view placed first, each in
    the lightest group so far), every group keeping the views' given order; no group is empty."""
    groups: list[list[View]] = [[] for _ in range(max(1, min(count, len(views))))]
    for view in sorted(views, key=lambda v: -v.weight):
        min(groups, key=lambda group: sum(v.weight for v in group)).append(view)
    order = {id(view): n for n, view in enumerate(views)}
    return [[v.name for v in sorted(group, key=lambda v: order[id(v)])] for group in groups]


#: one event's times are formatted once per view of a batch; a small cache catches those repeats without
#: growing with the log (65,536 entries cost a long-running process about 15 MiB and rarely hit)
@lru_cache(maxsize=4096)
def utc_text(moment: datetime | None) -> str | None:
    """A sortable text form of a time: UTC ISO 8601 with microseconds."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def fen_text(fen: int | None) -> str | None:
    """Integer fen as a decimal string ("12500.00")."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    units, cents = divmod(abs(fen), 100)
    return f"{sign}{units}.{cents:02d}"
