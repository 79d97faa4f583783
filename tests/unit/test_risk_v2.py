"""Scorecard v2 (issue 13): each defect of v1 the issue lists, shown under v1 and fixed under v2;
the seed's examples and the demo portfolio keep their tiers; worse never scores lower."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demo.examples import SEED_EXAMPLES
from demo.seeding import to_statement
from demo.specs import DemoEnterprise, PastLoan, to_loan_record
from domain.case.values import Tier
from domain.enterprise.values import FinancialStatement, LoanRecord, period_sort_key
from domain.money import Money
from domain.risk import RiskAssessment, RiskFeatures, RiskThresholds, assess
from domain.risk_v2 import (
    MODEL_VERSION_V2,
    RiskFeaturesV2,
    ScorecardTerms,
    annualised,
    extract_features_v2,
    score_v2,
)
from tests.unit.test_risk import features_strategy
from tests.unit.tiered_portfolio import generated_portfolio

AS_OF = date(2026, 11, 2)
THRESHOLDS = RiskThresholds()
TERMS = ScorecardTerms()
SEED = {spec.key: spec for spec in SEED_EXAMPLES}


def inputs(spec: DemoEnterprise) -> tuple[list[FinancialStatement], list[LoanRecord]]:
    statements = sorted((to_statement(s) for s in spec.statements), key=FinancialStatement.sort_key)
    loans = [to_loan_record(h) for h in spec.history]
    return statements, loans


def v1(spec: DemoEnterprise, as_of: date = AS_OF) -> RiskAssessment:
    statements, loans = inputs(spec)
    overdue = Money.parse(spec.overdue_amount).fen
    return assess(
        statements,
        loans,
        industry=spec.industry,
        overdue_since=spec.overdue_since,
        overdue_fen=overdue,
        as_of=as_of,
        thresholds=THRESHOLDS,
    )


def v2(spec: DemoEnterprise, as_of: date = AS_OF) -> RiskAssessment:
    statements, loans = inputs(spec)
    features = extract_features_v2(
        statements,
        loans,
        industry=spec.industry,
        overdue_since=spec.overdue_since,
        overdue_fen=Money.parse(spec.overdue_amount).fen,
        exposure_fen=Money.parse(spec.outstanding).fen,
        established_on=spec.established_on,
        registered_capital_fen=Money.parse(spec.registered_capital).fen,
        as_of=as_of,
        terms=TERMS,
    )
    return score_v2(features, THRESHOLDS, TERMS)


def codes(result: RiskAssessment) -> set[str]:
    return {r.code for r in result.reasons}


@pytest.mark.parametrize(
    ("key", "tier"), [("manufacturer", Tier.HIGH), ("service", Tier.MEDIUM), ("logistics", Tier.LOW)]
)
def test_the_seeds_examples_keep_their_tiers_under_v2(key: str, tier: Tier) -> None:
    result = v2(SEED[key])
    assert (result.tier, result.model_version) == (tier, MODEL_VERSION_V2)


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=30)])
def test_every_demo_enterprise_keeps_its_expected_tier_under_v2(as_of: date) -> None:
    specs = SEED_EXAMPLES + generated_portfolio(493)
    wrong = [(s.key, s.expected_tier, v2(s, as_of).tier) for s in specs]
    assert [w for w in wrong if w[1] != w[2]] == []


# --- the defects of issue 13 ----------------------------------------------------------------------


def test_406_days_overdue_with_healthy_statements_is_not_low() -> None:
    loss = replace(SEED["logistics"], overdue_since=AS_OF - timedelta(days=406))
    assert v1(loss).tier is Tier.LOW  # the defect: DPD capped at 12 points
    result = v2(loss)
    assert result.tier is Tier.HIGH
    assert "LOSS_CATEGORY" in codes(result) or result.score >= THRESHOLDS.high_from


@given(features=features_strategy, days=st.integers(361, 5000))
def test_the_loss_category_is_never_low_whatever_the_statements(features: RiskFeatures, days: int) -> None:
    loss = RiskFeaturesV2(**(features.model_dump() | {"days_past_due": days}))
    assert score_v2(loss, THRESHOLDS, TERMS).tier is Tier.HIGH


def test_an_overdue_amount_of_30_percent_of_revenue_is_not_low() -> None:
    spec = SEED["logistics"]
    revenue = Money.parse(spec.statements[-1].revenue).fen
    heavy = replace(spec, overdue_amount=str(Money.of(revenue * 30 // 100)), outstanding=str(Money.of(revenue * 3)))
    assert v1(heavy).tier is Tier.LOW  # the defect
    result = v2(heavy)
    assert result.tier is not Tier.LOW
    assert "OVERDUE_VS_REVENUE" in codes(result)


def quarter_of(annual: FinancialStatement, period: str) -> FinancialStatement:
    flows = ("revenue", "operating_profit", "net_profit", "interest_expense", "operating_cash_flow")
    return annual.model_copy(update={"period": period} | {n: Money.of(getattr(annual, n).fen // 4) for n in flows})


def test_a_quarterly_statement_is_annualised_and_does_not_move_a_low_firm_to_medium() -> None:
    spec = generated_portfolio(40)[39]  # a low-risk firm scoring 7 under v1 on its annual statements
    assert (spec.expected_tier, v1(spec).score) == ("low", 7)
    statements, loans = inputs(spec)
    q1 = quarter_of(statements[-1], "2026-Q1")
    assert annualised(q1).revenue.fen == statements[-1].revenue.fen // 4 * 4
    with_q1 = [*statements, q1]
    overdue = Money.parse(spec.overdue_amount).fen
    before = assess(
        with_q1,
        loans,
        industry=spec.industry,
        overdue_since=spec.overdue_since,
        overdue_fen=overdue,
        as_of=AS_OF,
        thresholds=THRESHOLDS,
    )
    assert before.tier is Tier.MEDIUM  # the defect: a quarter's profit read as a year's collapse
    features = extract_features_v2(
        with_q1,
        loans,
        industry=spec.industry,
        overdue_since=spec.overdue_since,
        overdue_fen=overdue,
        exposure_fen=Money.parse(spec.outstanding).fen,
        established_on=spec.established_on,
        registered_capital_fen=Money.parse(spec.registered_capital).fen,
        as_of=AS_OF,
        terms=TERMS,
    )
    assert (features.period, features.period_span_months) == ("2026-Q1", 3)
    assert score_v2(features, THRESHOLDS, TERMS).tier is Tier.LOW


def test_periods_have_a_total_order_and_the_full_year_is_the_latest_of_a_year_and_its_q4() -> None:
    assert period_sort_key("2025-Q4") != period_sort_key("2025")
    ordered = sorted(["2025", "2026-01", "2025-Q4", "2025-H2", "2025-12", "2025-Q3", "2024"], key=period_sort_key)
    assert ordered == ["2024", "2025-Q3", "2025-12", "2025-Q4", "2025-H2", "2025", "2026-01"]


def test_a_statement_from_2019_is_stale_and_down_weighted() -> None:
    spec = SEED["manufacturer"]
    old = replace(spec, statements=[replace(s, period=str(2018 + n)) for n, s in enumerate(spec.statements)])
    fresh, stale = v2(spec), v2(old)
    assert stale.features.model_dump()["stale_financials"] is True
    assert "STALE_FINANCIALS" in codes(stale) and "STALE_FINANCIALS" not in codes(fresh)
    leverage = {f.code: f.points for f in fresh.factors}["LEVERAGE_RISING"]
    assert {f.code: f.points for f in stale.factors}["LEVERAGE_RISING"] == leverage * TERMS.stale_weight_pct // 100
    assert "STALE_FINANCIALS" not in codes(v1(old))  # the defect: v1 reads 2019 as current


@pytest.mark.parametrize(
    ("status", "code"), [("written_off", "WRITTEN_OFF_HISTORY"), ("restructured", "RESTRUCTURED_HISTORY")]
)
def test_a_written_off_or_restructured_past_loan_is_not_clean_history(status: str, code: str) -> None:
    spec = SEED["logistics"]
    past = spec.history[0]
    bad = replace(spec, history=[PastLoan(past.loan_id, past.amount, past.start_on, past.maturity_on, 0, 0, status)])
    assert "CLEAN_HISTORY" in codes(v1(bad))  # the defect
    result = v2(bad)
    assert "CLEAN_HISTORY" not in codes(result) and code in codes(result)
    if status == "written_off":
        assert result.tier is not Tier.LOW


def test_registration_facts_count_a_young_thinly_capitalised_firm() -> None:
    spec = SEED["logistics"]
    young = replace(spec, established_on=AS_OF - timedelta(days=400), registered_capital="100000.00")
    assert {"YOUNG_FIRM", "THIN_CAPITAL"} <= codes(v2(young))
    assert not {"YOUNG_FIRM", "THIN_CAPITAL"} & codes(v2(spec))


# --- worse never scores lower ---------------------------------------------------------------------


@given(
    features=features_strategy,
    days=st.integers(0, 2000),
    more=st.integers(1, 2000),
    stale=st.booleans(),
    written_off=st.integers(0, 3),
)
def test_more_days_past_due_never_lower_the_v2_score(
    features: RiskFeatures, days: int, more: int, stale: bool, written_off: int
) -> None:
    base = RiskFeaturesV2(
        **(features.model_dump() | {"days_past_due": days, "stale_financials": stale, "written_off_loans": written_off})
    )
    worse = base.model_copy(update={"days_past_due": days + more})
    assert score_v2(worse, THRESHOLDS, TERMS).score >= score_v2(base, THRESHOLDS, TERMS).score
