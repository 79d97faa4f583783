"""The ledger views compute less per event and answer the same. The portfolio view remembers a case's ledger
position over the days its balances cannot change (``unchanged_until``): the days past due it answers from that
memory equal the ledger's own, on any day asked, in any order, with payments and penalties recorded between the
questions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.loan_ledger import LedgerPayment, LedgerPenalty, LoanDue, position, unchanged_until
from projections.portfolio import days_past_due, forget_days_past_due, ledger_of

START = date(2026, 1, 1)


def test_unchanged_until_is_the_next_due_payment_or_penalty_end() -> None:
    dues = [
        LoanDue(number=1, due_on=date(2026, 1, 20), principal_fen=100_000, interest_fen=0),
        LoanDue(number=2, due_on=date(2026, 2, 20), principal_fen=100_000, interest_fen=0),
        LoanDue(number=3, due_on=None, principal_fen=500_000, interest_fen=0),
    ]
    payment = LedgerPayment(received_on=date(2026, 2, 3), fen=50_000)
    penalty = LedgerPenalty(period_start=date(2026, 1, 21), period_end=date(2026, 1, 31), items=((1, 30),))
    assert unchanged_until(dues, [], date(2026, 1, 5)) == date(2026, 1, 20)
    assert unchanged_until(dues, [payment, penalty], date(2026, 1, 20)) == date(2026, 1, 31)
    assert unchanged_until(dues, [payment, penalty], date(2026, 1, 31)) == date(2026, 2, 3)
    assert unchanged_until(dues, [payment, penalty], date(2026, 2, 20)) is None


@st.composite
def questions(draw: Any) -> tuple[list[LoanDue], list[tuple[str, Any]]]:
    count = draw(st.integers(1, 5))
    dues = [
        LoanDue(
            number=n + 1,
            due_on=START + timedelta(days=30 * n + draw(st.integers(0, 20))),
            principal_fen=draw(st.integers(0, 100_000)),
            interest_fen=draw(st.integers(0, 5_000)),
        )
        for n in range(count)
    ]
    steps: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(1, 25))):
        day = START + timedelta(days=draw(st.integers(0, 240)))
        kind = draw(st.sampled_from(["ask", "ask", "ask", "pay", "penalty"]))
        if kind == "pay":
            steps.append((kind, LedgerPayment(received_on=day, fen=draw(st.integers(1, 120_000)))))
        elif kind == "penalty":
            items = ((draw(st.integers(1, count)), draw(st.integers(1, 3_000))),)
            steps.append((kind, LedgerPenalty(period_start=day - timedelta(days=9), period_end=day, items=items)))
        else:
            steps.append((kind, day))
    return dues, steps


@settings(max_examples=300, deadline=None)
@given(questions())
def test_remembered_days_past_due_equal_the_ledgers(case: tuple[list[LoanDue], list[tuple[str, Any]]]) -> None:
    dues, steps = case
    state: dict[str, Any] = {"dues": [d.model_dump(mode="json") for d in dues], "entries": []}
    for kind, value in steps:
        if kind == "ask":
            expected = position(dues, ledger_of(state)[1], value).days_past_due
            assert days_past_due(state, value) == expected
        else:
            state["entries"].append(value.model_dump(mode="json"))
            forget_days_past_due(state)
