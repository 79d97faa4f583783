"""A case opened with only an overdue amount and date is on the ledger from the moment it opens, and its figures
move with time through the scheduler's reviews, on both stores (docs/ledger.md "Every case on one ledger")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from application.bootstrap import Container
from application.commands import OpenCase
from domain.classification import add_months
from domain.loan_ledger import LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.application.test_loan_schedule import enterprise
from tests.factories import COLLECTOR


def open_basic(container: Container, terms: LoanTerms | None = None) -> UUID:
    case_id: UUID = container.app.handle(
        OpenCase(
            loan_id="LN-BASIC",
            enterprise_id=enterprise(container.app),
            principal=Money.parse("1000000.00"),
            outstanding=Money.parse("800000.00"),
            overdue_amount=Money.parse("420000.00"),
            overdue_since=date(2026, 10, 20),
            terms=terms,
            actor=COLLECTOR,
        )
    ).result
    return case_id


def test_a_basic_cases_days_past_due_category_and_limitation_are_right_from_opening_and_move_with_the_scheduler(
    container: Container, clock: ManualClock
) -> None:
    """420,000.00 overdue since 20 October 2026, opened 2 November: 13 days past due, special mention, the
    limitation period from 20 October to 20 October 2029, all at opening; no view shows null. Thirteen months
    later, the scheduler's reviews alone (no one assesses it) have moved it: on 2 December 2027, 408 days past due
    (365 + 43), loss (> 360 since 16 October 2027). Before, it stayed at the 13 days and special mention it was
    stored with, or null."""
    case_id = open_basic(container)
    case = container.app.get_case(case_id)
    assert (case.days_past_due, case.loan_category, case.limitation_ends_on) == (
        13,
        "special_mention",
        date(2029, 10, 20),
    )
    container.projections.catch_up()
    view = container.read_model.case_progress(case_id)
    assert view.days_past_due == 13 and view.classification is not None and view.limitation_ends_on == "2029-10-20"
    for month in range(1, 14):
        day = add_months(date(2026, 11, 2), month)
        clock.set(datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
        container.scheduler.tick()
    case = container.app.get_case(case_id)
    assert (case.position_as_of(date(2027, 12, 2)).days_past_due, case.loan_category) == (408, "loss")
    container.projections.catch_up()
    view = container.read_model.case_progress(case_id)
    assert (view.days_past_due, view.classification and view.classification.category) == (408, "loss")


def test_a_basic_case_with_the_contracts_rates_bears_penalty_from_its_overdue_date(
    container: Container, clock: ManualClock
) -> None:
    """The same case with a 6% / 360 penalty rate (simple): 420,000.00 x 6% / 360 = 70.00 a day from 21 October.
    Opened 2 November: 13 days, 910.00 owed already; on 1 December the scheduler books October (11 days, 770.00)
    and November (30 days, 2,100.00)."""
    terms = LoanTerms(interest_rate=Decimal("0.04"), penalty_rate=Decimal("0.06"), compound=False)
    case_id = open_basic(container, terms)
    assert container.app.get_case(case_id).position_as_of(date(2026, 11, 2)).penalty_fen == 910_00
    clock.set(datetime(2026, 12, 1, 2, tzinfo=UTC))
    container.scheduler.tick()
    booked = container.app.get_case(case_id).position_as_of(date(2026, 12, 1)).booked_penalty_fen
    assert booked == 770_00 + 2_100_00
