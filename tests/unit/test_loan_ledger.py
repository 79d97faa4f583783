"""The loan ledger and the 2023 classification rules, pure (README "Arrears that move", "Classification")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from domain.classification import (
    Claim,
    ClaimFacts,
    LoanCategory,
    Restructuring,
    classify_claim,
    classify_debtor,
)
from domain.ledger_replay import replay
from domain.loan_ledger import (
    LedgerPayment,
    LoanDue,
    LoanTerms,
    legacy_dues,
    penalty_base,
    position,
    round_half_up,
)

DUES = [
    LoanDue(number=1, due_on=date(2026, 8, 20), principal_fen=190_000_00, interest_fen=10_000_00),
    LoanDue(number=2, due_on=date(2026, 9, 20), principal_fen=210_000_00, interest_fen=10_000_00),
    LoanDue(number=3, due_on=date(2026, 12, 20), principal_fen=600_000_00, interest_fen=20_000_00),
]


def pay(fen: int, on: date, *designated: int) -> LedgerPayment:
    return LedgerPayment(received_on=on, fen=fen, designated=designated)


def test_paying_400000_of_420000_moves_overdue_since_to_the_next_unpaid_due() -> None:
    before = position(DUES, [], date(2026, 11, 2))
    assert (before.overdue_fen, before.overdue_since, before.days_past_due) == (420_000_00, date(2026, 8, 20), 74)
    after = position(DUES, [pay(400_000_00, date(2026, 11, 2))], date(2026, 11, 2))
    assert (after.overdue_fen, after.overdue_since, after.days_past_due) == (20_000_00, date(2026, 9, 20), 43)


def test_overdue_grows_as_dues_fall_due() -> None:
    days = [date(2026, 8, 19), date(2026, 8, 20), date(2026, 9, 21), date(2026, 12, 20)]
    assert [position(DUES, [], d).overdue_fen for d in days] == [0, 200_000_00, 420_000_00, 1_040_000_00]


def parts_of(
    entries: list[LedgerPayment], on: date, terms: LoanTerms | None = None
) -> list[list[tuple[int, str, int]]]:
    return replay(DUES, list(entries), terms, on).allocations


def test_within_a_due_penalty_interest_then_contractual_interest_then_principal_art_561() -> None:
    terms = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=False)
    # due 1 (190,000.00 principal) is past due 21 August .. 1 October (42 days): 42 x 19,000,000 x 0.0653 / 360
    # = 144,745.0 fen per month-part: August 11 days 37,909.72 -> 37,910; September 30 days 103,391.67 -> 103,392;
    # 1 October 3,446.39 -> 3,446; 144,748 fen of penalty interest in all
    parts = parts_of([pay(160_000_00, date(2026, 10, 1))], date(2026, 10, 1), terms)
    assert parts[0] == [
        (1, "penalty", 144_748),
        (1, "interest", 10_000_00),
        (1, "principal", 160_000_00 - 10_000_00 - 144_748),
    ]


def test_across_dues_the_designated_then_the_due_then_the_oldest_art_560() -> None:
    on = date(2026, 11, 2)
    parts = parts_of([pay(50_000_00, on, 2)], on)
    assert {p[0] for p in parts[0]} == {2}  # the debtor designated due 2
    parts = parts_of([pay(250_000_00, on)], on)
    assert [p[0] for p in parts[0]] == [1, 1, 2, 2]  # the oldest fallen-due first, never due 3 (not due)
    parts = parts_of([pay(700_000_00, on)], on)
    assert parts[0][-1][0] == 3  # what is not due comes last


def test_penalty_accrues_daily_from_the_day_after_the_due_date_rounded_half_up_once_a_month() -> None:
    """Due 31 October; 1..30 November are past due (30 days). Simple: 30 x 100,000,000 fen x 0.0653 / 360 =
    544,166.67 -> 544,167 fen. Compound: the unpaid interest too, 30 x 105,000,000 x 0.0653 / 360 = 571,375.0 ->
    571,375. Paid 550,000.00 on 16 November: 1..16 November on 100,000,000 (the payment day still counts, 算头不算尾),
    17..30 November on what the payment left: it paid the penalty of 1..16 November first (16 x 100,000,000 x 0.0653
    / 360 = 290,222.2 -> 290,222 fen), then the interest 5,000,000, then principal 49,709,778: 50,290,222 fen left."""
    dues = [LoanDue(number=1, due_on=date(2026, 10, 31), principal_fen=1_000_000_00, interest_fen=50_000_00)]
    simple = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=False)
    end = date(2026, 11, 30)
    assert position(dues, [], end, simple).penalty_fen == 544_167
    compound = simple.model_copy(update={"compound": True})
    assert position(dues, [], end, compound).penalty_fen == 571_375
    paid = [pay(500_000_00 + 50_000_00, date(2026, 11, 16))]
    assert penalty_base(dues, paid, simple, end)[(1, 2026, 11)] == 16 * 1_000_000_00 + 14 * 50_290_222
    assert position(dues, [], date(2026, 10, 31), simple).penalty_fen == 0  # the due day bears none


def test_round_half_up() -> None:
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, 7)] == [1, 2, 3, 4]  # not to even
    assert round_half_up(Fraction(1499, 1000)) == 1


def test_a_case_opened_the_old_way_is_one_due_and_an_undated_rest() -> None:
    dues = legacy_dues(420_000_00, date(2026, 10, 20), 5_000_000_00)
    assert [(d.due_on, d.principal_fen) for d in dues] == [(date(2026, 10, 20), 420_000_00), (None, 4_580_000_00)]
    assert position(dues, [pay(400_000_00, date(2026, 11, 2))], date(2026, 11, 2)).overdue_fen == 20_000_00


def facts(**changes: object) -> ClaimFacts:
    base: dict[str, object] = {
        "as_of": date(2026, 11, 2),
        "days_past_due": 0,
        "overdue_fen": 0,
        "outstanding_fen": 1_000_00,
        "previous": LoanCategory.SUBSTANDARD,
        "cured_on": date(2026, 11, 2),
    }
    base.update(changes)
    return ClaimFacts(**base)  # type: ignore[arg-type]


def test_days_past_due_floors() -> None:
    for days, category in ((1, "special_mention"), (91, "substandard"), (271, "doubtful"), (361, "loss")):
        judged = classify_claim(facts(days_past_due=days, overdue_fen=1, previous=None, cured_on=None))
        assert judged.category == category


def test_a_substandard_claim_does_not_become_normal_on_one_payment() -> None:
    judged = classify_claim(facts())
    assert (judged.category, judged.rule_ids) == (LoanCategory.SUBSTANDARD, ("npl-upgrade",))
    # two monthly dues paid on time but six months have not passed: the longer period governs
    dues = ((date(2026, 11, 20), True), (date(2026, 12, 20), True))
    early = classify_claim(facts(as_of=date(2027, 1, 2), dues_since_cure=dues, scheduled_since_cure=4))
    assert early.category == LoanCategory.SUBSTANDARD
    six = ((date(2026, 11, 20), True), (date(2026, 12, 20), True), (date(2027, 1, 20), True))
    later = classify_claim(facts(as_of=date(2027, 5, 2), dues_since_cure=six, scheduled_since_cure=6))
    assert later.category == LoanCategory.NORMAL
    late = ((date(2026, 11, 20), False),)
    assert classify_claim(facts(as_of=date(2027, 5, 2), dues_since_cure=late)).category == LoanCategory.SUBSTANDARD


def test_restructured_claims_during_observation() -> None:
    schedule = (date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))
    was_npl = Restructuring(signed_on=date(2026, 11, 2), category_before=LoanCategory.DOUBTFUL, due_dates=schedule)
    judged = classify_claim(facts(previous=None, cured_on=None, restructuring=was_npl))
    assert judged.category == LoanCategory.DOUBTFUL and "restructured" in judged.rule_ids
    # at least one year from the first due date, and at least two periods
    assert was_npl.observation_ends() == date(2027, 12, 1)
    was_normal = Restructuring(signed_on=date(2026, 11, 2), category_before=LoanCategory.NORMAL, due_dates=schedule)
    assert classify_claim(facts(previous=None, cured_on=None, restructuring=was_normal)).category == "special_mention"
    missed = Restructuring(
        signed_on=date(2026, 11, 2), category_before=LoanCategory.NORMAL, due_dates=schedule, missed_on=date(2027, 1, 1)
    )
    judged = classify_claim(facts(as_of=date(2027, 1, 3), previous=None, cured_on=None, restructuring=missed))
    assert judged.category == LoanCategory.SUBSTANDARD and "restructured-missed" in judged.rule_ids
    assert missed.observation_ends() == date(2028, 1, 1)  # restarted from the miss
    after = classify_claim(facts(as_of=date(2028, 1, 2), previous=None, cured_on=None, restructuring=was_normal))
    assert after.category == LoanCategory.NORMAL


def test_more_than_ten_percent_non_performing_makes_all_a_debtors_claims_non_performing() -> None:
    big = Claim("a", LoanCategory.NORMAL, 900_00)
    category, rules, _, final = classify_debtor([big, Claim("b", LoanCategory.SUBSTANDARD, 101_00)])
    assert (category, rules, final["a"]) == (LoanCategory.SUBSTANDARD, ("debtor-10pct",), LoanCategory.SUBSTANDARD)
    category, rules, _, final = classify_debtor([big, Claim("b", LoanCategory.SUBSTANDARD, 100_00)])  # exactly 10%
    assert (rules, final["a"]) == ((), LoanCategory.NORMAL)
    assert category == LoanCategory.SUBSTANDARD  # the debtor is as bad as its worst claim
