"""What a decision sees besides its aggregate: when it is decided and recorded, and what it creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.base import Aggregate
from infrastructure.clock import Clock


@dataclass
class Session:
    """What a decision sees besides its aggregate: the time it is decided, the recording time its events carry
    (None: the real time when they are made; see ``UnitOfWork.recording_clock``), and new aggregates to save
    with it."""

    now: datetime
    timestamp: datetime | None = None
    created: list[Aggregate] = field(default_factory=list)

    @classmethod
    def begin(cls, clock: Clock, recording_clock: Clock | None = None) -> Session:
        """A session now by ``clock``, recorded by ``recording_clock`` when there is one."""
        return cls(clock.now(), recording_clock.now() if recording_clock is not None else None)

    def add(self, aggregate: Aggregate) -> None:
        """Save a new aggregate in the same transaction as the one decided on."""
        self.created.append(aggregate)
