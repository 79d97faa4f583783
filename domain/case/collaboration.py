"""Collaboration on a case: department tasks, legal actions, outside signals, notes and disputes."""

from __future__ import annotations

from datetime import datetime, timedelta

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
from domain.case.legal_events import SignalResponded
from domain.case.proceedings import ProceedingsCommands
from domain.case.values import CaseStatus, Department, LegalActionKind, Severity, SignalSource
from domain.errors import DuplicateError, IllegalTransitionError, NotFoundError
from domain.legal_clock import LEGAL_ACTION_CAUSES
from domain.rules import check_aware, check_not_blank, local_date


class CollaborationCommands(ProceedingsCommands):
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
        period (art. 195(3)(4)), which runs anew when their proceedings end (``end_proceedings``); suit or
        arbitration preserves the general guarantees (art. 693(1))."""
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
            self.suspend_limitation(action_id, kind, cause, on=on, act=act, by_version=started)
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

    def respond_to_signal(
        self,
        *,
        signal_version: int,
        policy_version: int,
        rule: str,
        supervisor_task: bool,
        deadline_days: int | None,
        deadline_action: str,
        deadline_met_by: list[str],
        reassess: bool,
        act: Act,
    ) -> None:
        """A severe signal met the policy's response ``rule``: ``SignalResponded`` names what it sets off, then a task
        for the supervisor and a deadline (met by one of ``deadline_met_by``, else ``deadline_action``); the
        re-assessment, when asked for, follows in the same decision."""
        self.check_open()
        actions = [
            *(["supervisor_task"] if supervisor_task else []),
            *([f"deadline:{deadline_action}"] if deadline_days else []),
            *(["reassess"] if reassess else []),
        ]
        self.trigger_event(
            SignalResponded,
            signal_version=signal_version,
            policy_version=policy_version,
            rule=rule,
            actions=actions,
            **act.attribution(),
        )
        if supervisor_task:
            self.assign_task(
                task_id=f"signal-{signal_version}",
                department=Department.COLLECTIONS,
                title=f"For the supervisor: a severe signal (event v{signal_version}) met response {rule}; review it",
                due_at=act.recorded_at + timedelta(days=1),
                assignee="",
                act=act,
            )
        if deadline_days:
            self.set_deadline(
                deadline_id=f"signal-{signal_version}",
                kind="signal_review",
                due_at=act.occurred_at + timedelta(days=deadline_days),
                action=deadline_action,
                met_by=deadline_met_by,
                act=act,
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
