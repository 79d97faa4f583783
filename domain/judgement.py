"""Whom escalation judges (issue 20): the policy's rules that move a debtor's tier, up on its behaviour and
condition, down when it performs, and which deadlines are the bank's own work (a service breach, never a tier).

Every tier change names one of ``RULES``; the thresholds are policy terms (``JudgementTerms``), never literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import Field

from domain.base import ValueObject
from domain.case.values import Tier
from domain.money import Money
from domain.risk import RiskThresholds

#: the rules a tier moves by (docs/strategy.md): id → what it says
RULES: dict[str, str] = {
    "assessment": "first assessment: the risk model's tier",
    "no-response": "no meaningful payment or promise within the tier's contact window",
    "no-agreement": "no repayment agreement within the tier's negotiation window",
    "promises-broken": "the policy's number of promises broken",
    "agreement-defaulted": "the repayment agreement defaulted (instalments missed past grace)",
    "severe-signal": "a severe outside signal went unanswered",
    "dpd-band": "days past due crossed the policy's band for a firmer tier",
    "reassessment": "a re-assessment rated the debtor firmer or gentler (past the hysteresis)",
    "cured": "the arrears were cleared",
    "agreement-performing": "the agreement's instalments were paid on time through the cure window",
    "promises-kept": "the policy's number of promises kept in a row",
    "manual": "a supervisor escalated the case",
    "supervisor": "a supervisor de-escalated the case",
}

#: deadline kinds that are the bank's own work: passing unmet is a service breach, never a tier change
BANK_WORK = frozenset({"visit", "lawyers_letter", "reminder", "letter", "task", "recontact"})

#: the rule a fired deadline of a debtor's kind escalates by
RULE_OF_DEADLINE = {
    "payment_or_promise": "no-response",
    "agreement": "no-agreement",
    "agreement_or_payment": "no-agreement",
    "signal_review": "severe-signal",
}


def rule_of_deadline(kind: str) -> str:
    """The rule a passed deadline of this kind escalates by."""
    return RULE_OF_DEADLINE.get(kind, f"deadline:{kind}")


class DpdBand(ValueObject):
    """From ``from_days`` past due, a debtor without an agreement in good standing is at least ``tier``."""

    from_days: int = Field(ge=1)
    tier: Tier


def default_bands() -> list[DpdBand]:
    """Over 90 days past due (substandard by the 2023 rules) at least medium; over 180 high."""
    return [DpdBand(from_days=91, tier=Tier.MEDIUM), DpdBand(from_days=181, tier=Tier.HIGH)]


class JudgementTerms(ValueObject):
    """The policy's thresholds for moving a tier, for a meaningful payment and for a residue."""

    #: a payment (or promise) is meaningful when it is at least this percent of what is overdue, or clears
    #: the agreement instalment due; a smaller one meets no deadline
    meaningful_percent: int = Field(default=10, ge=1, le=100)
    #: contact attempts the bank must have made in a response window before no response is the debtor's (fewer:
    #: the bank's service breach)
    contact_attempts: int = Field(default=3, ge=1)
    #: promises broken that escalate one tier
    broken_promises_to_escalate: int = Field(default=2, ge=1)
    #: promises kept in a row (the newest judged) that lower one tier
    kept_promises_to_deescalate: int = Field(default=2, ge=1)
    dpd_bands: list[DpdBand] = Field(default_factory=default_bands)
    #: days between periodic re-assessments
    review_every_days: int = Field(default=30, ge=1)
    #: days of agreement instalments paid on time (from the first due) before the tier is lowered one step
    cure_window_days: int = Field(default=90, ge=1)
    #: a re-assessment moves a tier only when the score is this many points past the tier's threshold...
    hysteresis_points: int = Field(default=5, ge=0)
    #: ...and, to lower it, this many reviews in a row rated it gentler
    hysteresis_reviews: int = Field(default=2, ge=1)
    #: what remains at or below this is waived (recorded, with who approved it) and the case closes
    residue_threshold: Money = Money.parse("100.00")


@dataclass(frozen=True)
class Standing:
    """What a review reads of a case (all as of ``today``)."""

    today: date
    tier: Tier
    assessed: Tier
    score: int
    days_past_due: int
    overdue_fen: int
    #: an active agreement with nothing missed
    agreement_in_good_standing: bool
    #: the agreement's instalments due by today are all paid, none missed, and the first fell due this long ago
    agreement_cured: bool
    #: the newest judged promises, newest first: True kept, False broken (those judged since the tier changed)
    promises_since_change: tuple[bool, ...]
    #: previous periodic reviews in a row (since the tier changed) that rated the debtor gentler
    lower_reviews: int
    #: a periodic review (only those count towards the hysteresis; one on an event neither counts nor breaks it)
    periodic: bool = True
    #: legal proceedings are pending (the tier is not lowered by a re-assessment meanwhile)
    in_proceedings: bool = False


@dataclass(frozen=True)
class TierMove:
    """A decided tier change: where to, by which rule, and why (in words)."""

    to_tier: Tier
    rule: str
    reason: str


def band_floor(days_past_due: int, bands: list[DpdBand]) -> Tier:
    """The firmest tier whose band the days past due reach (low below every band)."""
    floor = Tier.LOW
    for band in bands:
        if days_past_due >= band.from_days and band.tier.rank > floor.rank:
            floor = band.tier
    return floor


def next_band_day(overdue_since: date, days_past_due: int, bands: list[DpdBand]) -> date | None:
    """The day the days past due reach the next band (None past the last)."""
    ahead = sorted(b.from_days for b in bands if b.from_days > days_past_due)
    if not ahead:
        return None
    return overdue_since + timedelta(days=ahead[0])


def threshold(tier: Tier, risk: RiskThresholds) -> int:
    """The score a tier begins at."""
    return {Tier.LOW: 0, Tier.MEDIUM: risk.medium_from, Tier.HIGH: risk.high_from}[tier]


def one_down(tier: Tier) -> Tier:
    """The gentler tier below (low stays low)."""
    return list(Tier)[max(tier.rank - 1, 0)]


def rates_lower(standing: Standing, terms: JudgementTerms, risk: RiskThresholds) -> bool:
    """The re-assessment rated the debtor gentler than its tier, past the hysteresis margin."""
    return (
        standing.assessed.rank < standing.tier.rank
        and standing.score < threshold(standing.tier, risk) - terms.hysteresis_points
    )


def gentler_streak(standing: Standing, terms: JudgementTerms, risk: RiskThresholds) -> int:
    """Periodic reviews in a row, this one included, that rated the debtor gentler than its tier (0 once one did
    not, or once a promise was broken since the tier changed, or while proceedings are pending)."""
    if standing.in_proceedings or False in standing.promises_since_change or not rates_lower(standing, terms, risk):
        return 0
    return standing.lower_reviews + 1 if standing.periodic else standing.lower_reviews


def decide(standing: Standing, terms: JudgementTerms, risk: RiskThresholds) -> TierMove | None:
    """The tier change the debtor's behaviour and condition call for, by the first rule that applies (None: stay).

    Up: days past due over a band, or a re-assessment past the hysteresis margin, never while an agreement is in
    good standing or nothing is overdue. Down: arrears cleared; the agreement performing through the cure window;
    promises kept in a row; a re-assessment rating it gentler on ``hysteresis_reviews`` reviews in a row. Never
    below the band floor.
    """
    tier = standing.tier
    floor = band_floor(standing.days_past_due, terms.dpd_bands)
    if not standing.agreement_in_good_standing and standing.overdue_fen > 0:  # nothing overdue: nothing to chase
        if floor.rank > tier.rank:
            return TierMove(floor, "dpd-band", f"{standing.days_past_due} days past due: at least {floor}")
        up = standing.assessed.rank > tier.rank
        if up and standing.score >= threshold(standing.assessed, risk) + terms.hysteresis_points:
            reason = f"re-assessed {standing.assessed} (score {standing.score})"
            return TierMove(standing.assessed, "reassessment", reason)
    if tier is Tier.LOW:
        return None
    lower = one_down(tier)
    if not standing.agreement_in_good_standing:  # never below the band floor, unless the agreement performs
        lower = max(lower, floor, key=lambda t: t.rank)
    if lower.rank >= tier.rank:
        return None
    if standing.overdue_fen == 0 and not standing.agreement_in_good_standing:
        return TierMove(lower, "cured", "nothing is overdue: the arrears were cleared")
    if standing.agreement_cured:
        return TierMove(lower, "agreement-performing", f"instalments paid on time for {terms.cure_window_days} days")
    kept = standing.promises_since_change[: terms.kept_promises_to_deescalate]
    if len(kept) == terms.kept_promises_to_deescalate and all(kept):
        return TierMove(lower, "promises-kept", f"the last {len(kept)} promises were kept")
    if gentler_streak(standing, terms, risk) >= terms.hysteresis_reviews:
        reviews = gentler_streak(standing, terms, risk)
        return TierMove(lower, "reassessment", f"re-assessed {standing.assessed} on {reviews} reviews in a row")
    return None


def meaningful(amount_fen: int, overdue_fen: int, instalment_due_fen: int, terms: JudgementTerms) -> bool:
    """A payment (or promise) the policy counts as a response: at least its share of what is overdue, or the
    whole instalment due; a token amount is not."""
    if instalment_due_fen > 0 and amount_fen >= instalment_due_fen:
        return True
    if overdue_fen <= 0:
        return True
    return amount_fen * 100 >= overdue_fen * terms.meaningful_percent
