"""Deadlines of a case: set with what meets them, met by the command that does it, cancelled when moot,
and fired exactly once when they pass unmet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain.act import Act
from domain.case.events import DeadlineCancelled, DeadlineExpired, DeadlineMet, DeadlineSet, TaskAssigned
from domain.case.state import CaseEvolution
from domain.case.values import FULFILMENTS, MET_BY, Deadline, Department, Tier
from domain.errors import DuplicateError, InvariantError, NotFoundError
from domain.rules import check_aware, check_not_blank


def met_by_for(kind: str, met_by: list[str] | None) -> list[str]:
    """What meets a deadline: as given, else its kind's usual answer."""
    return list(met_by) if met_by else list(MET_BY.get(kind, ()))


class DeadlineCommands(CaseEvolution):
    """Setting, meeting, cancelling and firing deadlines."""

    def set_deadline(
        self,
        *,
        deadline_id: str,
        kind: str,
        due_at: datetime,
        action: str,
        act: Act,
        met_by: list[str] | None = None,
    ) -> None:
        """Set a deadline, what meets it, and the action to take when it passes unmet."""
        self.check_open()
        check_not_blank(deadline_id, "deadline_id")
        check_not_blank(kind, "kind")
        check_not_blank(action, "action")
        check_aware(due_at, "due_at")
        unknown = sorted(set(met_by or ()) - FULFILMENTS)
        if unknown:
            raise InvariantError(f"a deadline is met by one of {sorted(FULFILMENTS)}, not {unknown}")
        if deadline_id in self.deadlines:
            raise DuplicateError(f"deadline {deadline_id!r} already exists")
        if due_at <= act.occurred_at:
            raise InvariantError("a deadline is due after it is set")
        self.trigger_event(
            DeadlineSet,
            deadline_id=deadline_id,
            kind=kind,
            due_at=due_at,
            action=action,
            met_by=met_by_for(kind, met_by),
            **act.attribution(),
        )

    def meet_deadline(self, deadline_id: str, *, act: Act, by: str = "") -> None:
        """Record that a deadline was met."""
        self.check_deadline_open(deadline_id)
        self.trigger_event(DeadlineMet, deadline_id=deadline_id, by=by, **act.attribution())

    def cancel_deadline(self, deadline_id: str, reason: str, *, act: Act) -> None:
        """Withdraw a deadline, saying why."""
        self.check_deadline_open(deadline_id)
        check_not_blank(reason, "reason")
        self.trigger_event(DeadlineCancelled, deadline_id=deadline_id, reason=reason, **act.attribution())

    def expire_deadline(self, deadline_id: str, *, act: Act) -> Deadline:
        """Record that a deadline passed unmet (once; a second call is a duplicate)."""
        deadline = self.check_deadline_open(deadline_id)
        self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())
        return deadline

    def fire(self, deadline_id: str, *, act: Act) -> Deadline:
        """The scheduler's firing: the deadline has passed by the clock, and fires exactly once."""
        self.check_deadline_due(deadline_id, act)
        return self.expire_deadline(deadline_id, act=act)

    def fire_deadline(self, deadline_id: str, *, act: Act, reminder_every_days: int | None = None) -> Deadline:
        """The deadline passed unmet (fires once) and its action is taken: ``remind`` gives collections a
        reminder to send and, on the low tier, sets the next one ``reminder_every_days`` later;
        ``notify:<who>`` and ``legal_action`` give a task to the one who must act."""
        deadline = self.fire(deadline_id, act=act)
        action = deadline.action
        if action == "remind":
            self._task(deadline, Department.COLLECTIONS, "Send the gentle reminder (SMS or email)", act)
            if reminder_every_days and self.tier is Tier.LOW and self.overdue_amount.is_positive():
                due_at = deadline.due_at + timedelta(days=reminder_every_days)
                while due_at <= act.occurred_at:  # reminders missed while nothing ran are not all sent
                    due_at += timedelta(days=reminder_every_days)
                self.set_deadline(
                    deadline_id=f"strategy-{self.version}-reminder",
                    kind="reminder",
                    due_at=due_at,
                    action="remind",
                    act=act,
                )
        elif action.startswith("notify:"):
            who = action.removeprefix("notify:")
            self._task(deadline, Department.COLLECTIONS, f"For the {who}: the {deadline.kind} deadline passed", act)
        elif action == "guarantee_warning":
            guarantee = deadline.deadline_id.removeprefix("guarantee-lapse-")
            title = (
                f"Guarantee {guarantee} lapses soon: a general guarantee needs suit or arbitration against the debtor,"
                " a joint one a demand to the guarantor, within the period (Civil Code art. 693)"
            )
            self._task(deadline, Department.LEGAL, title, act)
        elif action == "guarantor_limitation_warning":
            title = (
                f"The limitation period against a guarantor nears its end ({deadline.deadline_id}): demand its"
                " performance with delivery evidence or sue it (Civil Code arts. 694, 195)"
            )
            self._task(deadline, Department.LEGAL, title, act)
        elif action == "legal_action":
            title = f"Start legal action (litigation, asset preservation or arbitration): {deadline.kind} unmet"
            self._task(deadline, Department.LEGAL, title, act)
        return deadline

    def _task(self, deadline: Deadline, department: Department, title: str, act: Act) -> None:
        self.trigger_event(
            TaskAssigned,
            task_id=f"fired-{deadline.deadline_id}",
            department=department,
            title=title,
            due_at=act.occurred_at + timedelta(days=1),
            assignee="",
            **act.attribution(),
        )

    def check_deadline_open(self, deadline_id: str) -> Deadline:
        """The deadline exists and has neither been met, cancelled nor fired."""
        deadline = self.deadlines.get(deadline_id)
        if deadline is None:
            raise NotFoundError(f"no deadline {deadline_id!r} on this case")
        if deadline.status != "open":
            raise DuplicateError(f"deadline {deadline_id!r} is already {deadline.status}")
        return deadline

    def check_deadline_due(self, deadline_id: str, act: Act) -> Deadline:
        """The deadline is open and has passed (by the clock the command is recorded at)."""
        deadline = self.check_deadline_open(deadline_id)
        if deadline.due_at > act.recorded_at:
            raise InvariantError(f"deadline {deadline_id!r} is not due until {deadline.due_at.isoformat()}")
        return deadline

    def open_deadlines(self) -> list[Deadline]:
        """Deadlines neither met, cancelled nor fired, earliest first."""
        return sorted((d for d in self.deadlines.values() if d.status == "open"), key=lambda d: d.due_at)

    def fulfil(self, what: str, *, act: Act) -> None:
        """The case did ``what``: every open deadline it meets is met (in the same transaction)."""
        for deadline in self.open_deadlines():
            if what in deadline.met_by:
                self.trigger_event(DeadlineMet, deadline_id=deadline.deadline_id, by=what, **act.attribution())

    def cancel_open_deadlines(
        self, reason: str, *, act: Act, which: Callable[[Deadline], bool] = lambda _: True
    ) -> None:
        """Cancel the open deadlines that no longer apply, with the reason."""
        for deadline in self.open_deadlines():
            if which(deadline):
                self.trigger_event(
                    DeadlineCancelled, deadline_id=deadline.deadline_id, reason=reason, **act.attribution()
                )
