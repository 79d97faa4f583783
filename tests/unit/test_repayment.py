"""Repayment plan shapes: exact to the fen, positive, strictly dated, each shape's promise kept."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.case.checks import check_schedule
from domain.case.values import Installment, PlanKind
from domain.errors import InvariantError
from domain.money import Money
from domain.repayment import add_months, apportion, build_schedule

amounts = st.integers(min_value=1, max_value=10**13).map(Money.of)
starts = st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31))


def assert_exact(amount: Money, schedule: list[Installment]) -> None:
    assert sum(i.amount.fen for i in schedule) == amount.fen
    assert all(i.amount.fen > 0 for i in schedule)
    assert all(b.due_on > a.due_on for a, b in itertools.pairwise(schedule))
    check_schedule(amount, schedule)  # the aggregate accepts it


@given(amount=amounts, start=starts, count=st.integers(1, 60), interval=st.integers(1, 6))
def test_equal_instalments(amount: Money, start: date, count: int, interval: int) -> None:
    assume(amount.fen >= count)
    schedule = build_schedule(PlanKind.EQUAL, amount, start, {"count": count, "interval_months": interval})
    assert_exact(amount, schedule)
    assert len(schedule) == count and schedule[0].due_on == start
    assert max(i.amount.fen for i in schedule) - min(i.amount.fen for i in schedule) < count


@given(amount=amounts, start=starts, count=st.integers(2, 36), balloon=st.integers(5001, 9500))
def test_extension_ends_in_a_balloon(amount: Money, start: date, count: int, balloon: int) -> None:
    assume(amount.fen >= 100 * count)
    schedule = build_schedule(PlanKind.EXTENSION, amount, start, {"count": count, "balloon_share_bp": balloon})
    assert_exact(amount, schedule)
    assert schedule[-1].amount > schedule[0].amount
    assert abs(Fraction(schedule[-1].amount.fen, amount.fen) - Fraction(balloon, 10_000)) <= Fraction(count, amount.fen)


@given(
    amount=st.integers(10**6, 10**13).map(Money.of),
    start=starts,
    gaps=st.lists(st.integers(1, 200), min_size=1, max_size=12),
)
def test_milestone_shares_rise(amount: Money, start: date, gaps: list[int]) -> None:
    milestones = [start + timedelta(days=sum(gaps[: n + 1])) for n in range(len(gaps))]
    schedule = build_schedule(PlanKind.MILESTONE, amount, start, {"milestones": [d.isoformat() for d in milestones]})
    assert_exact(amount, schedule)
    assert [i.due_on for i in schedule] == milestones
    assert all(b.amount > a.amount for a, b in itertools.pairwise(schedule))


@given(
    amount=st.integers(10**5, 10**13).map(Money.of),
    start=starts,
    count=st.integers(2, 24),
    peaks=st.sets(st.integers(1, 12), min_size=1, max_size=11),
    peak_weight=st.integers(2, 5),
)
def test_seasonal_peak_instalments_exceed_off_season_ones(
    amount: Money, start: date, count: int, peaks: set[int], peak_weight: int
) -> None:
    months = {add_months(start, n).month for n in range(count)}
    assume(months & peaks and months - peaks)
    schedule = build_schedule(
        PlanKind.SEASONAL,
        amount,
        start,
        {"count": count, "peak_months": sorted(peaks), "peak_weight": peak_weight},
    )
    assert_exact(amount, schedule)
    peak = [i.amount.fen for i in schedule if i.due_on.month in peaks]
    off = [i.amount.fen for i in schedule if i.due_on.month not in peaks]
    assert min(peak) > max(off)


@given(
    amount=amounts,
    start=starts,
    count=st.integers(1, 24),
    revenues=st.lists(st.integers(0, 10**10), min_size=1, max_size=15),
)
def test_revenue_share_matches_store_proportions_within_a_fen(
    amount: Money, start: date, count: int, revenues: list[int]
) -> None:
    assume(sum(revenues) > 0 and amount.fen >= count)
    stores = {f"store {n}": str(Money.of(r)) for n, r in enumerate(revenues)}
    schedule = build_schedule(PlanKind.REVENUE_SHARE, amount, start, {"count": count, "stores": stores})
    assert_exact(amount, schedule)
    total = sum(revenues)
    for installment in schedule:
        assert sum(p.fen for p in installment.breakdown.values()) == installment.amount.fen
        for n, revenue in enumerate(revenues):
            exact = Fraction(installment.amount.fen * revenue, total)
            assert abs(installment.breakdown[f"store {n}"].fen - exact) < 1


@given(
    start=starts,
    tranches=st.lists(st.tuples(st.integers(1, 90), st.integers(10**6, 10**9)), min_size=1, max_size=10),
    coverage_pct=st.integers(50, 100),
)
def test_collateral_realisations_cover_the_amount(
    start: date, tranches: list[tuple[int, int]], coverage_pct: int
) -> None:
    values = [v for _, v in tranches]
    amount = Money.of(sum(values) * coverage_pct // 100)
    dates = [start + timedelta(days=sum(g for g, _ in tranches[: n + 1])) for n in range(len(tranches))]
    realisations = [{"due_on": d.isoformat(), "value": str(Money.of(v))} for d, v in zip(dates, values, strict=True)]
    schedule = build_schedule(PlanKind.COLLATERAL, amount, start, {"realisations": realisations})
    assert_exact(amount, schedule)
    assert [i.due_on for i in schedule] == dates
    assert all(i.amount.fen <= v + len(values) for i, v in zip(schedule, values, strict=True))


def test_collateral_that_does_not_cover_the_plan_is_refused() -> None:
    with pytest.raises(InvariantError, match="does not cover"):
        build_schedule(
            PlanKind.COLLATERAL,
            Money.parse("1000.00"),
            date(2027, 1, 1),
            {"realisations": [{"due_on": "2027-02-01", "value": "999.99"}]},
        )


@given(total=st.integers(0, 10**12), weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_apportion_is_exact_and_within_one_unit(total: int, weights: list[int]) -> None:
    assume(sum(weights) > 0)
    parts = apportion(total, weights)
    assert sum(parts) == total
    assert all(abs(p - Fraction(total * w, sum(weights))) < 1 for p, w in zip(parts, weights, strict=True))


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        (PlanKind.EQUAL, {"count": 0}, "count"),
        (PlanKind.EQUAL, {"count": 3, "colour": "red"}, "colour"),
        (PlanKind.MILESTONE, {"milestones": ["2027-03-01", "2027-02-01"]}, "strictly increase"),
        (PlanKind.MILESTONE, {"milestones": ["2027-02-01", "2027-03-01"], "weights": [2, 1]}, "rising"),
        (PlanKind.SEASONAL, {"count": 2, "peak_months": [5, 6]}, "peak and off-season"),
        (PlanKind.REVENUE_SHARE, {"count": 2, "stores": {"a": "0.00"}}, "not all zero"),
        (PlanKind.EQUAL, {"count": 200}, "count"),
        (PlanKind.EXTENSION, {"count": 3, "balloon_share_bp": 2000}, "balloon"),
    ],
)
def test_bad_parameters_are_named(kind: PlanKind, parameters: dict[str, object], message: str) -> None:
    with pytest.raises(InvariantError, match=message):
        build_schedule(kind, Money.parse("100000.00"), date(2027, 1, 1), parameters)


def test_too_small_an_amount_for_the_instalments_is_refused() -> None:
    with pytest.raises(InvariantError, match="too small"):
        build_schedule(PlanKind.EQUAL, Money.of(2), date(2027, 1, 1), {"count": 3})


def test_months_clamp_to_the_months_end() -> None:
    assert [add_months(date(2027, 1, 31), n) for n in range(3)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]
