"""The strategy's judgement on a case (issue 20): a service breach when the bank's own work is late, a residue
waived, and the periodic review that moves the debtor's tier by the policy's rules (domain/judgement.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.act import Act
from domain.base import applies
from domain.case.arrears import ArrearsCommands
from domain.case.events import TaskAssigned
from domain.case.judgement_events import ResidueWaived, ServiceBreachRecorded, TierReviewed
from domain.case.lifecycle import LifecycleCommands
from domain.case.strategy import StrategyCommands
from domain.case.values import Deadline, Department, Resolution, Tier
from domain.judgement import JudgementTerms, Standing, TierMove
from domain.money import Money
from domain.rules import check_not_blank

#: the department whose work each bank-work deadline kind is
RESPONSIBLE = {"visit": "collections", "lawyers_letter": "legal", "letter": "collections", "task": "collections"}


class JudgementCommands(LifecycleCommands, StrategyCommands, ArrearsCommands):
    """Service breaches, residues and tier reviews."""

    def record_service_breach(self, deadline: Deadline, *, act: Act, responsible: str = "", summary: str = "") -> None:
        """The bank's own deadline passed unmet: a recorded breach and a task for the supervisor (the tier stays)."""
        who = responsible or RESPONSIBLE.get(deadline.kind, "collections")
        kind = deadline.kind.replace("_", " ")
        self.trigger_event(
            ServiceBreachRecorded,
            deadline_id=deadline.deadline_id,
            kind=deadline.kind,
            responsible=who,
            due_at=deadline.due_at,
            summary=summary or f"the bank's {kind} was not done by {deadline.due_at:%Y-%m-%d}",
            **act.attribution(),
        )
        self.trigger_event(
            TaskAssigned,
            task_id=f"breach-{deadline.deadline_id}",
            department=Department.COLLECTIONS,
            title=f"For the supervisor: service breach, the {deadline.kind.replace('_', ' ')} deadline passed"
            f" ({who}); the debtor's tier is unchanged",
            due_at=act.occurred_at + timedelta(days=1),
            assignee="",
            **act.attribution(),
        )

    def contacted_since(self, since: datetime, attempts: int = 1) -> bool:
        """The bank made ``attempts`` contact attempts (any channel, any outcome) at or after ``since``."""
        return sum(1 for at in self.contact_times if at >= since) >= attempts

    def residue(self, threshold: Money) -> Money | None:
        """What remains, when it is a residue (positive and at most ``threshold``), else None."""
        if self.outstanding.is_positive() and self.outstanding.fen <= threshold.fen:
            return self.outstanding
        return None

    def waive_residue(
        self, threshold: Money, approved_by: str, reason: str, *, act: Act, policy_version: int | None
    ) -> bool:
        """Waive a residue (recorded: the amount, who approved it, why), resolve the case as settled and close it.
        False when what remains is not a residue."""
        self.check_open()
        check_not_blank(approved_by, "approved_by")
        check_not_blank(reason, "reason")
        amount = self.residue(threshold)
        if amount is None:
            return False
        self.trigger_event(
            ResidueWaived,
            amount=amount,
            threshold=threshold,
            approved_by=approved_by,
            reason=reason,
            policy_version=policy_version,
            **act.attribution(),
        )
        self.resolve(Resolution.SETTLED, f"residue of {amount} waived: {reason}", act=act)
        self.close(f"residue of {amount} waived", act=act)
        return True

    def agreement_cured(self, today: date, cure_window_days: int) -> bool:
        """The active agreement's (else the last completed one's) instalments due by ``today`` are all paid and none
        was missed, and the first fell due at least ``cure_window_days`` ago (and after the tier last changed)."""
        running = [a for a in self.agreements.values() if a.status in ("active", "completed")]
        active = [a for a in running if a.status == "active"]
        agreement = active[0] if active else (running[-1] if running else None)
        if agreement is None or agreement.missed or not agreement.schedule:
            return False
        first = agreement.schedule[0].due_on
        start = max(first, self.tier_changed_on or first)
        if today < start + timedelta(days=cure_window_days):
            return False
        fallen = [n for n, i in enumerate(agreement.schedule, start=1) if i.due_on <= today]
        return all(not agreement.unpaid(n).is_positive() for n in fallen)

    def promises_since_change(self) -> tuple[bool, ...]:
        """The promises judged (kept or broken) and due since the tier last changed, newest first."""
        since = self.tier_changed_on or date.min
        judged = [p for p in self.promises.values() if p.status in ("kept", "broken") and p.due_on >= since]
        return tuple(p.status == "kept" for p in sorted(judged, key=lambda p: p.due_on, reverse=True))

    def standing(
        self, today: date, assessed: Tier, score: int, terms: JudgementTerms, *, periodic: bool = True
    ) -> Standing:
        """What the tier rules read of the case as of ``today``."""
        now = self.position_as_of(today)
        return Standing(
            today=today,
            tier=self.tier or assessed,
            assessed=assessed,
            score=score,
            days_past_due=now.days_past_due,
            overdue_fen=now.overdue_fen,
            agreement_in_good_standing=self.agreement_in_good_standing(),
            agreement_cured=self.agreement_cured(today, terms.cure_window_days),
            promises_since_change=self.promises_since_change(),
            lower_reviews=self.lower_reviews,
            periodic=periodic,
            in_proceedings=bool(self.pending_proceedings()),
        )

    def record_review(
        self, standing: Standing, move: TierMove | None, lower_reviews: int, *, act: Act, trigger: str
    ) -> None:
        """Record what a review saw and decided (before the move's own ``Escalated`` or ``Deescalated``)."""
        self.trigger_event(
            TierReviewed,
            assessed_tier=standing.assessed,
            score=standing.score,
            tier=move.to_tier if move else standing.tier,
            rule=move.rule if move else "",
            reason=move.reason if move else "",
            days_past_due=standing.days_past_due,
            lower_reviews=lower_reviews,
            trigger=trigger,
            **act.attribution(),
        )

    @applies
    def _(self, event: ServiceBreachRecorded) -> None:
        """The task recorded with it goes to the supervisor's queue."""

    @applies
    def _(self, event: ResidueWaived) -> None:
        """The resolution and closing recorded with it change the state."""

    @applies
    def _(self, event: TierReviewed) -> None:
        self.lower_reviews = event.lower_reviews
