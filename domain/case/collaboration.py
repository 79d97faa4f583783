"""Collaboration on a case: department tasks, legal actions, outside signals, notes and disputes."""

from __future__ import annotations

from datetime import datetime

from domain.base import Actor
from domain.case.events import (
    DisputeRaised,
    DisputeResolved,
    LegalActionStarted,
    NoteAdded,
    SignalRecorded,
    TaskAssigned,
    TaskCompleted,
)
from domain.case.state import CaseEvolution
from domain.case.values import (
    CaseStatus,
    Department,
    LegalActionKind,
    Severity,
    SignalSource,
)
from domain.errors import DuplicateError, IllegalTransitionError, NotFoundError
from domain.rules import (
    check_aware,
    check_not_blank,
    check_not_future,
)


class CollaborationCommands(CaseEvolution):
    """Work shared with other departments, and what is learnt about the enterprise."""

    def assign_task(
        self,
        *,
        task_id: str,
        department: Department,
        title: str,
        due_at: datetime | None,
        assignee: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Give a department a task on the case."""
        self.check_open()
        check_not_blank(task_id, "task_id")
        check_not_blank(title, "title")
        check_not_future(occurred_at, now)
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
            actor=actor,
            occurred_at=occurred_at,
        )

    def complete_task(self, task_id: str, outcome: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Mark a task done."""
        task = self.tasks.get(task_id)
        if task is None:
            raise NotFoundError(f"no task {task_id!r} on this case")
        if task.status != "open":
            raise DuplicateError(f"task {task_id!r} is already {task.status}")
        check_not_future(occurred_at, now)
        self.trigger_event(TaskCompleted, task_id=task_id, outcome=outcome, actor=actor, occurred_at=occurred_at)

    def start_legal_action(
        self,
        *,
        action_id: str,
        kind: LegalActionKind,
        summary: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Start a legal measure."""
        self.check_open()
        check_not_future(occurred_at, now)
        if action_id in self.legal_actions:
            raise DuplicateError(f"legal action {action_id!r} already started")
        self.trigger_event(
            LegalActionStarted,
            action_id=action_id,
            kind=kind,
            summary=summary,
            actor=actor,
            occurred_at=occurred_at,
        )

    def record_signal(
        self,
        *,
        source: SignalSource,
        summary: str,
        severity: Severity,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Record an outside signal about the enterprise."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_blank(summary, "summary")
        check_not_future(occurred_at, now)
        self.trigger_event(
            SignalRecorded,
            source=source,
            summary=summary,
            severity=severity,
            actor=actor,
            occurred_at=occurred_at,
        )

    def add_note(self, text: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Add a free-text note (allowed on any case, closed ones included)."""
        check_not_blank(text, "text")
        check_not_future(occurred_at, now)
        self.trigger_event(NoteAdded, text=text, actor=actor, occurred_at=occurred_at)

    def raise_dispute(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """The enterprise disputes the debt."""
        self.check_open()
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        if self.disputed:
            raise DuplicateError("the case is already disputed")
        self.trigger_event(DisputeRaised, reason=reason, actor=actor, occurred_at=occurred_at)

    def resolve_dispute(self, outcome: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """The dispute was settled."""
        if not self.disputed:
            raise IllegalTransitionError("the case is not disputed")
        check_not_blank(outcome, "outcome")
        check_not_future(occurred_at, now)
        self.trigger_event(DisputeResolved, outcome=outcome, actor=actor, occurred_at=occurred_at)
