"""The risk scorecard: the seed's examples come out as the seed says; worse inputs never score lower."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo.examples import SEED_EXAMPLES
from demo.seeding import to_statement
from demo.specs import DemoEnterprise, to_loan_record
from domain.case.values import Tier
from domain.enterprise.values import FinancialStatement, LoanRecord, LoanStatus
from domain.money import Money
from domain.risk import (
    MODEL_VERSION,
    RATIO_CAP,
    RiskAssessment,
    RiskFeatures,
    RiskThresholds,
    assess,
    pct,
    ratio_bp,
    score,
    times,
)
from tests.unit.tiered_portfolio import generated_portfolio

AS_OF = date(2026, 11, 2)
THRESHOLDS = RiskThresholds()


def assess_spec(spec: DemoEnterprise, as_of: date = AS_OF) -> RiskAssessment:
    statements = sorted((to_statement(s) for s in spec.statements), key=FinancialStatement.sort_key)
    loans = [to_loan_record(h) for h in spec.history]
    return assess(
        statements,
        loans,
        industry=spec.industry,
        overdue_since=spec.overdue_since,
        overdue_fen=Money.parse(spec.overdue_amount).fen,
        as_of=as_of,
        thresholds=THRESHOLDS,
    )


SEED = {spec.key: spec for spec in SEED_EXAMPLES}


def test_the_seeds_manufacturer_is_high_for_leverage_profit_and_repeated_overdues() -> None:
    result = assess_spec(SEED["manufacturer"])
    assert result.tier is Tier.HIGH
    codes = [r.code for r in result.reasons]
    assert {"LEVERAGE_RISING", "LOSS_MAKING", "PROFIT_FALLING", "PAST_OVERDUES"} <= set(codes)
    rising = next(r for r in result.reasons if r.code == "LEVERAGE_RISING")
    assert rising.message == "debt-to-asset ratio up 23.0 points since 2024 (+12)"


def test_the_seeds_service_firm_short_of_cash_but_clean_is_medium() -> None:
    result = assess_spec(SEED["service"])
    assert result.tier is Tier.MEDIUM
    codes = {r.code for r in result.reasons}
    assert {"CASH_FLOW_NEGATIVE", "CLEAN_HISTORY", "SEASONAL_INDUSTRY"} <= codes
    assert "PAST_OVERDUES" not in codes and "LOSS_MAKING" not in codes


def test_the_seeds_logistics_firm_late_on_one_receivable_is_low() -> None:
    result = assess_spec(SEED["logistics"])
    assert result.tier is Tier.LOW
    assert [r.code for r in result.reasons] == ["CLEAN_HISTORY"]


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=30)])
def test_every_demo_enterprise_lands_in_its_expected_tier(as_of: date) -> None:
    specs = SEED_EXAMPLES + generated_portfolio(493)
    wrong = [(s.key, s.expected_tier, assess_spec(s, as_of).tier) for s in specs]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert wrong == []


def test_the_assessment_is_reproducible_from_the_recorded_features() -> None:
    result = assess_spec(SEED["manufacturer"])
    recorded = result.features.model_dump(mode="json")
    assert all(isinstance(v, (int, str, bool)) or v is None for v in recorded.values())
    again = score(RiskFeatures.model_validate(recorded), THRESHOLDS)
    assert (again.score, again.tier, again.reasons, again.model_version) == (
        result.score,
        result.tier,
        result.reasons,
        MODEL_VERSION,
    )


def test_thresholds_of_the_policy_decide_the_tier() -> None:
    features = assess_spec(SEED["service"]).features
    assert score(features, RiskThresholds(medium_from=15, high_from=60)).tier is Tier.MEDIUM
    assert score(features, RiskThresholds(medium_from=40, high_from=60)).tier is Tier.LOW
    assert score(features, RiskThresholds(medium_from=5, high_from=10)).tier is Tier.HIGH


def test_an_enterprise_without_statements_scores_the_missing_information() -> None:
    result = assess([], [], industry="", overdue_since=AS_OF, overdue_fen=100, as_of=AS_OF, thresholds=THRESHOLDS)
    assert "NO_STATEMENTS" in [r.code for r in result.reasons]
    assert result.score >= 20


def test_ratios_are_exact_integers() -> None:
    assert ratio_bp(78, 100) == 7800
    assert ratio_bp(-640, 7100) == -901
    assert ratio_bp(5, 0) == RATIO_CAP
    assert ratio_bp(0, 0) == 0
    assert pct(7850) == "78.5%"
    assert pct(-901) == "-9.0%"
    assert times(8200) == "0.82x"


# --- worse never scores lower ---------------------------------------------------------------------

bp = st.integers(min_value=-50_000, max_value=50_000)
features_strategy = st.builds(
    RiskFeatures,
    period=st.just("2025"),
    previous_period=st.just("2024"),
    debt_to_asset_bp=st.none() | st.integers(0, 30_000),
    debt_to_asset_change_bp=st.none() | bp,
    net_margin_bp=st.none() | bp,
    profit_drop_bp=st.none() | st.integers(0, 50_000),
    current_ratio_bp=st.none() | st.integers(0, 50_000),
    cash_flow_to_current_liabilities_bp=st.none() | bp,
    interest_cover_bp=st.none() | bp,
    past_overdue_episodes=st.integers(0, 20),
    past_max_days_past_due=st.integers(0, 1000),
    days_past_due=st.integers(0, 2000),
    overdue_to_revenue_bp=st.none() | st.integers(0, 50_000),
    overdue_fen=st.integers(0, 10**12),
    industry=st.sampled_from(["trading", "logistics", "technology"]),
    seasonal_industry=st.booleans(),
)

HIGHER_IS_WORSE = [
    "debt_to_asset_bp",
    "debt_to_asset_change_bp",
    "profit_drop_bp",
    "past_overdue_episodes",
    "past_max_days_past_due",
    "days_past_due",
    "overdue_to_revenue_bp",
]
LOWER_IS_WORSE = ["net_margin_bp", "current_ratio_bp", "cash_flow_to_current_liabilities_bp", "interest_cover_bp"]


@given(features=features_strategy, name=st.sampled_from(HIGHER_IS_WORSE), delta=st.integers(1, 20_000))
def test_raising_a_risk_factor_never_lowers_the_score(features: RiskFeatures, name: str, delta: int) -> None:
    value = getattr(features, name)
    if value is None:
        return
    worse = features.model_copy(update={name: value + delta})
    assert score(worse, THRESHOLDS).score >= score(features, THRESHOLDS).score


@given(features=features_strategy, name=st.sampled_from(LOWER_IS_WORSE), delta=st.integers(1, 20_000))
def test_lowering_a_health_factor_never_lowers_the_score(features: RiskFeatures, name: str, delta: int) -> None:
    value = getattr(features, name)
    if value is None:
        return
    worse = features.model_copy(update={name: value - delta})
    assert score(worse, THRESHOLDS).score >= score(features, THRESHOLDS).score


@given(features=features_strategy)
def test_a_seasonal_industry_never_lowers_the_score(features: RiskFeatures) -> None:
    worse = features.model_copy(update={"seasonal_industry": True})
    assert score(worse, THRESHOLDS).score >= score(features, THRESHOLDS).score


@given(extra_liabilities=st.integers(1, 10**12), extra_days=st.integers(0, 1000), extra_episodes=st.integers(0, 5))
def test_worse_raw_figures_never_lower_the_score(extra_liabilities: int, extra_days: int, extra_episodes: int) -> None:
    spec = SEED["service"]
    statements = sorted((to_statement(s) for s in spec.statements), key=FinancialStatement.sort_key)
    latest = statements[-1]
    heavier = latest.model_copy(update={"total_liabilities": latest.total_liabilities + Money.of(extra_liabilities)})
    loan = LoanRecord(
        loan_id="L",
        amount=Money.of(100),
        start_on=date(2020, 1, 1),
        maturity_on=date(2021, 1, 1),
        overdue_episodes=0,
        max_days_past_due=0,
        status=LoanStatus.REPAID,
    )
    worse_loan = loan.model_copy(update={"overdue_episodes": extra_episodes})

    def run(last: FinancialStatement, record: LoanRecord, as_of: date) -> int:
        return assess(
            [statements[0], last],
            [record],
            industry=spec.industry,
            overdue_since=spec.overdue_since,
            overdue_fen=Money.parse(spec.overdue_amount).fen,
            as_of=as_of,
            thresholds=THRESHOLDS,
        ).score

    base = run(latest, loan, AS_OF)
    assert run(heavier, loan, AS_OF) >= base
    assert run(latest, worse_loan, AS_OF) >= base
    assert run(latest, loan, AS_OF + timedelta(days=extra_days)) >= base
