"""A loan's own schedule on both stores: arrears that move, penalty interest recorded by the scheduler to the
fen, and the 2023 classification per claim and per debtor (README "Arrears that move", "Classification")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from application.app import CollectionsApp
from application.bootstrap import Container
from application.commands import (
    ClassifyCase,
    ClassifyDebtor,
    OpenCase,
    ReceivePayment,
    RegisterEnterprise,
)
from domain.case.events import DelinquencyClassified
from domain.case.ledger_events import PenaltyAccrued
from domain.errors import InvariantError, NotFoundError
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, contacts, credit_code, registration

TERMS = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=False)
#: an amortising loan: 200,000.00 principal + 10,000.00 interest on the 20th of each month
AMORTISING = tuple(
    LoanDue(
        number=n,
        due_on=date(2026, 7 + n, 20) if n < 6 else date(2027, n - 5, 20),
        principal_fen=200_000_00,
        interest_fen=10_000_00,
    )
    for n in range(1, 7)
)


def enterprise(app: CollectionsApp, n: int = 1) -> UUID:
    enterprise_id = app.enterprise_id_for(credit_code(n))
    try:
        app.get_enterprise(enterprise_id)
    except NotFoundError:
        app.handle(RegisterEnterprise(registration=registration(n), contacts=tuple(contacts()), actor=COLLECTOR))
    return enterprise_id


def open_scheduled(app: CollectionsApp, loan_id: str, dues: tuple[LoanDue, ...], n: int = 1) -> UUID:
    case_id: UUID = app.handle(
        OpenCase(
            loan_id=loan_id,
            enterprise_id=enterprise(app, n),
            principal=Money.of(sum(d.principal_fen for d in dues)),
            outstanding=Money.of(sum(d.principal_fen for d in dues)),
            dues=dues,
            terms=TERMS,
            actor=COLLECTOR,
        )
    ).result
    return case_id


def pay(app: CollectionsApp, case_id: UUID, fen: int, on: date, ref: str, *designated: int) -> None:
    app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.of(fen),
            received_on=on,
            reference=ref,
            designated_dues=designated,
            actor=COLLECTOR,
        )
    )


def test_paying_400000_of_420000_moves_overdue_since_and_days_past_due(app: CollectionsApp) -> None:
    """Opened 2 November 2026: the dues of 20 August, September and October fell due (630,000.00) and bear penalty
    interest (6.53%/360, simple) since the day after each, before the case opened too, per calendar month rounded
    half-up: due 1 (200,000.00 from 21 Aug: 11+30+31+2 days) 399.06 + 1,088.33 + 1,124.61 + 72.56 = 2,684.56; due 2
    (from 21 Sep: 10+31+2) 362.78 + 1,124.61 + 72.56 = 1,559.95; due 3 (from 21 Oct: 11+2) 399.06 + 72.56 = 471.62:
    4,716.13 in all. 400,000.00 pays due 1 (212,684.56) and part of due 2: the oldest unpaid is 20 September."""
    case_id = open_scheduled(app, "LN-AM-1", AMORTISING)
    case = app.get_case(case_id)
    assert (case.overdue_amount, case.overdue_since) == (Money.parse("634716.13"), date(2026, 8, 20))
    pay(app, case_id, 400_000_00, date(2026, 11, 2), "B-1")
    case = app.get_case(case_id)
    now = case.position_as_of(date(2026, 11, 2))
    assert (now.overdue_since, now.days_past_due) == (date(2026, 9, 20), 43)
    assert (case.overdue_amount, case.overdue_since) == (Money.parse("234716.13"), date(2026, 9, 20))
    assert case.days_past_due == 43


def test_an_amortising_loans_arrears_grow_as_dues_fall_due_and_the_scheduler_reclassifies(
    container: Container, clock: ManualClock
) -> None:
    app = container.app
    case_id = open_scheduled(app, "LN-AM-2", AMORTISING)
    paid = 212_684_56  # the August due with its penalty interest (the test above): oldest unpaid is September's
    pay(app, case_id, paid, date(2026, 11, 2), "B-1")
    case = app.get_case(case_id)
    assert case.loan_category == "special_mention" and case.days_past_due == 43
    overdue = []
    for day in (date(2026, 11, 19), date(2026, 11, 20), date(2026, 12, 21), date(2027, 1, 21)):
        clock.set(datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2))
        container.scheduler.tick()
        overdue.append(app.get_case(case_id).position_as_of(day).overdue_principal_fen)
    assert overdue == [400_000_00, 600_000_00, 800_000_00, 1_000_000_00]  # the principal past due
    case = app.get_case(case_id)
    events = app.case_events(case_id)
    classified = [e for e in events if isinstance(e, DelinquencyClassified)]
    assert classified[-1].category == "substandard" and "dpd>90" in classified[-1].rule_ids  # 20 September + 91 days
    accrued = [e for e in events if isinstance(e, PenaltyAccrued)]
    # every month ended is booked, from the first day past due (21 August), before the case opened too
    assert [(e.period_start, e.period_end) for e in accrued] == [
        (date(2026, 8, 21), date(2026, 8, 31)),
        (date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ]
    # the ledger balances to the fen: principal + interest + penalty - paid; the booked part is the months ended
    now = case.position_as_of(date(2027, 1, 21))
    assert now.outstanding_fen == 1_200_000_00 + 60_000_00 + now.penalty_fen - paid
    assert now.booked_penalty_fen == sum(e.amount.fen for e in accrued) < now.penalty_fen


def test_a_payment_before_the_case_opened_is_refused(app: CollectionsApp) -> None:
    case_id = open_scheduled(app, "LN-EARLY", AMORTISING)
    with pytest.raises(InvariantError, match="before the case opened"):
        pay(app, case_id, 100_00, date(2026, 10, 30), "EARLY")


def test_a_designated_payment_pays_the_named_due(app: CollectionsApp) -> None:
    """Due 3 owes 210,000.00 and 471.62 of penalty on 2 November (the first test's figures): paid in full when
    the debtor designates it; dues 1 and 2 keep theirs (212,684.56 and 211,559.95)."""
    case_id = open_scheduled(app, "LN-DES", AMORTISING)
    pay(app, case_id, 210_471_62, date(2026, 11, 2), "B-1", 3)
    now = app.get_case(case_id).position_as_of(date(2026, 11, 2))
    assert [b.unpaid for b in now.balances[:3]] == [212_684_56, 211_559_95, 0]
    assert now.overdue_since == date(2026, 8, 20)
    with pytest.raises(InvariantError, match="no due"):
        pay(app, case_id, 100_00, date(2026, 11, 2), "B-2", 9)


def test_a_substandard_loan_does_not_become_normal_on_one_payment(app: CollectionsApp, clock: ManualClock) -> None:
    case_id = app.handle(
        OpenCase(
            loan_id="LN-OLD",
            enterprise_id=enterprise(app),
            principal=Money.parse("1000000.00"),
            outstanding=Money.parse("800000.00"),
            overdue_amount=Money.parse("420000.00"),
            overdue_since=date(2026, 7, 1),
            actor=COLLECTOR,
        )
    ).result
    app.handle(ClassifyCase(case_id=case_id, actor=SUPERVISOR))
    assert app.get_case(case_id).loan_category == "substandard"
    pay(app, case_id, 420_000_00, date(2026, 11, 2), "B-1")
    case = app.get_case(case_id)
    assert (case.delinquency_bucket, case.loan_category) == ("current", "substandard")
    assert "npl-upgrade" in case.category_rules
    clock.set(datetime(2027, 5, 3, 2, 0, tzinfo=UTC))  # six months of no new arrears
    app.handle(ClassifyCase(case_id=case_id, actor=SUPERVISOR))
    assert app.get_case(case_id).loan_category == "normal"


def test_more_than_ten_percent_non_performing_makes_the_whole_debtor_non_performing(app: CollectionsApp) -> None:
    enterprise_id = enterprise(app, 5)
    performing = (LoanDue(number=1, due_on=date(2027, 6, 30), principal_fen=800_000_00, interest_fen=0),)
    healthy = open_scheduled(app, "LN-BIG", performing, n=5)
    bad = app.handle(
        OpenCase(
            loan_id="LN-SMALL",
            enterprise_id=enterprise_id,
            principal=Money.parse("200000.00"),
            outstanding=Money.parse("200000.00"),
            overdue_amount=Money.parse("200000.00"),
            overdue_since=date(2026, 6, 1),
            actor=COLLECTOR,
        )
    ).result
    app.handle(ClassifyCase(case_id=bad, actor=SUPERVISOR))
    app.handle(ClassifyDebtor(enterprise_id=enterprise_id, actor=SUPERVISOR))
    debtor = app.get_enterprise(enterprise_id)
    assert debtor.debtor_category == "substandard" and debtor.debtor_rule_ids == ["debtor-10pct"]
    # 200,000 of 1,000,000 (20%) non-performing: the healthy loan is non-performing too
    assert debtor.debtor_claims == {str(healthy): "substandard", str(bad): "substandard"}
    assert app.get_case(healthy).loan_category == "normal"  # its own judgement; the debtor's rule is on top
