"""Commands of collaboration: department tasks, legal action, outside signals, notes, disputes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.commands.base import CaseCommand
from domain.case.values import Department, LegalActionKind, Severity, SignalSource


@dataclass(frozen=True, kw_only=True, slots=True)
class AssignTask(CaseCommand):
    """Give a department a task; answers with its id."""

    department: Department
    title: str
    due_at: datetime | None = None
    assignee: str = ""
    task_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompleteTask(CaseCommand):
    """Mark a task done."""

    task_id: str
    outcome: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class StartLegalAction(CaseCommand):
    """Start a legal measure (litigation, asset preservation, arbitration...); answers with its id."""

    kind: LegalActionKind
    summary: str = ""
    action_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordSignal(CaseCommand):
    """Record an outside signal about the enterprise (news, court, registry, fund movement...)."""

    source: SignalSource
    summary: str
    severity: Severity


@dataclass(frozen=True, kw_only=True, slots=True)
class AddNote(CaseCommand):
    """Add a note to a case."""

    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RaiseDispute(CaseCommand):
    """Record that the enterprise disputes the debt."""

    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ResolveDispute(CaseCommand):
    """Record that a dispute was settled."""

    outcome: str
