"""The policy's tier rules as pure functions (domain/judgement.py): meaningful payments, bands, hysteresis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.case.values import Tier
from domain.judgement import JudgementTerms, Standing, band_floor, decide, gentler_streak, meaningful
from domain.risk import RiskThresholds

TERMS = JudgementTerms()
RISK = RiskThresholds()  # medium from 15, high from 60
BASE = Standing(
    today=date(2027, 1, 1),
    tier=Tier.MEDIUM,
    assessed=Tier.MEDIUM,
    score=30,
    days_past_due=40,
    overdue_fen=1_000_000_00,
    agreement_in_good_standing=False,
    agreement_cured=False,
    promises_since_change=(),
    lower_reviews=0,
)


def test_a_token_payment_is_not_meaningful_a_tenth_of_the_arrears_or_the_instalment_is() -> None:
    assert not meaningful(1, 1_000_000_00, 0, TERMS)
    assert meaningful(100_000_00, 1_000_000_00, 0, TERMS)  # 10% of what is overdue
    assert not meaningful(99_999_99, 1_000_000_00, 0, TERMS)
    assert meaningful(50_000_00, 1_000_000_00, 50_000_00, TERMS)  # the whole instalment due


def test_days_past_due_bands_raise_the_floor_unless_an_agreement_performs() -> None:
    assert band_floor(90, TERMS.dpd_bands) is Tier.LOW and band_floor(91, TERMS.dpd_bands) is Tier.MEDIUM
    assert band_floor(181, TERMS.dpd_bands) is Tier.HIGH
    move = decide(replace(BASE, days_past_due=200), TERMS, RISK)
    assert move is not None and (move.to_tier, move.rule) == (Tier.HIGH, "dpd-band")
    assert decide(replace(BASE, days_past_due=200, agreement_in_good_standing=True), TERMS, RISK) is None


def test_a_reassessment_raises_only_past_the_hysteresis_margin() -> None:
    assert decide(replace(BASE, assessed=Tier.HIGH, score=62), TERMS, RISK) is None  # 60 + 5 not reached
    move = decide(replace(BASE, assessed=Tier.HIGH, score=65), TERMS, RISK)
    assert move is not None and (move.to_tier, move.rule) == (Tier.HIGH, "reassessment")


def test_a_gentler_reassessment_lowers_only_on_consecutive_periodic_reviews_and_never_in_court() -> None:
    gentler = replace(BASE, assessed=Tier.LOW, score=5)
    assert decide(gentler, TERMS, RISK) is None and gentler_streak(gentler, TERMS, RISK) == 1
    again = replace(gentler, lower_reviews=1)
    move = decide(again, TERMS, RISK)
    assert move is not None and (move.to_tier, move.rule) == (Tier.LOW, "reassessment")
    assert gentler_streak(replace(again, periodic=False), TERMS, RISK) == 1  # an event's review neither counts
    assert decide(replace(again, in_proceedings=True), TERMS, RISK) is None
    assert decide(replace(again, promises_since_change=(False,)), TERMS, RISK) is None
    assert decide(replace(gentler, lower_reviews=1, score=12), TERMS, RISK) is None  # within the margin of 15


def test_performing_debtors_come_down_by_rule() -> None:
    cured = decide(replace(BASE, tier=Tier.HIGH, overdue_fen=0), TERMS, RISK)
    assert cured is not None and (cured.to_tier, cured.rule) == (Tier.MEDIUM, "cured")
    performing = replace(BASE, tier=Tier.HIGH, agreement_in_good_standing=True, agreement_cured=True, days_past_due=200)
    move = decide(performing, TERMS, RISK)
    assert move is not None and (move.to_tier, move.rule) == (Tier.MEDIUM, "agreement-performing")
    kept = decide(replace(BASE, promises_since_change=(True, True)), TERMS, RISK)
    assert kept is not None and (kept.to_tier, kept.rule) == (Tier.LOW, "promises-kept")
    assert decide(replace(BASE, promises_since_change=(True, False)), TERMS, RISK) is None
    assert decide(replace(BASE, tier=Tier.LOW, overdue_fen=0), TERMS, RISK) is None  # nothing below low
