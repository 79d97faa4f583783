"""The API's own read answers: a case replayed from the store (history), and health. The views' answers are the
read model's classes (``projections/models.py``, ``projections/reports.py``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from projections.models import CaseProgress, TimelineItem


class CaseHistory(BaseModel):
    """A case replayed as it stood at a past moment or version."""

    as_of: str | None = Field(description="business time asked for: what had happened by then (occurred_at)")
    known_at: str | None = Field(default=None, description="recording time asked for: what the bank had recorded")
    version: int = Field(description="the version of the last event folded (events skipped leave gaps below it)")
    case: CaseProgress = Field(description="the case as it stood")
    events: list[TimelineItem] = Field(
        description="the events folded, in business-time order (occurred_at, then version)"
    )


class Health(BaseModel):
    """Liveness or readiness."""

    status: str = Field(description="ok, or what is wrong")
    checks: dict[str, str] = Field(default_factory=dict, description="each dependency and its state")
