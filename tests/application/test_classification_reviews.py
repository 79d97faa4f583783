"""Classification by the 2023 rules on the days a category can change (issue 21 item 5), on both stores: a cured
non-performing claim reaches normal on its upgrade day, not at the next review after it; the debtor rule weighs all
the debtor's claims the bank holds (its loan records), not only the loans in collections."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from application.bootstrap import Container
from application.commands import AddLoanRecord, ClassifyDebtor, OpenCase, ReceivePayment, RegisterEnterprise
from domain.case.events import DelinquencyClassified
from domain.enterprise.values import LoanRecord
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, contacts, credit_code, open_case, registration

#: twelve monthly dues of 100,000.00 principal (no interest, no penalty: only the dates matter), 2026-08-20 … 2027-07-20
DUE_DAYS = [date(2026 + (7 + m) // 12, (7 + m) % 12 + 1, 20) for m in range(12)]


def at(container: Container, day: date) -> None:
    """10:00 Beijing time on ``day``."""
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def pay(container: Container, case_id: UUID, amount: str, day: date, reference: str) -> None:
    at(container, day)
    container.app.handle(
        ReceivePayment(
            case_id=case_id, amount=Money.parse(amount), received_on=day, reference=reference, actor=COLLECTOR
        )
    )
    container.scheduler.tick()


def test_a_cured_claim_reaches_normal_on_its_upgrade_day(container: Container) -> None:
    """Opened 2026-11-02 with the dues of 20 Aug, Sep and Oct unpaid (overdue since 2026-08-20). On 2026-11-18
    days past due = 90, on 2026-11-19 = 91 > 90: substandard (reviewed that day). On 2026-11-25 the four dues
    fallen due (Aug-Nov, 400,000.00) are paid: cured on 2026-11-25, still substandard (npl-upgrade). The upgrade
    needs regular repayment for the longer of two repayment periods (the second due after the cure is 2027-01-20,
    judged fallen from the day after: 2027-01-21) and six months (2026-11-25 + 6 months = 2027-05-25): every due
    paid on its day, the claim is normal on 2027-05-25, the day the scheduler reviews it, not at a later review."""
    app = container.app
    app.handle(RegisterEnterprise(registration=registration(8), contacts=tuple(contacts()), actor=COLLECTOR))
    dues = tuple(
        LoanDue(number=n, due_on=day, principal_fen=100_000_00, interest_fen=0) for n, day in enumerate(DUE_DAYS, 1)
    )
    case_id: UUID = app.handle(
        OpenCase(
            loan_id="LN-CURED",
            enterprise_id=app.enterprise_id_for(credit_code(8)),
            principal=Money.parse("1200000.00"),
            outstanding=Money.parse("1200000.00"),
            dues=dues,
            terms=LoanTerms(interest_rate=Decimal("0"), penalty_rate=Decimal("0")),
            actor=COLLECTOR,
        )
    ).result
    for day in (date(2026, 11, 18), date(2026, 11, 19)):
        at(container, day)
        container.scheduler.tick()
    assert app.get_case(case_id).loan_category == "substandard"
    pay(container, case_id, "400000.00", date(2026, 11, 25), "CURE")
    for n, day in enumerate(DUE_DAYS[4:10], 5):  # Dec 2026 … May 2027, each on its day
        pay(container, case_id, "100000.00", day, f"DUE-{n}")
    assert app.get_case(case_id).loan_category == "substandard"
    day = date(2027, 5, 21)
    while day <= date(2027, 6, 30):
        at(container, day)
        container.scheduler.tick()
        day += timedelta(days=1)
    normal = [
        e
        for e in app.case_events(case_id)
        if isinstance(e, DelinquencyClassified) and e.category == "normal" and e.previous_category == "substandard"
    ]
    assert [e.as_of for e in normal] == [date(2027, 5, 25)]


def test_the_debtor_rule_weighs_every_claim_the_bank_holds(container: Container) -> None:
    """Art. 7 ¶2: the debtor's claims at the bank, not only those in collections. The enterprise owes 6,000,000.00
    on the loan in collections (1,200,000.00 overdue since 2026-09-15 → 48 days past due on 2026-11-02: special
    mention) and, from its loan records, 50,000,000.00 on a performing loan (status ``current``) and 1,000,000.00 on
    a loan 120 days past due. Non-performing: 1,000,000 of 57,000,000 = 1.75% ≤ 10%, so the rule does not apply and
    the answer counts 3 claims. With the overdue record at 9,000,000.00: 9,000,000 / 65,000,000 = 13.8% > 10%: all
    claims are at least substandard."""
    case_id = open_case(container.app, 9)
    enterprise_id = container.app.get_case(case_id).enterprise_id

    def record(loan_id: str, amount: str, dpd: int, status: str) -> None:
        container.app.handle(
            AddLoanRecord(
                enterprise_id=enterprise_id,
                record=LoanRecord(
                    loan_id=loan_id,
                    amount=Money.parse(amount),
                    start_on=date(2024, 1, 1),
                    maturity_on=date(2028, 1, 1),
                    overdue_episodes=1 if dpd else 0,
                    max_days_past_due=dpd,
                    status=status,
                    outstanding=Money.parse(amount),
                    days_past_due=dpd,
                ),
                actor=SUPERVISOR,
            )
        )

    record("LN-BIG", "50000000.00", 0, "current")
    record("LN-LATE", "1000000.00", 120, "overdue")
    container.app.handle(ClassifyDebtor(enterprise_id=enterprise_id, actor=SUPERVISOR))
    enterprise = container.app.get_enterprise(enterprise_id)
    assert enterprise.debtor_reason.startswith("1.8% of 3 claim(s)"), enterprise.debtor_reason
    assert enterprise.debtor_rule_ids == [] and enterprise.debtor_category == "substandard"
    assert enterprise.debtor_claims[str(case_id)] == "special_mention"
    record("LN-LATER", "8000000.00", 100, "overdue")
    container.app.handle(ClassifyDebtor(enterprise_id=enterprise_id, actor=SUPERVISOR))
    enterprise = container.app.get_enterprise(enterprise_id)
    assert enterprise.debtor_rule_ids == ["debtor-10pct"], enterprise.debtor_reason
    assert enterprise.debtor_reason.startswith("13.8% of 4 claim(s)")
    assert enterprise.debtor_claims[str(case_id)] == "substandard"
    assert enterprise.debtor_claims["loan:LN-BIG"] == "substandard"
