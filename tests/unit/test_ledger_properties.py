"""Properties of the one position function over generated loans (docs/ledger.md): for generated schedules, rates,
costs and payments (value-dated in any order, as back-valued receipts are), on every day asked

* outstanding = principal + interest + penalty + costs - paid, and equals what is unpaid of every due and cost;
* what is paid is exactly the payments whose value date is on or before the day;
* the payoff quoted for a day, paid that day, leaves nothing then or on any later day;
* an act dated after the day changes nothing of the day's answer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.loan_ledger import LedgerCost, LedgerPayment, LoanDue, LoanTerms, position

START = date(2026, 1, 1)


@st.composite
def loans(draw: Any) -> tuple[list[LoanDue], LoanTerms, list[Any]]:
    count = draw(st.integers(1, 5))
    dues = [
        LoanDue(
            number=n + 1,
            due_on=START + timedelta(days=30 * n + draw(st.integers(0, 29))) if draw(st.booleans()) or n else None,
            principal_fen=draw(st.integers(1, 10_000_000)),
            interest_fen=draw(st.integers(0, 500_000)),
        )
        for n in range(count)
    ]
    terms = LoanTerms(
        interest_rate=Decimal("0.0435"),
        penalty_rate=Decimal(draw(st.integers(0, 1000))) / 10_000,
        compound=draw(st.booleans()),
        day_basis=draw(st.sampled_from([360, 365])),
    )
    ceiling = sum(d.principal_fen for d in dues) // 2
    acts: list[Any] = []
    for _ in range(draw(st.integers(0, 8))):
        day = START + timedelta(days=draw(st.integers(0, 300)))
        if draw(st.integers(0, 4)) == 0:
            acts.append(LedgerCost(incurred_on=day, fen=draw(st.integers(1, 100_000))))
        else:
            fen = draw(st.integers(1, max(1, ceiling // 8)))
            acts.append(LedgerPayment(received_on=day, fen=fen, designated=tuple(draw(st.sets(st.integers(1, 5))))))
    return dues, terms, acts


def unpaid_of(now: Any) -> int:
    return now.unpaid_costs_fen + sum(b.unpaid for b in now.balances)


@settings(max_examples=200, deadline=None)
@given(loans(), st.integers(0, 400))
def test_outstanding_is_principal_interest_penalty_costs_less_paid_on_every_day(
    loan: tuple[list[LoanDue], LoanTerms, list[Any]], offset: int
) -> None:
    dues, terms, acts = loan
    day = START + timedelta(days=offset)
    now = position(dues, acts, day, terms)
    assert now.outstanding_fen == now.principal_fen + now.interest_fen + now.penalty_fen + now.costs_fen - now.paid_fen
    assert now.outstanding_fen == unpaid_of(now)
    assert now.paid_fen == sum(a.fen for a in acts if isinstance(a, LedgerPayment) and a.received_on <= day)
    assert now.costs_fen == sum(a.fen for a in acts if isinstance(a, LedgerCost) and a.incurred_on <= day)
    assert 0 <= now.payoff_fen <= now.outstanding_fen


@settings(max_examples=200, deadline=None)
@given(loans(), st.integers(0, 400), st.integers(1, 400))
def test_the_payoff_of_any_day_paid_that_day_settles_the_loan_for_good(
    loan: tuple[list[LoanDue], LoanTerms, list[Any]], offset: int, later: int
) -> None:
    dues, terms, acts = loan
    day = START + timedelta(days=offset)
    acts = [a for a in acts if (a.received_on if isinstance(a, LedgerPayment) else a.incurred_on) <= day]
    quote = position(dues, acts, day, terms).payoff_fen
    settled = [*acts, LedgerPayment(received_on=day, fen=quote)]
    for when in (day, day + timedelta(days=later)):
        after = position(dues, settled, when, terms)
        assert (after.outstanding_fen, after.payoff_fen, after.overdue_fen, after.days_past_due) == (0, 0, 0, 0)


@settings(max_examples=200, deadline=None)
@given(loans(), st.integers(0, 400), st.integers(1, 300), st.integers(1, 1_000_000))
def test_an_act_dated_after_the_day_changes_nothing_of_its_answer(
    loan: tuple[list[LoanDue], LoanTerms, list[Any]], offset: int, after: int, fen: int
) -> None:
    dues, terms, acts = loan
    day = START + timedelta(days=offset)
    later = [
        LedgerPayment(received_on=day + timedelta(days=after), fen=fen),
        LedgerCost(incurred_on=day + timedelta(days=after), fen=fen),
    ]
    before, with_later = position(dues, acts, day, terms), position(dues, [*acts, *later], day, terms)
    assert (before.outstanding_fen, before.overdue_fen, before.days_past_due, before.penalty_fen) == (
        with_later.outstanding_fen,
        with_later.overdue_fen,
        with_later.days_past_due,
        with_later.penalty_fen,
    )
