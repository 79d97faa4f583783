"""Scorecard v2 (issue 13): delinquency weighted as a credit officer weighs it, periods annualised and
totally ordered, stale financials flagged, loan history by status, registration facts.

Pure and versioned like v1 (``domain/risk.py``, which stays as it was so old ``RiskAssessed`` events
reproduce under it): ``score_v2(features, thresholds, terms)`` reproduces any v2 assessment from the
features it recorded. The weights that matter live in the policy (``PolicyTerms.scorecard``).

Collateral and guarantors are not scored: the bank's records here hold no collateral values and no
guarantor parties with a guaranteed amount, so a coverage ratio cannot be computed. They are left
out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import Field

from domain.base import ValueObject
from domain.case.values import Reason
from domain.enterprise.values import (
    FinancialStatement,
    LoanRecord,
    LoanStatus,
    period_end,
    period_span_months,
)
from domain.money import Money
from domain.risk import FACTORS as V1_FACTORS
from domain.risk import (
    NO_STATEMENTS_POINTS,
    Factor,
    RiskAssessment,
    RiskFeatures,
    RiskThresholds,
    extract_features,
    pct,
    ratio_bp,
)

MODEL_VERSION_V2 = "scorecard-2"


class ScorecardTerms(ValueObject):
    """The v2 scorecard's weights and limits; part of the strategy policy."""

    #: more than this many days past due is the loss category: the tier is never below high
    loss_days_past_due: int = Field(default=360, ge=1)
    #: more than this many days past due is non-performing: the tier is never below medium
    non_performing_days_past_due: int = Field(default=90, ge=1)
    #: the latest statement is stale when its period ended more than this many months before the assessment
    stale_after_months: int = Field(default=18, ge=1)
    #: points for having only stale financials
    stale_points: int = Field(default=10, ge=0, le=100)
    #: stale statements' factors count at this percentage of their points
    stale_weight_pct: int = Field(default=50, ge=0, le=100)
    #: points for any past loan written off
    written_off_points: int = Field(default=25, ge=0, le=100)
    #: points for any past loan restructured
    restructured_points: int = Field(default=12, ge=0, le=100)
    #: points for another loan overdue now
    other_overdue_points: int = Field(default=10, ge=0, le=100)
    #: a firm younger than this many years scores YOUNG_FIRM
    young_firm_years: int = Field(default=3, ge=0)
    young_firm_points: int = Field(default=5, ge=0, le=100)
    #: registered capital below this share of the exposure (bp) scores THIN_CAPITAL
    thin_capital_bp: int = Field(default=5000, ge=0)
    thin_capital_points: int = Field(default=3, ge=0, le=100)


class RiskFeaturesV2(RiskFeatures):
    """v1's features (flows annualised) and what v2 adds."""

    period_span_months: int | None = None
    statement_age_months: int | None = None
    stale_financials: bool = False
    exposure_fen: int = Field(default=0, ge=0)
    overdue_to_exposure_bp: int | None = None
    written_off_loans: int = Field(default=0, ge=0)
    restructured_loans: int = Field(default=0, ge=0)
    other_overdue_loans: int = Field(default=0, ge=0)
    years_in_business: int | None = None
    capital_to_exposure_bp: int | None = None


def annualised(statement: FinancialStatement) -> FinancialStatement:
    """A statement with its flows (revenue, profits, interest, cash flow) scaled to a year; stocks as they are."""
    factor = 12 // period_span_months(statement.period)
    if factor == 1:
        return statement
    flows = ("revenue", "operating_profit", "net_profit", "interest_expense", "operating_cash_flow")
    return statement.model_copy(update={name: _times(getattr(statement, name), factor) for name in flows})


def _times(amount: Money, factor: int) -> Money:
    return Money.of(amount.fen * factor, amount.currency)


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (0 when later is not after earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month - (1 if later.day < earlier.day else 0)
    return max(0, months)


def extract_features_v2(
    statements: list[FinancialStatement],
    loans: list[LoanRecord],
    *,
    industry: str,
    overdue_since: date,
    overdue_fen: int,
    exposure_fen: int,
    established_on: date | None,
    registered_capital_fen: int,
    as_of: date,
    terms: ScorecardTerms,
) -> RiskFeaturesV2:
    """v2's features from statements oldest first (in ``period_sort_key`` order) and the loan history."""
    yearly = [annualised(s) for s in statements]
    base = extract_features(
        yearly, loans, industry=industry, overdue_since=overdue_since, overdue_fen=overdue_fen, as_of=as_of
    )
    extra: dict[str, object] = {
        "exposure_fen": exposure_fen,
        "overdue_to_exposure_bp": ratio_bp(overdue_fen, exposure_fen) if exposure_fen > 0 else None,
        "written_off_loans": sum(1 for loan in loans if loan.status is LoanStatus.WRITTEN_OFF),
        "restructured_loans": sum(1 for loan in loans if loan.status is LoanStatus.RESTRUCTURED),
        "other_overdue_loans": sum(1 for loan in loans if loan.status is LoanStatus.OVERDUE),
        "years_in_business": months_between(established_on, as_of) // 12 if established_on else None,
        "capital_to_exposure_bp": ratio_bp(registered_capital_fen, exposure_fen)
        if exposure_fen > 0 and registered_capital_fen > 0
        else None,
    }
    if statements:
        latest = statements[-1].period
        age = months_between(period_end(latest), as_of)
        extra |= {
            "period_span_months": period_span_months(latest),
            "statement_age_months": age,
            "stale_financials": age > terms.stale_after_months,
        }
    return RiskFeaturesV2(**(base.model_dump() | extra))


# --- v2's factors: monotone in their features, like v1's ------------------------------------------

#: v1's factors read from the statements; v2 down-weights them when the statements are stale
_FINANCIAL = V1_FACTORS[:7]


def _current_dpd(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor:
    days = f.days_past_due
    points = (
        40
        if days > terms.loss_days_past_due
        else 25
        if days > 180
        else 12
        if days > terms.non_performing_days_past_due
        else 8
        if days > 60
        else 4
        if days > 30
        else 0
    )
    return Factor("DAYS_PAST_DUE", points, f"{days} days past due now")


def _overdue_to_revenue(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    bp = f.overdue_to_revenue_bp
    if bp is None:
        return None
    points = 20 if bp >= 2000 else 12 if bp >= 1000 else 6 if bp >= 500 else 2 if bp >= 200 else 0
    return Factor("OVERDUE_VS_REVENUE", points, f"overdue amount is {pct(bp)} of a year's revenue")


def _overdue_to_exposure(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    bp = f.overdue_to_exposure_bp
    if bp is None:
        return None
    points = 10 if bp >= 5000 else 5 if bp >= 2500 else 0
    return Factor("OVERDUE_VS_EXPOSURE", points, f"{pct(bp)} of the outstanding loan is overdue")


def _history(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    if f.written_off_loans:
        return Factor(
            "WRITTEN_OFF_HISTORY", terms.written_off_points, f"{f.written_off_loans} past loan(s) written off"
        )
    return None


def _restructured(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    if f.restructured_loans:
        n = f.restructured_loans
        return Factor("RESTRUCTURED_HISTORY", terms.restructured_points, f"{n} past loan(s) restructured")
    return None


def _other_overdue(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    if f.other_overdue_loans:
        n = f.other_overdue_loans
        return Factor("OTHER_LOANS_OVERDUE", terms.other_overdue_points, f"{n} other loan(s) overdue now")
    return None


def _past_overdues(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor:
    clean = (
        f.past_overdue_episodes == 0
        and f.written_off_loans == 0
        and f.restructured_loans == 0
        and f.other_overdue_loans == 0
    )
    if clean:
        return Factor("CLEAN_HISTORY", 0, "no overdue episodes, write-offs or restructurings on past loans")
    n = f.past_overdue_episodes
    points = 10 if n >= 3 else 7 if n == 2 else 3 if n == 1 else 0
    return Factor("PAST_OVERDUES", points, f"{n} overdue episode{'s' if n != 1 else ''} on past loans")


def _young_firm(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    years = f.years_in_business
    if years is None or years >= terms.young_firm_years:
        return None
    return Factor("YOUNG_FIRM", terms.young_firm_points, f"in business {years} year(s)")


def _thin_capital(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    bp = f.capital_to_exposure_bp
    if bp is None or bp >= terms.thin_capital_bp:
        return None
    return Factor("THIN_CAPITAL", terms.thin_capital_points, f"registered capital is {pct(bp)} of the exposure")


def _past_max_dpd(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    return V1_FACTORS[8](f)


def _seasonality(f: RiskFeaturesV2, terms: ScorecardTerms) -> Factor | None:
    return V1_FACTORS[11](f)


FACTORS_V2: list[Callable[[RiskFeaturesV2, ScorecardTerms], Factor | None]] = [
    _past_overdues,
    _past_max_dpd,
    _history,
    _restructured,
    _other_overdue,
    _current_dpd,
    _overdue_to_revenue,
    _overdue_to_exposure,
    _young_firm,
    _thin_capital,
    _seasonality,
]


def _financial_factors(f: RiskFeaturesV2, terms: ScorecardTerms) -> list[Factor]:
    factors = [factor for rule in _FINANCIAL if (factor := rule(f)) is not None]
    if f.debt_to_asset_bp is None:
        return [Factor("NO_STATEMENTS", NO_STATEMENTS_POINTS, "no financial statements on file")]
    if not f.stale_financials:
        return factors
    weighted = [
        Factor(x.code, x.points * terms.stale_weight_pct // 100, f"{x.message} (stale, {terms.stale_weight_pct}%)")
        for x in factors
    ]
    stale = Factor(
        "STALE_FINANCIALS",
        terms.stale_points,
        f"latest statement ({f.period}) ended {f.statement_age_months} months ago",
    )
    return [*weighted, stale]


def score_v2(features: RiskFeaturesV2, thresholds: RiskThresholds, terms: ScorecardTerms) -> RiskAssessment:
    """Score v2 features: every factor's points, capped at 100, raised to the delinquency floor."""
    factors = _financial_factors(features, terms)
    factors += [factor for rule in FACTORS_V2 if (factor := rule(features, terms)) is not None]
    total = min(100, sum(f.points for f in factors))
    days = features.days_past_due
    if days > terms.loss_days_past_due and total < thresholds.high_from:
        floor = thresholds.high_from - total
        factors.append(Factor("LOSS_CATEGORY", floor, f"more than {terms.loss_days_past_due} days past due: loss"))
        total = thresholds.high_from
    elif days > terms.non_performing_days_past_due and total < thresholds.medium_from:
        floor = thresholds.medium_from - total
        message = f"more than {terms.non_performing_days_past_due} days past due: non-performing"
        factors.append(Factor("NON_PERFORMING", floor, message))
        total = thresholds.medium_from
    ordered = sorted(factors, key=lambda f: -f.points)
    reasons = [
        Reason(code=f.code, message=f"{f.message} (+{f.points})" if f.points else f.message)
        for f in ordered
        if f.points > 0 or f.code == "CLEAN_HISTORY"
    ]
    tier = thresholds.tier(total)
    return RiskAssessment(MODEL_VERSION_V2, total, tier, reasons, features, ordered)
