"""Assessment, strategy, escalation and deadlines of a case."""

from __future__ import annotations

from typing import Any

from domain.act import Act
from domain.base import Role
from domain.case.deadlines import DeadlineCommands
from domain.case.events import DeadlineExpired, Deescalated, Escalated, RiskAssessed, StrategyAssigned
from domain.case.values import Channel, Reason, Tier
from domain.errors import IllegalTransitionError, InvariantError, PermissionDeniedError
from domain.rules import check_not_blank

#: roles that may lower a case's tier
DEESCALATORS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


class StrategyCommands(DeadlineCommands):
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
        if self.escalated_to is not None and self.tier is not None and tier.rank < self.tier.rank:
            raise IllegalTransitionError(f"the case was escalated to {self.tier}; lower it with a de-escalation")
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
        rule: str = "manual",
    ) -> bool:
        """Move the case to a firmer tier by a policy ``rule`` and cancel the old tier's open deadlines; with a
        deadline id, the deadline fires exactly once (a case already at or above the tier just records the
        firing). False when the case was not moved."""
        self.check_open()
        check_not_blank(reason, "reason")
        if deadline_id is not None:
            self.check_deadline_due(deadline_id, act)
            self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())
            if self.tier is not None and to_tier.rank <= self.tier.rank:
                return False
        elif self.tier is not None and to_tier.rank <= self.tier.rank:
            raise IllegalTransitionError(f"cannot escalate from {self.tier} to {to_tier}")
        self.cancel_open_deadlines(
            f"escalated to {to_tier}: {reason}", act=act, which=lambda d: d.deadline_id.startswith("strategy-")
        )
        self.trigger_event(
            Escalated,
            from_tier=self.tier,
            to_tier=to_tier,
            reason=reason,
            deadline_id=deadline_id,
            rule=rule,
            **act.attribution(),
        )
        return True

    def deescalate(self, to_tier: Tier, reason: str, *, act: Act, rule: str = "supervisor") -> None:
        """Lower the tier by a policy ``rule`` (the system, when the debtor performs) or by a supervisor with a
        reason, once the arrears are cleared or while an agreement is in good standing."""
        self.check_open()
        check_not_blank(reason, "reason")
        if act.actor.role not in DEESCALATORS:
            raise PermissionDeniedError(f"a {act.actor.role} cannot lower a case's tier")
        if self.tier is None or to_tier.rank >= self.tier.rank:
            raise IllegalTransitionError(f"cannot de-escalate from {self.tier} to {to_tier}")
        manual = rule == "supervisor"  # a rule's own conditions (domain/judgement.py) already judged the debtor
        if manual and self.overdue_amount.is_positive() and not self.agreement_in_good_standing():
            raise IllegalTransitionError(
                f"{self.overdue_amount} is still overdue and no agreement is in good standing; clear the arrears"
                " or sign an agreement first"
            )
        self.cancel_open_deadlines(
            f"de-escalated to {to_tier}: {reason}", act=act, which=lambda d: d.deadline_id.startswith("strategy-")
        )
        self.trigger_event(
            Deescalated, from_tier=self.tier, to_tier=to_tier, reason=reason, rule=rule, **act.attribution()
        )

    def agreement_in_good_standing(self) -> bool:
        """An agreement is active and none of its instalments is recorded missed."""
        return any(a.status == "active" and not a.missed for a in self.agreements.values())
