"""A signed agreement reschedules the ledger, and a defaulted one revives what it replaced, on both stores
(docs/ledger.md "Agreements reschedule the ledger", docs/classification.md "Restructured claims")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from application.app import CollectionsApp
from application.bootstrap import Container
from application.commands import DefaultAgreement, ProposePlan, SignAgreement
from application.handlers.commitments import ProposedPlan
from domain.case.events import AgreementCompleted, DelinquencyClassified
from domain.case.values import Installment, PlanKind
from domain.classification import add_months
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.application.test_penalty_payoff import open_loan, pay
from tests.factories import COLLECTOR, SUPERVISOR

TERMS = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.0653"), compound=True)
LOAN = (LoanDue(number=1, due_on=date(2026, 8, 20), principal_fen=1_200_000_00, interest_fen=0),)
#: twelve instalments of 100,000.00 on the 20th, November 2026 to October 2027
DATES = [add_months(date(2026, 11, 20), k) for k in range(12)]


def sign_twelve(app: CollectionsApp, case_id: UUID) -> str:
    schedule = tuple(Installment(due_on=d, amount=Money.parse("100000.00")) for d in DATES)
    plan = app.send(
        ProposePlan(
            case_id=case_id, kind=PlanKind.EQUAL, amount=Money.parse("1200000.00"), schedule=schedule, actor=COLLECTOR
        ),
        ProposedPlan,
    )
    return app.send(
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=date(2026, 11, 2),
            signatories=("Bank", "Enterprise 1"),
            document_sha256="ab" * 32,
            actor=SUPERVISOR,
        ),
        str,
    )


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def test_an_honoured_agreement_replaces_the_overdue_due_stops_its_penalty_and_is_observed_not_downgraded(
    container: Container, clock: ManualClock
) -> None:
    """1,200,000.00 due 20 August; opened and restructured on 2 November (74 days past due, special mention) into
    12 x 100,000.00 on the 20th from 20 November. The agreement replaces the overdue due: its principal goes to
    the instalments (100,000.00 each, no agreement interest: they add up to the principal), its penalty to
    2 November (1,200,000.00 x 6.53% / 360 x 74 days, compounding nothing: no interest was unpaid) is replaced by the
    agreement's terms. Days past due count on the agreed schedule: 0 while each instalment is paid on its date.
    Art. 20's observation period starts on the first agreed repayment, 20 November 2026, and lasts at least two
    periods (to 20 January 2027) and a year: to 20 November 2027; the loan is repaid before, on 20 October 2027.
    Before the fix the claim went substandard on 19 November, doubtful on 18 May 2027 and loss on 16 August 2027,
    and 46,587.29 of penalty was still owed after the last instalment."""
    app = container.app
    case_id = open_loan(app, "LN-RESTRUCTURED", LOAN, TERMS)
    sign_twelve(app, case_id)
    now = app.get_case(case_id).position_as_of(date(2026, 11, 2))
    assert (now.overdue_fen, now.days_past_due, now.outstanding_fen) == (0, 0, 1_200_000_00)
    categories = {}
    for n, day in enumerate(DATES, start=1):
        clock.set(at(day))
        container.scheduler.tick()
        pay(app, case_id, 100_000_00, day, f"INSTALMENT-{n}")
        for probe in (date(2026, 11, 19), date(2027, 5, 18), date(2027, 8, 16)):
            if day >= probe and probe not in categories:
                case = app.get_case(case_id)
                categories[probe] = (str(case.judge(probe).category), case.position_as_of(probe).days_past_due)
    assert categories == {
        date(2026, 11, 19): ("special_mention", 0),
        date(2027, 5, 18): ("special_mention", 0),
        date(2027, 8, 16): ("special_mention", 0),
    }
    case = app.get_case(case_id)
    events = app.case_events(case_id)
    assert any(isinstance(e, AgreementCompleted) for e in events)
    assert case.position_as_of(date(2027, 10, 20)).outstanding_fen == 0
    assert case.position_as_of(date(2027, 12, 31)).outstanding_fen == 0  # no penalty reappears
    assert case.judge(date(2027, 10, 21)).category == "normal"
    worst = {e.category for e in events if isinstance(e, DelinquencyClassified)}
    assert worst <= {"special_mention", "normal"}


def test_a_defaulted_agreement_revives_the_original_due_with_its_penalty_less_what_was_paid(
    container: Container, clock: ManualClock
) -> None:
    """The same loan and agreement; the first instalment (100,000.00) paid on 20 November, then nothing. The
    agreement defaults on 5 January 2027: the original due revives as though the agreement had never been signed,
    with penalty from its own date, less every payment. As of 5 January: 1,200,000.00 due 20 August, unpaid
    since, 138 days past due (substandard); the 100,000.00 paid on 20 November went first to the penalty accrued on
    the original due by then, then to principal. Before the default, on 4 January, the agreed schedule governs:
    instalment 2 (20 December) is unpaid, 15 days past due."""
    app = container.app
    case_id = open_loan(app, "LN-DEFAULTED", LOAN, TERMS)
    agreement = sign_twelve(app, case_id)
    clock.set(at(date(2026, 11, 20)))
    pay(app, case_id, 100_000_00, date(2026, 11, 20), "INSTALMENT-1")
    clock.set(at(date(2027, 1, 5)))
    container.scheduler.tick()
    before = app.get_case(case_id).position_as_of(date(2027, 1, 4))
    assert (before.overdue_since, before.days_past_due) == (date(2026, 12, 20), 15)
    app.handle(DefaultAgreement(case_id=case_id, agreement_id=agreement, reason="stopped paying", actor=SUPERVISOR))
    case = app.get_case(case_id)
    revived = case.position_as_of(date(2027, 1, 5))
    assert (revived.overdue_since, revived.days_past_due) == (date(2026, 8, 20), 138)
    (due,) = [b for b in revived.balances if b.replaced_by is None]
    assert due.paid_penalty + due.paid_principal == 100_000_00 and due.paid_penalty > 0
    assert revived.outstanding_fen == 1_200_000_00 + revived.penalty_fen - 100_000_00
    assert case.judge(date(2027, 1, 5)).category == "substandard"
    # the past is not edited: as of 4 January the agreed schedule still answers
    assert case.position_as_of(date(2027, 1, 4)).overdue_since == date(2026, 12, 20)
