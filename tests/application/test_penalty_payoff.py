"""Penalty interest to the day and the payoff that settles a loan, on both stores (docs/ledger.md "Penalty interest",
"The payoff", "Two times"): each worked example's hand computation is in its docstring."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from application.app import CollectionsApp
from application.bootstrap import Container
from application.commands import OpenCase, ReceivePayment
from application.history import case_on
from domain.case.ledger_events import PenaltyAccrued, PenaltyAdjusted
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.application.test_loan_schedule import enterprise
from tests.factories import COLLECTOR


def at(day: date, hour: int = 2) -> datetime:
    """A moment of a day (02:00 UTC is 10:00 in Shanghai: the same day in the case's zone)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def open_loan(app: CollectionsApp, loan_id: str, dues: tuple[LoanDue, ...], terms: LoanTerms) -> UUID:
    principal = Money.of(sum(d.principal_fen for d in dues))
    command = OpenCase(
        loan_id=loan_id,
        enterprise_id=enterprise(app),
        principal=principal,
        outstanding=principal,
        dues=dues,
        terms=terms,
        actor=COLLECTOR,
    )
    case_id: UUID = app.handle(command).result
    return case_id


def pay(app: CollectionsApp, case_id: UUID, fen: int, on: date, ref: str) -> None:
    app.handle(ReceivePayment(case_id=case_id, amount=Money.of(fen), received_on=on, reference=ref, actor=COLLECTOR))


SIX = LoanTerms(interest_rate=Decimal("0.04"), penalty_rate=Decimal("0.06"), compound=False)


def test_paid_five_days_after_the_due_date_five_days_of_penalty(app: CollectionsApp, clock: ManualClock) -> None:
    """Due 20 October, paid 25 October: the due day is excluded, the payment day included (算头不算尾): 21, 22, 23,
    24 and 25 October, 5 days. 360,000.00 x 6% / 360 = 60.00 a day; 5 x 60.00 = 300.00. Paying 360,300.00 that day
    settles the loan: nothing is owed on 25 October nor at the end of November. Paid one day late (21 October),
    one day is charged: 60.00."""
    clock.set(at(date(2026, 10, 21)))
    due = (LoanDue(number=1, due_on=date(2026, 10, 20), principal_fen=360_000_00, interest_fen=0),)
    late = open_loan(app, "LN-5DAYS", due, SIX)
    one = open_loan(app, "LN-1DAY", due, SIX)
    pay(app, one, 360_060_00, date(2026, 10, 21), "ONE-DAY")
    clock.set(at(date(2026, 10, 25)))
    case = app.get_case(late)
    assert case.position_as_of(date(2026, 10, 25)).penalty_fen == 300_00
    assert case.position_as_of(date(2026, 10, 25)).payoff_fen == 360_300_00
    pay(app, late, 360_300_00, date(2026, 10, 25), "FIVE-DAYS")
    case = app.get_case(late)
    assert [case.position_as_of(d).outstanding_fen for d in (date(2026, 10, 25), date(2026, 11, 30))] == [0, 0]
    assert app.get_case(one).position_as_of(date(2026, 11, 30)).penalty_fen == 60_00


def test_the_payoff_quoted_for_16_november_settles_the_loan_and_nothing_reappears_on_1_december(
    container: Container, clock: ManualClock
) -> None:
    """1,000,000.00 due 31 October, penalty 6.525% (4.35% + 50%) / 360 = 181.25 a day. On 16 November 1..16
    November are past due: 16 x 181.25 = 2,900.00; the payoff is 1,002,900.00 (the case opened on 2 November:
    before, only the 14 days since opening were charged and 2,537.50 reappeared on 1 December). Paid that day, the
    loan owes 0.00 on 16 November, and on 1 December the scheduler books November's 2,900.00, which the payment
    already paid: still 0.00."""
    app = container.app
    terms = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.06525"), compound=True)
    due = (LoanDue(number=1, due_on=date(2026, 10, 31), principal_fen=1_000_000_00, interest_fen=0),)
    case_id = open_loan(app, "LN-PAYOFF", due, terms)
    clock.set(at(date(2026, 11, 16)))
    quote = app.get_case(case_id).position_as_of(date(2026, 11, 16)).payoff_fen
    assert quote == 1_002_900_00
    pay(app, case_id, quote, date(2026, 11, 16), "PAYOFF")
    for day in (date(2026, 12, 1), date(2026, 12, 2)):
        clock.set(at(day))
        container.scheduler.tick()
    case = app.get_case(case_id)
    booked = [e for e in app.case_events(case_id) if isinstance(e, PenaltyAccrued)]
    assert [(e.period_start, e.amount) for e in booked] == [(date(2026, 11, 1), Money.parse("2900.00"))]
    assert [case.position_as_of(d).outstanding_fen for d in (date(2026, 11, 16), date(2026, 12, 1))] == [0, 0]
    assert case.outstanding == Money.zero()


def test_a_receipt_value_dated_back_into_a_booked_month_corrects_the_booking_by_an_adjustment(
    container: Container, clock: ManualClock
) -> None:
    """1,000,000.00 due 31 October, 6.53% / 360, simple. On 1 December November is booked: 30 days x 100,000,000
    fen x 0.0653 / 360 = 544,166.67 -> 5,441.67. On 2 December a receipt of 500,000.00 is booked whose value date
    is 20 November. November recomputed from it: 1..20 November on 100,000,000 fen (the value day counts), penalty
    362,777.78 -> 3,627.78 paid first by the receipt, then 496,372.22 of principal: 503,627.78 left for 21..30
    November. November's base 2,000,000,000 + 10 x 50,362,778 = 2,503,627,780 fen-days x 0.0653 / 360 = 454,130.26 ->
    4,541.30. The booking stays; PenaltyAdjusted records -900.37 on 2 December. As the bank knew it on 1 December,
    1 December's position has no receipt and 5,441.67 booked (+ 181.39 for 1 December: 100,000,000 x 0.0653 / 360 =
    18,138.89 fen); as known now, 2 December's has the receipt, 4,541.30 booked, and 182.70 for 1..2 December
    (2 x 50,362,778 x 0.0653 / 360 = 18,270.50 -> 18,270 fen)."""
    app = container.app
    terms = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=False)
    due = (LoanDue(number=1, due_on=date(2026, 10, 31), principal_fen=1_000_000_00, interest_fen=0),)
    case_id = open_loan(app, "LN-BACK", due, terms)
    clock.set(at(date(2026, 12, 1)))
    container.scheduler.tick()
    known_before = app.case_events(case_id)[-1].timestamp  # the store records when it was written (real time)
    clock.set(at(date(2026, 12, 2)))
    pay(app, case_id, 500_000_00, date(2026, 11, 20), "VALUE-20-NOV")
    events = app.case_events(case_id)
    booked = [e.amount for e in events if isinstance(e, PenaltyAccrued)]
    adjusted = [(e.period_start, e.period_end, e.amount) for e in events if isinstance(e, PenaltyAdjusted)]
    assert booked == [Money.parse("5441.67")]
    assert adjusted == [(date(2026, 11, 1), date(2026, 11, 30), Money.parse("-900.37"))]
    then = case_on(events, date(2026, 12, 1), known_at=known_before).position_as_of(date(2026, 12, 1))
    now = case_on(events, date(2026, 12, 2)).position_as_of(date(2026, 12, 2))
    assert (then.paid_fen, then.booked_penalty_fen, then.penalty_fen) == (0, 544_167, 544_167 + 18_139)
    assert (now.paid_fen, now.booked_penalty_fen, now.penalty_fen) == (500_000_00, 454_130, 454_130 + 18_270)
    assert now.outstanding_fen == 1_000_000_00 + now.penalty_fen - 500_000_00
