"""How a payment is allocated, and the whole loan declared due, on both stores (docs/ledger.md "Allocation",
"Costs and acceleration"): each worked example's hand computation is in its docstring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from application.app import CollectionsApp
from application.commands import AccelerateLoan, RecordCost
from domain.base import Actor, Role
from domain.errors import DuplicateError, InvariantError
from domain.ledger_allocation import LoanClaim, split_across_loans
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from tests.application.test_penalty_payoff import open_loan, pay

NO_PENALTY = LoanTerms(interest_rate=Decimal("0.04"), penalty_rate=Decimal("0"), compound=False)
TERMS = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=False)
ONE_MILLION = (LoanDue(number=1, due_on=date(2026, 10, 31), principal_fen=1_000_000_00, interest_fen=0),)
TODAY = date(2026, 11, 2)  # tests/conftest.py's TEST_START
LEGAL = Actor(user_id="li.legal", role=Role.LEGAL)


def test_dues_falling_due_the_same_day_share_a_payment_pro_rata(app: CollectionsApp) -> None:
    """Art. 560: 「到期时间相同的, 按照债务比例履行」. 100,000.00 and 50,000.00 both due 20 October, 30,000.00 paid:
    30,000 x 100/150 = 20,000.00 and 30,000 x 50/150 = 10,000.00 (no penalty rate, so no penalty comes first)."""
    dues = (
        LoanDue(number=1, due_on=date(2026, 10, 20), principal_fen=100_000_00, interest_fen=0),
        LoanDue(number=2, due_on=date(2026, 10, 20), principal_fen=50_000_00, interest_fen=0),
    )
    case_id = open_loan(app, "LN-SAME-DAY", dues, NO_PENALTY)
    pay(app, case_id, 30_000_00, TODAY, "PRO-RATA")
    balances = app.get_case(case_id).position_as_of(TODAY).balances
    assert [b.paid_principal for b in balances] == [20_000_00, 10_000_00]


def record_cost(app: CollectionsApp, case_id: object, fen: int) -> None:
    app.handle(
        RecordCost(
            case_id=case_id,  # type: ignore[arg-type]
            cost_id="FEE-1",
            kind="court_fee",
            amount=Money.of(fen),
            incurred_on=TODAY,
            description="案件受理费 receipt 2026-0042",
            actor=LEGAL,
        )
    )


def test_costs_of_enforcing_the_claim_are_paid_first(app: CollectionsApp) -> None:
    """Art. 561: costs, then interest, then principal. 1,000,000.00 due 31 October, 6.53% / 360: 1..2 November are
    past due, 2 x 100,000,000 x 0.0653 / 360 = 36,277.78 -> 362.78 of penalty. A court fee of 5,000.00 recorded, then
    6,000.00 paid: 5,000.00 to the fee, 362.78 to the penalty, 637.22 to principal."""
    case_id = open_loan(app, "LN-COSTS", ONE_MILLION, TERMS)
    record_cost(app, case_id, 5_000_00)
    assert app.get_case(case_id).position_as_of(TODAY).outstanding_fen == 1_000_000_00 + 5_000_00 + 362_78
    pay(app, case_id, 6_000_00, TODAY, "COSTS-FIRST")
    now = app.get_case(case_id).position_as_of(TODAY)
    (due,) = now.balances
    assert (now.unpaid_costs_fen, due.paid_penalty, due.paid_principal) == (0, 362_78, 637_22)
    with pytest.raises(DuplicateError):
        record_cost(app, case_id, 1_00)


def test_a_contracts_own_order_replaces_the_civil_codes(app: CollectionsApp) -> None:
    """「除当事人另有约定外」: a contract that says principal, interest, penalty, then costs. The same 6,000.00 (the
    test above) all goes to principal; the fee and the penalty stay unpaid."""
    terms = TERMS.model_copy(update={"allocation": ("principal", "interest", "penalty", "costs")})
    case_id = open_loan(app, "LN-ORDER", ONE_MILLION, terms)
    record_cost(app, case_id, 5_000_00)
    pay(app, case_id, 6_000_00, TODAY, "PRINCIPAL-FIRST")
    now = app.get_case(case_id).position_as_of(TODAY)
    (due,) = now.balances
    assert (now.unpaid_costs_fen, due.paid_penalty, due.paid_principal) == (5_000_00, 0, 6_000_00)


def test_acceleration_makes_the_whole_principal_due_and_bear_penalty(app: CollectionsApp) -> None:
    """Six dues of 200,000.00 + 10,000.00 interest on the 20th, August 2026 to January 2027, 6.53% / 360. Declared
    due on 2 November under clause 12.3: the November, December and January principal (600,000.00) falls due that
    day and their interest, for periods not begun, is not owed: 1,200,000.00 principal and 30,000.00 interest
    overdue. On 3 November the whole unpaid principal bears penalty: the accelerated 600,000.00 adds 60,000,000 x
    0.0653 / 360 = 10,883.33 fen that day (November's penalty is rounded once, so the day adds 10,883 or 10,884)."""
    dues = tuple(
        LoanDue(
            number=n,
            due_on=date(2026, 7 + n, 20) if n < 6 else date(2027, 1, 20),
            principal_fen=200_000_00,
            interest_fen=10_000_00,
        )
        for n in range(1, 7)
    )
    case_id = open_loan(app, "LN-ACCEL", dues, TERMS)
    before = app.get_case(case_id).position_as_of(date(2026, 11, 3)).penalty_fen
    app.handle(AccelerateLoan(case_id=case_id, on=TODAY, clause="第12.3条", reason="three dues unpaid", actor=LEGAL))
    now = app.get_case(case_id).position_as_of(TODAY)
    assert (now.overdue_principal_fen, now.interest_fen) == (1_200_000_00, 30_000_00)
    after = app.get_case(case_id).position_as_of(date(2026, 11, 3)).penalty_fen
    assert after - before in (10_883, 10_884)
    with pytest.raises(DuplicateError, match="already declared due"):
        app.handle(AccelerateLoan(case_id=case_id, on=TODAY, clause="第12.3条", reason="again", actor=LEGAL))
    with pytest.raises(InvariantError, match="before the case opened"):
        record = RecordCost(
            case_id=case_id,
            cost_id="OLD",
            kind="notary",
            amount=Money.of(1_00),
            incurred_on=date(2026, 1, 1),
            description="x",
            actor=LEGAL,
        )
        app.handle(record)


def test_across_a_debtors_loans_the_least_secured_then_the_heaviest_then_pro_rata() -> None:
    """Art. 560 when the debtor designates none: what has fallen due first; then 「缺乏担保或者担保最少的」, then
    「负担较重的」, then the earlier due, then pro rata. 90,000.00 against three loans each with 50,000.00 due: the
    unsecured one first (50,000.00); of the two secured equally, the one at the higher penalty rate (40,000.00)."""
    loans = [
        LoanClaim("secured-cheap", 50_000_00, 80_000_00, 100_000_00, Decimal("0.05"), date(2026, 9, 1)),
        LoanClaim("secured-dear", 50_000_00, 80_000_00, 100_000_00, Decimal("0.09"), date(2026, 9, 1)),
        LoanClaim("unsecured", 50_000_00, 80_000_00, 0, Decimal("0.05"), date(2026, 10, 1)),
    ]
    assert split_across_loans(loans, 90_000_00) == {
        "secured-cheap": 0,
        "secured-dear": 40_000_00,
        "unsecured": 50_000_00,
    }
    equal = [LoanClaim(k, 60_000_00, 60_000_00, 0, Decimal("0.05"), date(2026, 9, 1)) for k in ("a", "b")]
    assert split_across_loans(equal, 30_000_01) == {"a": 15_000_01, "b": 15_000_00}
    # beyond what has fallen due, what settles the loans, in the same order
    assert split_across_loans(loans, 200_000_00)["unsecured"] == 80_000_00
