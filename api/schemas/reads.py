"""Timelines, audit trails, history, queues, worklists and reports."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.cases import CaseProgress
from api.schemas.common import ActorOut


class TimelineItem(BaseModel):
    """One event of the case, readable."""

    version: int = Field(description="the event's position in the case")
    type: str = Field(description="the event type, e.g. CallLogged")
    occurred_at: str = Field(description="when it happened (business time)")
    recorded_at: str = Field(description="when the store recorded it")
    actor: ActorOut | None = Field(description="who did it")
    summary: str = Field(description="one readable line")
    data: dict[str, Any] = Field(default_factory=dict, description="the event's own fields")


class Timeline(BaseModel):
    """A page of a case's timeline, in occurred_at order."""

    case_id: str = Field(description="the case")
    items: list[TimelineItem] = Field(description="events on this page")
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class AuditItem(BaseModel):
    """One stored event and its link in the hash chain."""

    model_config = ConfigDict(extra="allow")

    version: int = Field(description="the event's version")
    type: str = Field(description="the event type")
    recorded_at: str = Field(description="when the store recorded it")
    hash: str = Field(description="sha256 over prev_hash and the stored event's bytes")
    prev_hash: str = Field(description="the previous event's hash (64 zeros for the first)")


class AuditTrail(BaseModel):
    """A case's hash-chained audit trail."""

    model_config = ConfigDict(extra="allow")

    case_id: str = Field(description="the case")
    items: list[AuditItem] = Field(description="every stored event, in version order")


class CaseHistory(BaseModel):
    """A case replayed as it stood at a past moment or version."""

    as_of: str | None = Field(description="the moment asked for (events recorded by then)")
    version: int = Field(description="the version the case stood at")
    case: CaseProgress = Field(description="the case as it stood")
    events: list[TimelineItem] = Field(description="the events up to that version, in version order")


class QueueItem(BaseModel):
    """An open task in a department's queue."""

    model_config = ConfigDict(extra="allow")

    case_id: str = Field(description="the case")
    task_id: str = Field(description="the task")
    title: str = Field(description="what to do")
    due_at: str | None = Field(default=None, description="when it is due")
    assignee: str = Field(default="", description="who in the department")


class Queue(BaseModel):
    """A department's open tasks, earliest due first."""

    department: str = Field(description="the department")
    items: list[QueueItem] = Field(description="open tasks")


class WorklistItem(BaseModel):
    """A collector's next action."""

    model_config = ConfigDict(extra="allow")

    case_id: str = Field(description="the case")
    kind: str = Field(description="deadline, task or contact (no next action set yet)")
    id: str | None = Field(default=None, description="the deadline or task id")
    what: str = Field(description="what is due")
    due_at: str | None = Field(default=None, description="when")


class Worklist(BaseModel):
    """A collector's next actions, earliest first."""

    collector: str = Field(description="the collector")
    items: list[WorklistItem] = Field(description="next actions")


class Report(BaseModel):
    """A report computed from the event log (fields vary by report; see the README)."""

    model_config = ConfigDict(extra="allow")


class AuditVerification(BaseModel):
    """The result of recomputing the audit trail from the store."""

    model_config = ConfigDict(extra="allow")

    ok: bool = Field(description="true when nothing was altered, removed or inserted")
    problems: list[dict[str, Any]] = Field(description="each event that does not check out, and why")


class Health(BaseModel):
    """Liveness or readiness."""

    status: str = Field(description="ok, or what is wrong")
    checks: dict[str, str] = Field(default_factory=dict, description="each dependency and its state")
