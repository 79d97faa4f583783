"""Assessment, strategy, escalation and deadlines of a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.act import Act
from domain.case.events import (
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    Escalated,
    RiskAssessed,
    StrategyAssigned,
)
from domain.case.state import CaseEvolution
from domain.case.values import Channel, Reason, Tier
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, NotFoundError
from domain.rules import check_aware, check_not_blank


class StrategyCommands(CaseEvolution):
    """Rating the case, putting it under a treatment, escalating it, and its deadlines."""

    def record_assessment(
        self,
        *,
        model_version: str,
        score: int,
        tier: Tier,
        reasons: list[Reason],
        features: dict[str, Any],
        act: Act,
        policy_version: int | None = None,
    ) -> None:
        """Record a risk assessment exactly as the model produced it (and which policy's thresholds tiered it)."""
        self.check_open()
        check_not_blank(model_version, "model_version")
        self.trigger_event(
            RiskAssessed,
            model_version=model_version,
            score=score,
            tier=tier,
            reasons=reasons,
            features=features,
            policy_version=policy_version,
            **act.attribution(),
        )

    def assign_strategy(
        self,
        *,
        policy_version: int,
        tier: Tier,
        treatment: str,
        channels: list[Channel],
        act: Act,
    ) -> None:
        """Put the case under a policy's treatment for its tier."""
        self.check_open()
        if policy_version < 1:
            raise InvariantError("policy_version starts at 1")
        if not channels:
            raise InvariantError("a strategy names at least one channel")
        self.trigger_event(
            StrategyAssigned,
            policy_version=policy_version,
            tier=tier,
            treatment=treatment,
            channels=channels,
            **act.attribution(),
        )

    def escalate(
        self,
        to_tier: Tier,
        reason: str,
        *,
        act: Act,
        deadline_id: str | None = None,
    ) -> None:
        """Move the case to a firmer tier; with a deadline id, the deadline fires exactly once."""
        self.check_open()
        check_not_blank(reason, "reason")
        if self.tier is not None and to_tier.rank <= self.tier.rank:
            raise IllegalTransitionError(f"cannot escalate from {self.tier} to {to_tier}")
        if deadline_id is not None:
            self.check_deadline_open(deadline_id)
            self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())
        self.trigger_event(
            Escalated,
            from_tier=self.tier,
            to_tier=to_tier,
            reason=reason,
            deadline_id=deadline_id,
            **act.attribution(),
        )

    def set_deadline(
        self,
        *,
        deadline_id: str,
        kind: str,
        due_at: datetime,
        action: str,
        act: Act,
    ) -> None:
        """Set a deadline and the action to take when it passes."""
        self.check_open()
        check_not_blank(deadline_id, "deadline_id")
        check_not_blank(kind, "kind")
        check_not_blank(action, "action")
        check_aware(due_at, "due_at")
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
            **act.attribution(),
        )

    def meet_deadline(self, deadline_id: str, *, act: Act) -> None:
        """Record that a deadline was met."""
        self.check_deadline_open(deadline_id)
        self.trigger_event(DeadlineMet, deadline_id=deadline_id, **act.attribution())

    def cancel_deadline(self, deadline_id: str, reason: str, *, act: Act) -> None:
        """Withdraw a deadline."""
        self.check_deadline_open(deadline_id)
        self.trigger_event(DeadlineCancelled, deadline_id=deadline_id, reason=reason, **act.attribution())

    def expire_deadline(self, deadline_id: str, *, act: Act) -> None:
        """Record that a deadline passed unmet (fires once; a second call is a duplicate)."""
        self.check_deadline_open(deadline_id)
        self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())

    def check_deadline_open(self, deadline_id: str) -> None:
        """The deadline exists and has neither been met, cancelled nor fired."""
        deadline = self.deadlines.get(deadline_id)
        if deadline is None:
            raise NotFoundError(f"no deadline {deadline_id!r} on this case")
        if deadline.status != "open":
            raise DuplicateError(f"deadline {deadline_id!r} is already {deadline.status}")
