"""Who did something and when: the one value every command of an aggregate takes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.base import Actor, ValueObject
from domain.rules import check_aware, check_not_future


class Act(ValueObject):
    """Who did something and when: the actor, when it happened (business time) and when the bank recorded it."""

    actor: Actor
    #: business time: when it happened in the world
    occurred_at: datetime
    #: "now" when the command was decided
    recorded_at: datetime
    #: the recording time its events carry (their ``timestamp``, what ``known_at`` reads) when the composition root
    #: was given a recording clock, which only a simulation is; None: the real time the events are made
    timestamp: datetime | None = None

    @classmethod
    def of(cls, actor: Actor, occurred_at: datetime | None, now: datetime, timestamp: datetime | None = None) -> Act:
        """The act of ``actor`` now, or at ``occurred_at``: both carry an offset and it is not in the future."""
        check_aware(now, "now")
        occurred_at = now if occurred_at is None else occurred_at
        check_not_future(occurred_at, now)
        if timestamp is not None:
            check_aware(timestamp, "timestamp")
        return cls(actor=actor, occurred_at=occurred_at, recorded_at=now, timestamp=timestamp)

    def attribution(self) -> dict[str, Any]:
        """What every event carries of the act: ``actor``, ``occurred_at`` and the recording ``timestamp`` (None:
        the event stamps the real time when it is made)."""
        return {"actor": self.actor, "occurred_at": self.occurred_at, "timestamp": self.timestamp}
