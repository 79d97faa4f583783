"""The legal clock (limitation period) and the delinquency classification of a case."""

from __future__ import annotations

from datetime import date

from domain.act import Act
from domain.base import applies
from domain.case.deadlines import DeadlineCommands
from domain.case.events import (
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineSet,
    LimitationPeriodSet,
    TaskAssigned,
)
from domain.case.legal_events import LegalProceedingsEnded, LimitationRestarted, LimitationSuspended
from domain.case.values import CaseStatus, Department, LegalActionKind, LimitationCause, Proceedings
from domain.errors import IllegalTransitionError, InvariantError
from domain.legal_clock import (
    AFTER_EXPIRY,
    ART_188,
    ARTICLES,
    DEBTOR_CONSENT,
    ENFORCEABLE,
    ENFORCEMENT_ARTICLE,
    ENFORCEMENT_YEARS,
    INSTALMENTS,
    LEGAL_ACTION_CAUSES,
    RESTARTED_AFTER_PROCEEDINGS,
    SUSPENDED,
    at_workday_start,
    limitation_ends,
    warning_day,
)
from domain.rules import check_not_blank, local_date


class LegalCommands(DeadlineCommands):
    """The limitation period, its warning, and the loan's bucket and category."""

    def set_limitation_period(
        self,
        *,
        starts_on: date,
        years: int,
        warn_days: int,
        basis: str,
        act: Act,
        period: str = "",
    ) -> None:
        """(Re)start the limitation period (or, ``period="enforcement"``, the period to apply for enforcement) and
        move its warning deadline; by default the period that runs keeps running."""
        self.check_open()
        check_not_blank(basis, "basis")
        if years < 1 or warn_days < 1:
            raise InvariantError("the limitation period and its warning are at least one year and one day")
        if self.limitation_starts_on is not None and starts_on < self.limitation_starts_on:
            raise IllegalTransitionError(f"the period already restarted on {self.limitation_starts_on}")
        ends_on = limitation_ends(starts_on, years)
        self.trigger_event(
            LimitationPeriodSet,
            starts_on=starts_on,
            ends_on=ends_on,
            years=years,
            warn_days_before=warn_days,
            basis=basis,
            period=period or self.limitation_period,
            **act.attribution(),
        )
        self.cancel_limitation_warnings(f"limitation period restarted; it now ends on {ends_on}", act=act)
        self.plan_limitation_warning(ends_on, warn_days, act=act)

    def cancel_limitation_warnings(self, reason: str, *, act: Act) -> None:
        """Cancel the open warning deadlines of the period (it moved, or does not run)."""
        for deadline in list(self.deadlines.values()):
            if deadline.kind == "limitation_warning" and deadline.status == "open":
                self.trigger_event(
                    DeadlineCancelled, deadline_id=deadline.deadline_id, reason=reason, **act.attribution()
                )

    def plan_limitation_warning(self, ends_on: date, warn_days: int, *, act: Act) -> None:
        """Set the deadline that warns legal ``warn_days`` before the period ends (one open per end date; a warning
        cancelled while the period was suspended is set again under a numbered id)."""
        warn_at = at_workday_start(warning_day(ends_on, warn_days), self.timezone)
        base = f"limitation-warning-{ends_on.isoformat()}"
        same_end = [d for i, d in self.deadlines.items() if i == base or i.startswith(f"{base}-")]
        if any(d.status == "open" for d in same_end):
            return
        deadline_id = f"{base}-{len(same_end) + 1}" if same_end else base
        if warn_at > act.occurred_at:
            self.trigger_event(
                DeadlineSet,
                deadline_id=deadline_id,
                kind="limitation_warning",
                due_at=warn_at,
                action="legal_task",
                **act.attribution(),
            )

    def principal_due_on(self) -> date:
        """The principal debt's performance deadline: the last dated due of the loan's schedule (an instalment
        debt's last instalment, art. 189; the end an unagreed guarantee period runs from, art. 692); a case
        opened with one overdue amount and no schedule: that amount's due date."""
        return max((d.due_on for d in self.loan_dues() if d.due_on is not None), default=self.overdue_since)

    def start_limitation(self, *, years: int, warn_days: int, act: Act) -> bool:
        """Start the limitation period once (True if it started): three years by art. 188 from the day the debt
        fell due or, for a debt performed in instalments, from the last instalment's due date (art. 189), even when
        that day is still ahead. Not while proceedings that interrupted it are pending (it runs from their end)."""
        if self.limitation_ends_on is not None or self.pending_proceedings():
            return False
        starts_on = self.principal_due_on()
        dated = sorted({d.due_on for d in self.loan_dues() if d.due_on is not None})
        if len(dated) > 1:
            basis = f"{INSTALMENTS}: the last of {len(dated)} instalments falls due on {starts_on}"
        else:
            basis = f"{ART_188}: repayment due {starts_on}"
        self.set_limitation_period(starts_on=starts_on, years=years, warn_days=warn_days, basis=basis, act=act)
        return True

    def interrupt_limitation(
        self,
        cause: LimitationCause,
        *,
        on: date,
        act: Act,
        by_version: int | None = None,
        evidence: str = "",
    ) -> bool:
        """The period is interrupted on ``on`` (Civil Code art. 195) and runs anew from it: ``LimitationRestarted``
        naming the cause and the interrupting event, then the new period and its warning. Nothing happens (False)
        on a case that is not open or owes nothing, for an interruption no later than the last restart, or for
        a demand or legal action after the period ended (only the obligor's agreement to perform then counts,
        art. 192(2)), or while proceedings that interrupted it are pending (it runs anew from their end)."""
        if self.status is not CaseStatus.OPEN or not self.outstanding.is_positive() or self.pending_proceedings():
            return False
        if self.limitation_starts_on is not None and on <= self.limitation_starts_on:
            return False
        previous = self.limitation_ends_on
        after_expiry = previous is not None and on > previous
        if after_expiry and cause not in DEBTOR_CONSENT:
            return False
        article = AFTER_EXPIRY if after_expiry else ARTICLES[cause]
        if self.limitation_period == "enforcement":
            article += f"; {ENFORCEMENT_ARTICLE}"
        ends_on = limitation_ends(on, self.running_period_years())
        self.trigger_event(
            LimitationRestarted,
            cause=cause,
            by_version=by_version,
            by_event=self.event_type_at(by_version),
            restarts_on=on,
            ends_on=ends_on,
            previous_ends_on=previous,
            article=article,
            evidence=evidence,
            **act.attribution(),
        )
        self.set_limitation_period(
            starts_on=on,
            years=self.running_period_years(),
            warn_days=self.limitation_warn_days,
            basis=f"interrupted by {cause} on {on}: {article}",
            act=act,
        )
        return True

    def running_period_years(self) -> int:
        """The length of the period that runs: the policy's limitation years, or two to apply for enforcement."""
        return ENFORCEMENT_YEARS if self.limitation_period == "enforcement" else self.limitation_years

    def event_type_at(self, version: int | None) -> str:
        """The type of the case's event at ``version`` when it is among those being recorded ("" otherwise)."""
        found = (type(e).__name__ for e in self.pending_events if e.originator_version == version)
        return next(found, "")

    def pending_proceedings(self) -> list[str]:
        """The legal actions whose proceedings interrupted the period and have not ended (it does not run)."""
        return [a for a, p in self.proceedings.items() if p.filed_on is not None and p.ended_on is None]

    def suspend_limitation(
        self, action_id: str, kind: LegalActionKind, cause: LimitationCause, *, on: date, act: Act, by_version: int
    ) -> bool:
        """Suit, arbitration or a measure with the same effect filed on ``on`` interrupts the period (art. 195(3)(4)):
        it does not run until the proceedings end, so its warning deadline is cancelled. Nothing happens (False) on
        a case that is not open or owes nothing, or after the period ended (the debtor may plead it)."""
        if self.status is not CaseStatus.OPEN or not self.outstanding.is_positive():
            return False
        if self.limitation_ends_on is not None and on > self.limitation_ends_on:
            return False
        self.trigger_event(
            LimitationSuspended,
            action_id=action_id,
            kind=kind,
            cause=cause,
            by_version=by_version,
            filed_on=on,
            previous_ends_on=self.limitation_ends_on,
            article=f"{ARTICLES[cause]}; {SUSPENDED}",
            **act.attribution(),
        )
        for deadline in list(self.deadlines.values()):
            if deadline.kind == "limitation_warning" and deadline.status == "open":
                self.trigger_event(
                    DeadlineCancelled,
                    deadline_id=deadline.deadline_id,
                    reason=f"the period is interrupted by {kind} filed on {on}; it runs anew when the proceedings end",
                    **act.attribution(),
                )
        return True

    def restart_after_proceedings(
        self, action_id: str, *, act: Act, by_version: int, performance_due_on: date | None = None
    ) -> bool:
        """The proceedings of ``action_id`` ended: when they suspended the period and none other still does, it runs
        anew from the day the last of them ended (art. 195), with a new warning deadline. When they ended in an
        enforceable document (judgment, award, mediation statement), what runs is the two-year period to apply for
        enforcement (Civil Procedure Law art. 250) from the last day of the performance period it sets
        (``performance_due_on``; its effective date, the end of the proceedings, when it sets none). True if the
        period restarted."""
        proceedings = self.proceedings[action_id]
        if proceedings.filed_on is None or proceedings.ended_on is None or self.pending_proceedings():
            return False
        if self.status is not CaseStatus.OPEN or not self.outstanding.is_positive():
            return False
        # with several proceedings, the period runs anew from the latest end, whichever was recorded last
        on = max(p.ended_on for p in self.proceedings.values() if p.filed_on is not None and p.ended_on is not None)
        cause = self.legal_action_cause(action_id)
        years, period = self.running_period_years(), self.limitation_period
        article = f"{ARTICLES[cause]}; {RESTARTED_AFTER_PROCEEDINGS} ({proceedings.outcome})"
        if proceedings.outcome in ENFORCEABLE:
            on = max(on, performance_due_on or on)
            years, period = ENFORCEMENT_YEARS, "enforcement"
            article = f"{ENFORCEMENT_ARTICLE} ({proceedings.outcome} effective {proceedings.ended_on})"
        ends_on = limitation_ends(on, years)
        self.trigger_event(
            LimitationRestarted,
            cause=cause,
            by_version=by_version,
            by_event=self.event_type_at(by_version),
            restarts_on=on,
            ends_on=ends_on,
            previous_ends_on=self.limitation_ends_on,
            article=article,
            evidence=f"proceedings of {action_id} ended on {proceedings.ended_on}",
            **act.attribution(),
        )
        self.set_limitation_period(
            starts_on=max(on, self.limitation_starts_on or on),
            years=years,
            warn_days=self.limitation_warn_days,
            basis=f"proceedings of {action_id} ended on {proceedings.ended_on}: {article}",
            act=act,
            period=period,
        )
        return True

    def legal_action_cause(self, action_id: str) -> LimitationCause:
        """The cause a legal action's filing interrupts the period as."""
        return LEGAL_ACTION_CAUSES.get(self.legal_actions[action_id], LimitationCause.OTHER)

    @applies
    def _(self, event: LimitationSuspended) -> None:
        self.proceedings[event.action_id] = Proceedings(filed_on=event.filed_on)

    @applies
    def _(self, event: LegalProceedingsEnded) -> None:
        known = self.proceedings.get(event.action_id, Proceedings())
        self.proceedings[event.action_id] = known.model_copy(
            update={"ended_on": event.ended_on, "outcome": event.outcome}
        )

    def review_legal_clock(self, *, act: Act, deadline_id: str | None = None) -> bool:
        """When the period nears its end, give legal a task (once per end date); True if one was given.
        With the warning deadline's id (the scheduler's firing), the deadline fires exactly once."""
        self.check_open()
        if deadline_id is not None:
            self.check_deadline_due(deadline_id, act)
        if self.pending_proceedings() or self.limitation_suspended_from is not None:
            return False  # it does not run while proceedings that interrupted it are pending, nor while suspended
        ends_on = self.limitation_ends_on
        if ends_on is None or local_date(act.recorded_at, self.timezone) < warning_day(
            ends_on, self.limitation_warn_days
        ):
            return False
        task_id = f"limitation-{ends_on.isoformat()}"
        if task_id in self.tasks:
            if deadline_id is not None:
                self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())
            return False
        base = f"limitation-warning-{ends_on.isoformat()}"
        for deadline in list(self.deadlines.values()):  # the warning of this end (numbered when set again)
            ours = deadline.deadline_id == base or deadline.deadline_id.startswith(f"{base}-")
            if ours and deadline.status == "open":
                self.trigger_event(DeadlineExpired, deadline_id=deadline.deadline_id, **act.attribution())
        self.trigger_event(
            TaskAssigned,
            task_id=task_id,
            department=Department.LEGAL,
            title=(
                f"The period to apply for enforcement ends on {ends_on}: apply to the court for enforcement"
                if self.limitation_period == "enforcement"
                else f"Limitation period ends on {ends_on}: send a demand with delivery evidence or file suit"
            ),
            due_at=at_workday_start(ends_on, self.timezone),
            assignee="",
            **act.attribution(),
        )
        return True
