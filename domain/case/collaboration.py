"""Collaboration on a case: department tasks, legal actions, outside signals, notes and disputes."""

from __future__ import annotations

from datetime import datetime

from domain.act import Act
from domain.case.events import (
    DisputeRaised,
    DisputeResolved,
    LegalActionStarted,
    NoteAdded,
    SignalRecorded,
    TaskAssigned,
    TaskCompleted,
)
from domain.case.guarantees import GuaranteeCommands
from domain.case.values import CaseStatus, Department, LegalActionKind, Severity, SignalSource
from domain.errors import DuplicateError, IllegalTransitionError, NotFoundError
from domain.legal_clock import LEGAL_ACTION_CAUSES
from domain.rules import check_aware, check_not_blank, local_date


class CollaborationCommands(GuaranteeCommands):
    """Work shared with other departments, and what is learnt about the enterprise."""

    def assign_task(
        self,
        *,
        task_id: str,
        department: Department,
        title: str,
        due_at: datetime | None,
        assignee: str,
        act: Act,
    ) -> None:
        """Give a department a task on the case."""
        self.check_open()
        check_not_blank(task_id, "task_id")
        check_not_blank(title, "title")
        if due_at is not None:
            check_aware(due_at, "due_at")
        if task_id in self.tasks:
            raise DuplicateError(f"task {task_id!r} already exists")
        self.trigger_event(
            TaskAssigned,
            task_id=task_id,
            department=department,
            title=title,
            due_at=due_at,
            assignee=assignee,
            **act.attribution(),
        )

    def complete_task(self, task_id: str, outcome: str, *, act: Act) -> None:
        """Mark a task done."""
        task = self.tasks.get(task_id)
        if task is None:
            raise NotFoundError(f"no task {task_id!r} on this case")
        if task.status != "open":
            raise DuplicateError(f"task {task_id!r} is already {task.status}")
        self.trigger_event(TaskCompleted, task_id=task_id, outcome=outcome, **act.attribution())

    def start_legal_action(
        self,
        *,
        action_id: str,
        kind: LegalActionKind,
        summary: str,
        act: Act,
    ) -> None:
        """Start a legal measure: suit, arbitration and the measures with the same effect interrupt the limitation
        period (art. 195(3)(4)); suit or arbitration preserves the general guarantees (art. 693(1))."""
        self.check_open()
        check_not_blank(action_id, "action_id")
        if action_id in self.legal_actions:
            raise DuplicateError(f"legal action {action_id!r} already started")
        self.trigger_event(
            LegalActionStarted,
            action_id=action_id,
            kind=kind,
            summary=summary,
            **act.attribution(),
        )
        started = self.version
        cause = LEGAL_ACTION_CAUSES.get(kind)
        if cause is not None:
            on = local_date(act.occurred_at, self.timezone)
            self.interrupt_limitation(cause, on=on, act=act, by_version=started, evidence=summary)
        self.preserve_by_legal_action(kind, act=act, by_version=started)

    def record_signal(
        self,
        *,
        source: SignalSource,
        summary: str,
        severity: Severity,
        act: Act,
    ) -> None:
        """Record an outside signal about the enterprise."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_blank(summary, "summary")
        self.trigger_event(
            SignalRecorded,
            source=source,
            summary=summary,
            severity=severity,
            **act.attribution(),
        )

    def add_note(self, text: str, *, act: Act) -> None:
        """Add a free-text note (allowed on any case, closed ones included)."""
        check_not_blank(text, "text")
        self.trigger_event(NoteAdded, text=text, **act.attribution())

    def raise_dispute(self, reason: str, *, act: Act) -> None:
        """The enterprise disputes the debt."""
        self.check_open()
        check_not_blank(reason, "reason")
        if self.disputed:
            raise DuplicateError("the case is already disputed")
        self.trigger_event(DisputeRaised, reason=reason, **act.attribution())

    def resolve_dispute(self, outcome: str, *, act: Act) -> None:
        """The dispute was settled."""
        if not self.disputed:
            raise IllegalTransitionError("the case is not disputed")
        check_not_blank(outcome, "outcome")
        self.trigger_event(DisputeResolved, outcome=outcome, **act.attribution())
