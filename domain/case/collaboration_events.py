"""The collaboration events of a collection case: departments' tasks, legal measures, outside signals, notes and
disputes. Part of the case's event catalogue (``domain.case.events`` names them too: events stored before they
moved here carry that module's topic)."""

from __future__ import annotations

from datetime import datetime

from domain.case.events_base import CaseEvent
from domain.case.values import Department, LegalActionKind, Severity, SignalSource


class TaskAssigned(CaseEvent):
    """A department was given a task on the case."""

    task_id: str
    department: Department
    title: str
    due_at: datetime | None = None
    assignee: str = ""


class TaskCompleted(CaseEvent):
    """A task was done."""

    task_id: str
    outcome: str = ""


class LegalActionStarted(CaseEvent):
    """A legal measure began."""

    action_id: str
    kind: LegalActionKind
    summary: str = ""


class SignalRecorded(CaseEvent):
    """Something was observed outside the bank (news, court, registry, fund movement...)."""

    source: SignalSource
    summary: str
    severity: Severity


class NoteAdded(CaseEvent):
    """A free-text note."""

    text: str


class DisputeRaised(CaseEvent):
    """The enterprise disputes the debt; contact is restricted while it stands."""

    reason: str


class DisputeResolved(CaseEvent):
    """The dispute was settled."""

    outcome: str
