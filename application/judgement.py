"""The strategy's judgement as the handlers apply it (issue 20): review the debtor's tier by the policy's rules,
schedule the next review, count a payment or promise only when it is meaningful, waive a residue, and turn the
bank's own missed work into a service breach instead of a tier change."""

from __future__ import annotations

from datetime import date, timedelta

from application.policies import CurrentPolicy
from domain.act import Act
from domain.base import Actor
from domain.case import CollectionCase
from domain.case.values import CaseStatus, Tier
from domain.judgement import BANK_WORK, decide, gentler_streak, meaningful, next_band_day, rule_of_deadline
from domain.legal_clock import at_workday_start
from domain.money import Money
from domain.rules import local_date
from domain.strategy import PolicyTerms, apply_treatment, escalate_case, judges_debtor

#: who applies the policy's rules (a de-escalation by rule is the system's act)
STRATEGY = Actor.system("strategy")


def by_rule(act: Act) -> Act:
    """The same moment, acted by the strategy's rules."""
    return Act(actor=STRATEGY, occurred_at=act.occurred_at, recorded_at=act.recorded_at)


def today_of(case: CollectionCase, act: Act) -> date:
    """The case's business day of the act."""
    return local_date(act.occurred_at, case.timezone)


def judge_tier(
    case: CollectionCase,
    policy: CurrentPolicy,
    assessed: Tier,
    score: int,
    segment: tuple[str, str],
    *,
    act: Act,
    trigger: str,
) -> str:
    """Review the tier by the policy's rules: ``TierReviewed`` names what was seen and decided, then the move's
    ``Escalated`` or ``Deescalated`` (with its rule) and the new tier's treatment. Answers the rule ("": stayed)."""
    terms = policy.terms
    standing = case.standing(today_of(case, act), assessed, score, terms.judgement, periodic=trigger == "periodic")
    move = decide(standing, terms.judgement, terms.risk)
    streak = gentler_streak(standing, terms.judgement, terms.risk) if move is None else 0
    case.record_review(standing, move, streak, act=act, trigger=trigger)
    if move is None:
        return ""
    if move.to_tier.rank > standing.tier.rank:
        escalate_case(case, move.to_tier, move.reason, policy.version, terms, act=act, segment=segment, rule=move.rule)
    else:
        system = by_rule(act)
        case.deescalate(move.to_tier, move.reason, act=system, rule=move.rule)
        channels = terms.channels_for(move.to_tier, *segment)
        treatment = terms.treatment_for(move.to_tier)
        apply_treatment(case, policy.version, treatment, act=system, force=True, channels=channels)
    return move.rule


def schedule_review(case: CollectionCase, policy: CurrentPolicy, *, act: Act) -> None:
    """Set the next review: the policy's period from now, or the day days past due reach the next band if sooner."""
    if case.status is not CaseStatus.OPEN:
        return
    terms = policy.terms.judgement
    due_at = act.occurred_at + timedelta(days=terms.review_every_days)
    now = case.position_as_of(today_of(case, act))
    band_day = next_band_day(case.overdue_since, now.days_past_due, terms.dpd_bands)
    if band_day is not None and now.overdue_fen > 0:
        crossing = at_workday_start(band_day, case.timezone)
        if act.occurred_at < crossing < due_at:
            due_at = crossing
    case.set_deadline(
        deadline_id=f"review-{case.version + 1}",
        kind="strategy_review",
        due_at=due_at,
        action="review_strategy",
        met_by=["manual"],
        act=act,
    )


def response_window(terms: PolicyTerms, kind: str) -> timedelta | None:
    """How long a tier's window for the debtor's response of this kind is (None: not a response window)."""
    if rule_of_deadline(kind) not in ("no-response", "no-agreement"):
        return None
    days = next((d.due_in_days for t in terms.treatments for d in t.deadlines if d.kind == kind), None)
    return timedelta(days=days) if days is not None else None


def rearm_response_window(case: CollectionCase, policy: CurrentPolicy, *, act: Act) -> None:
    """Open the tier's response windows again where none is open (a rolling window: a debtor that answered one
    must answer the next), unless nothing is overdue, an agreement is in good standing, or proceedings pend."""
    if case.status is not CaseStatus.OPEN or case.tier is None or not case.overdue_amount.is_positive():
        return
    if case.agreement_in_good_standing():
        return
    for rule in policy.terms.treatment_for(case.tier).deadlines:
        if not judges_debtor(rule.action) or (rule.action == "legal_action" and case.pending_proceedings()):
            continue
        if any(d.status == "open" and d.kind == rule.kind for d in case.deadlines.values()):
            continue
        case.set_deadline(
            deadline_id=f"strategy-{case.version + 1}-{rule.kind}",
            kind=rule.kind,
            due_at=act.occurred_at + timedelta(days=rule.due_in_days),
            action=rule.action,
            act=act,
        )


def waive_if_residue(case: CollectionCase, policy: CurrentPolicy, *, act: Act) -> bool:
    """What remains at or below the policy's residue threshold is waived under the policy's standing approval and
    the case closes (never escalated or sued for it). True when waived."""
    if case.status is not CaseStatus.OPEN:
        return False
    threshold = policy.terms.judgement.residue_threshold
    if case.residue(Money.of(threshold.fen, case.currency)) is None:
        return False
    return case.waive_residue(
        Money.of(threshold.fen, case.currency),
        approved_by=f"policy v{policy.version} residue rule (standing approval of its publisher)",
        reason=f"what remains is at most the policy's residue threshold of {threshold}",
        act=by_rule(act),
        policy_version=policy.version,
    )


def instalment_due(case: CollectionCase) -> Money:
    """What the active agreement's oldest unpaid instalment still asks (zero without one)."""
    agreement = case.active_agreement()
    if agreement is None:
        return Money.zero(case.currency)
    for number in range(1, len(agreement.schedule) + 1):
        unpaid = agreement.unpaid(number)
        if unpaid.is_positive():
            return unpaid
    return Money.zero(case.currency)


def counts_as_response(case: CollectionCase, amount: Money, overdue: Money, due: Money, policy: CurrentPolicy) -> bool:
    """A payment or promise of ``amount`` is a response the policy counts (not a token)."""
    return meaningful(amount.fen, overdue.fen, due.fen, policy.terms.judgement)


def is_service_breach(kind: str, action: str) -> bool:
    """A passed deadline that is the bank's own work: a breach, never the debtor's tier."""
    if action.startswith("breach:"):
        return True
    return kind in BANK_WORK and (action.startswith("notify:") or judges_debtor(action))


def suspend_for_agreement(case: CollectionCase, agreement_id: str, *, act: Act) -> None:
    """A signed agreement in good standing suspends the tier's escalation deadlines and legal preparation."""
    reason = f"suspended: agreement {agreement_id} is in good standing"
    case.cancel_open_deadlines(
        reason, act=act, which=lambda d: d.deadline_id.startswith("strategy-") and judges_debtor(d.action)
    )
    for task in list(case.tasks.values()):
        preparing = task.department.value == "legal" and "litigation" in task.title.lower()
        if task.status == "open" and task.task_id.startswith("strategy-") and preparing:
            case.complete_task(task.task_id, reason, act=act)
