"""The explainable risk scorecard (DESIGN.md §3): features → points → score, tier and readable reasons.

Pure and versioned: ``MODEL_VERSION`` names the bands below, and ``RiskAssessed`` keeps the
features exactly as seen, so ``score(features, thresholds)`` reproduces any past assessment.
Ratios are integer basis points (1% = 100 bp); money is integer fen. No floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pydantic import Field

from domain.base import ValueObject
from domain.case.values import Reason, Tier
from domain.enterprise.values import FinancialStatement, LoanRecord

MODEL_VERSION = "scorecard-1"
#: a ratio whose denominator is zero (no assets, no current liabilities) is capped here
RATIO_CAP = 1_000_000
#: industries whose cash flow swings with the seasons
SEASONAL_INDUSTRIES = frozenset({"trading", "catering", "services", "construction", "agriculture", "tourism", "retail"})


class RiskThresholds(ValueObject):
    """Where the score's tiers begin; part of the strategy policy, not of the code."""

    medium_from: int = Field(default=15, ge=1, le=100)
    high_from: int = Field(default=60, ge=1, le=100)

    def tier(self, score: int) -> Tier:
        """The tier a score falls in."""
        if score >= self.high_from:
            return Tier.HIGH
        if score >= self.medium_from:
            return Tier.MEDIUM
        return Tier.LOW


class RiskFeatures(ValueObject):
    """The model's inputs as seen at assessment time (JSON-safe: ints, strings, booleans)."""

    period: str | None = None
    previous_period: str | None = None
    debt_to_asset_bp: int | None = None
    debt_to_asset_change_bp: int | None = None
    net_margin_bp: int | None = None
    profit_drop_bp: int | None = None  # fall of net profit against the previous period, in bp of |previous|
    current_ratio_bp: int | None = None
    cash_flow_to_current_liabilities_bp: int | None = None
    interest_cover_bp: int | None = None  # operating profit / interest expense; None when no interest is paid
    past_overdue_episodes: int = Field(default=0, ge=0)
    past_max_days_past_due: int = Field(default=0, ge=0)
    days_past_due: int = Field(default=0, ge=0)
    overdue_to_revenue_bp: int | None = None
    overdue_fen: int = Field(default=0, ge=0)
    industry: str = ""
    seasonal_industry: bool = False


@dataclass(frozen=True)
class Factor:
    """One scored line of the scorecard."""

    code: str
    points: int
    message: str


@dataclass(frozen=True)
class RiskAssessment:
    """What the model says: score (0-100), tier, reasons with codes, and the features it saw."""

    model_version: str
    score: int
    tier: Tier
    reasons: list[Reason]
    features: RiskFeatures
    factors: list[Factor]


def ratio_bp(numerator: int, denominator: int) -> int:
    """numerator / denominator in basis points, rounded toward zero; capped when the denominator is 0."""
    if denominator == 0:
        return 0 if numerator == 0 else (RATIO_CAP if numerator > 0 else -RATIO_CAP)
    value = abs(numerator) * 10_000 // abs(denominator)
    value = min(value, RATIO_CAP)
    return value if (numerator >= 0) == (denominator > 0) else -value


def pct(bp: int) -> str:
    """Basis points as a readable percentage, e.g. 7850 → "78.5%"."""
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 100)
    return f"{sign}{whole}.{rest // 10}%"


def times(bp: int) -> str:
    """Basis points as a multiple, e.g. 8200 → "0.82x"."""
    sign = "-" if bp < 0 else ""
    whole, rest = divmod(abs(bp), 10_000)
    return f"{sign}{whole}.{rest // 100:02d}x"


def extract_features(
    statements: list[FinancialStatement],
    loans: list[LoanRecord],
    *,
    industry: str,
    overdue_since: date,
    overdue_fen: int,
    as_of: date,
) -> RiskFeatures:
    """The features of an enterprise and its current delinquency, from statements oldest first."""
    days_past_due = max(0, (as_of - overdue_since).days) if overdue_fen > 0 else 0
    history = {
        "past_overdue_episodes": sum(loan.overdue_episodes for loan in loans),
        "past_max_days_past_due": max((loan.max_days_past_due for loan in loans), default=0),
        "days_past_due": days_past_due,
        "overdue_fen": overdue_fen,
        "industry": industry,
        "seasonal_industry": industry.strip().lower() in SEASONAL_INDUSTRIES,
    }
    if not statements:
        return RiskFeatures(**history)
    latest = statements[-1]
    previous = statements[-2] if len(statements) > 1 else None
    leverage = ratio_bp(latest.total_liabilities.fen, latest.total_assets.fen)
    interest = latest.interest_expense.fen
    features = RiskFeatures(
        period=latest.period,
        debt_to_asset_bp=leverage,
        net_margin_bp=ratio_bp(latest.net_profit.fen, latest.revenue.fen),
        current_ratio_bp=ratio_bp(latest.current_assets.fen, latest.current_liabilities.fen),
        cash_flow_to_current_liabilities_bp=ratio_bp(latest.operating_cash_flow.fen, latest.current_liabilities.fen),
        interest_cover_bp=ratio_bp(latest.operating_profit.fen, interest) if interest > 0 else None,
        overdue_to_revenue_bp=ratio_bp(overdue_fen, latest.revenue.fen),
        **history,
    )
    if previous is not None:
        drop = previous.net_profit.fen - latest.net_profit.fen
        features = features.model_copy(
            update={
                "previous_period": previous.period,
                "debt_to_asset_change_bp": leverage
                - ratio_bp(previous.total_liabilities.fen, previous.total_assets.fen),
                "profit_drop_bp": ratio_bp(drop, abs(previous.net_profit.fen)) if drop > 0 else 0,
            }
        )
    return features


# --- the scorecard: each factor is monotone in its feature (worse never scores less) ---------------

NO_STATEMENTS_POINTS = 20


def _leverage(f: RiskFeatures) -> Factor | None:
    bp = f.debt_to_asset_bp
    if bp is None:
        return None
    points = 14 if bp >= 8500 else 10 if bp >= 7500 else 6 if bp >= 6500 else 3 if bp >= 5500 else 0
    return Factor("LEVERAGE_HIGH", points, f"debt-to-asset ratio {pct(bp)}")


def _leverage_change(f: RiskFeatures) -> Factor | None:
    bp = f.debt_to_asset_change_bp
    if bp is None:
        return None
    points = 12 if bp >= 1500 else 8 if bp >= 800 else 4 if bp >= 400 else 0
    direction = "up" if bp >= 0 else "down"
    return Factor(
        "LEVERAGE_RISING",
        points,
        f"debt-to-asset ratio {direction} {pct(abs(bp))[:-1]} points since {f.previous_period}",
    )


def _profitability(f: RiskFeatures) -> Factor | None:
    bp = f.net_margin_bp
    if bp is None:
        return None
    points = 8 if bp < 0 else 4 if bp < 200 else 0
    if bp < 0:
        return Factor("LOSS_MAKING", points, f"loss-making: net margin {pct(bp)}")
    return Factor("THIN_MARGIN", points, f"net margin {pct(bp)}")


def _profit_trend(f: RiskFeatures) -> Factor | None:
    bp = f.profit_drop_bp
    if bp is None:
        return None
    points = 8 if bp >= 10_000 else 6 if bp >= 5000 else 3 if bp >= 2000 else 0
    if bp == 0:
        return Factor("PROFIT_FALLING", 0, f"net profit did not fall since {f.previous_period}")
    if bp > 10_000:
        return Factor("PROFIT_FALLING", points, f"net profit turned into a loss since {f.previous_period}")
    return Factor("PROFIT_FALLING", points, f"net profit down {pct(bp)} since {f.previous_period}")


def _liquidity(f: RiskFeatures) -> Factor | None:
    bp = f.current_ratio_bp
    if bp is None:
        return None
    points = 8 if bp < 9000 else 5 if bp < 11_000 else 2 if bp < 13_000 else 0
    return Factor("LIQUIDITY_LOW", points, f"current ratio {times(bp)}")


def _cash_flow(f: RiskFeatures) -> Factor | None:
    bp = f.cash_flow_to_current_liabilities_bp
    if bp is None:
        return None
    points = 8 if bp < 0 else 4 if bp < 1000 else 2 if bp < 2000 else 0
    if bp < 0:
        return Factor("CASH_FLOW_NEGATIVE", points, "operating cash flow is negative")
    return Factor("CASH_FLOW_WEAK", points, f"operating cash flow covers {pct(bp)} of current liabilities")


def _interest_cover(f: RiskFeatures) -> Factor | None:
    bp = f.interest_cover_bp
    if bp is None:
        return None
    points = 6 if bp < 10_000 else 3 if bp < 20_000 else 1 if bp < 40_000 else 0
    return Factor("INTEREST_COVER_LOW", points, f"operating profit covers interest {times(bp)}")


def _past_overdues(f: RiskFeatures) -> Factor:
    n = f.past_overdue_episodes
    points = 10 if n >= 3 else 7 if n == 2 else 3 if n == 1 else 0
    if n == 0:
        return Factor("CLEAN_HISTORY", 0, "no overdue episodes on past loans")
    return Factor("PAST_OVERDUES", points, f"{n} overdue episode{'s' if n != 1 else ''} on past loans")


def _past_max_dpd(f: RiskFeatures) -> Factor | None:
    days = f.past_max_days_past_due
    if days == 0:
        return None
    points = 8 if days > 90 else 6 if days > 60 else 3 if days > 30 else 1
    return Factor("PAST_MAX_DPD", points, f"past loans up to {days} days past due")


def _current_dpd(f: RiskFeatures) -> Factor:
    days = f.days_past_due
    points = 12 if days > 180 else 9 if days > 90 else 6 if days > 60 else 4 if days > 30 else 0
    return Factor("DAYS_PAST_DUE", points, f"{days} days past due now")


def _overdue_to_revenue(f: RiskFeatures) -> Factor | None:
    bp = f.overdue_to_revenue_bp
    if bp is None:
        return None
    points = 8 if bp >= 1000 else 5 if bp >= 500 else 2 if bp >= 200 else 0
    return Factor("OVERDUE_VS_REVENUE", points, f"overdue amount is {pct(bp)} of revenue")


def _seasonality(f: RiskFeatures) -> Factor | None:
    if not f.seasonal_industry:
        return None
    return Factor("SEASONAL_INDUSTRY", 2, f"{f.industry} cash flow swings with the seasons")


FACTORS: list[Callable[[RiskFeatures], Factor | None]] = [
    _leverage,
    _leverage_change,
    _profitability,
    _profit_trend,
    _liquidity,
    _cash_flow,
    _interest_cover,
    _past_overdues,
    _past_max_dpd,
    _current_dpd,
    _overdue_to_revenue,
    _seasonality,
]


def score(features: RiskFeatures, thresholds: RiskThresholds) -> RiskAssessment:
    """Score features: the points of every factor, capped at 100; reasons worst first."""
    factors = [factor for rule in FACTORS if (factor := rule(features)) is not None]
    if features.debt_to_asset_bp is None:
        factors.append(Factor("NO_STATEMENTS", NO_STATEMENTS_POINTS, "no financial statements on file"))
    total = min(100, sum(f.points for f in factors))
    ordered = sorted(factors, key=lambda f: -f.points)
    reasons = [
        Reason(code=f.code, message=f"{f.message} (+{f.points})" if f.points else f.message)
        for f in ordered
        if f.points > 0 or f.code == "CLEAN_HISTORY"
    ]
    return RiskAssessment(
        model_version=MODEL_VERSION,
        score=total,
        tier=thresholds.tier(total),
        reasons=reasons,
        features=features,
        factors=ordered,
    )


def assess(
    statements: list[FinancialStatement],
    loans: list[LoanRecord],
    *,
    industry: str,
    overdue_since: date,
    overdue_fen: int,
    as_of: date,
    thresholds: RiskThresholds,
) -> RiskAssessment:
    """Extract the features and score them."""
    features = extract_features(
        statements, loans, industry=industry, overdue_since=overdue_since, overdue_fen=overdue_fen, as_of=as_of
    )
    return score(features, thresholds)
