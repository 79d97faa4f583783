"""What every event of a collection case carries: who did it and when it happened in the world (the store's
``timestamp`` is when it was recorded)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.base import Actor, Aggregate


class Attributed(BaseModel):
    """Who did it, and when it happened in the world."""

    actor: Actor
    occurred_at: datetime


class CaseEvent(Aggregate.Event, Attributed):
    """Base of every event of a collection case after it opened."""
