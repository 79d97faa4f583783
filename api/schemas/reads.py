"""The API's own read answers: a case replayed from the store (history), and health. The views' answers are the
read model's classes (``projections/models.py``, ``projections/reports.py``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from projections.models import CaseProgress, TimelineItem


class CaseHistory(BaseModel):
    """A case replayed as it stood at a past moment or version."""

    as_of: str | None = Field(description="the moment asked for (events recorded by then)")
    version: int = Field(description="the version the case stood at")
    case: CaseProgress = Field(description="the case as it stood")
    events: list[TimelineItem] = Field(description="the events up to that version, in version order")


class Health(BaseModel):
    """Liveness or readiness."""

    status: str = Field(description="ok, or what is wrong")
    checks: dict[str, str] = Field(default_factory=dict, description="each dependency and its state")
