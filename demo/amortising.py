"""One amortising loan walked through time: its balance, days past due and classification at five dates.

Run: ``.venv/bin/python -m demo.amortising`` (a throw-away SQLite store; the scheduler's ticks record the
penalty interest and the classification; README "Arrears that move" shows the output)."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from application.bootstrap import bootstrap
from application.commands import OpenCase, ReceivePayment, RegisterEnterprise
from domain.base import Actor, Role
from domain.credit_code import complete_credit_code
from domain.enterprise.values import ContactPerson, Registration
from domain.ids import enterprise_id
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings

CREDIT = Actor(user_id="qian.credit", role=Role.CREDIT)
COLLECTOR = Actor(user_id="wang.collector", role=Role.COLLECTOR)
CODE = complete_credit_code("91320500MA1X0AMRT")
#: 1,200,000.00 over a year: 100,000.00 principal + 2,500.00 interest on the 20th from June 2026; rates 4.35%
#: and +50% (6.525%), overdue interest compounding
DUES = tuple(
    LoanDue(
        number=n,
        due_on=date(2026 + (n + 4) // 12, (n + 4) % 12 + 1, 20),
        principal_fen=100_000_00,
        interest_fen=2_500_00,
    )
    for n in range(1, 13)
)
TERMS = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.06525"), compound=True)
DATES = (date(2026, 9, 1), date(2026, 10, 21), date(2026, 11, 21), date(2026, 12, 21), date(2027, 2, 1))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(at(DATES[0]))
        container = bootstrap(Settings(database_url=f"sqlite:///{Path(folder) / 'walk.db'}"), clock)
        app = container.app
        try:
            registration = Registration(
                credit_code=CODE,
                name="Jiangnan Precision Castings Co., Ltd.",
                registered_capital=Money.parse("30000000.00"),
                legal_representative="Zhou Wei",
                industry="manufacturing",
                region="Jiangsu",
            )
            app.handle(
                RegisterEnterprise(
                    registration=registration,
                    contacts=(ContactPerson(name="Li Na", phone="+86 139 0000 0000"),),
                    actor=CREDIT,
                )
            )
            case_id = app.handle(
                OpenCase(
                    loan_id="LN-AMORT-1",
                    enterprise_id=enterprise_id(CODE),
                    principal=Money.parse("1200000.00"),
                    outstanding=Money.parse("1200000.00"),
                    dues=DUES,
                    terms=TERMS,
                    actor=CREDIT,
                )
            ).result
            print(
                f"{'as of':<11} {'outstanding':>13} {'overdue':>12} {'since':<11} {'dpd':>4} {'penalty':>9}  category"
            )
            for n, day in enumerate(DATES):
                clock.set(at(day))
                container.scheduler.tick()
                paying = {2: app.get_case(case_id).position_as_of(day).overdue_fen // 2, 4: None}
                if n in paying:  # 21 November: half the arrears; 1 February 2027: all of them
                    fen = paying[n] or app.get_case(case_id).position_as_of(day).overdue_fen
                    app.handle(
                        ReceivePayment(
                            case_id=case_id,
                            amount=Money.of(fen),
                            received_on=day,
                            reference=f"BANK-{n}",
                            actor=COLLECTOR,
                        )
                    )
                case = app.get_case(case_id)
                now = case.position_as_of(day)
                outstanding, overdue, penalty = (
                    str(Money.of(fen)) for fen in (now.outstanding_fen, now.overdue_fen, now.penalty_fen)
                )
                since = now.overdue_since.isoformat() if now.overdue_since else "-"
                print(
                    f"{day.isoformat():<11} {outstanding:>13} {overdue:>12} {since:<11} {now.days_past_due:>4} "
                    f"{penalty:>9}  {case.loan_category} {case.category_rules}"
                )
            debtor = app.get_enterprise(enterprise_id(CODE))
            print(f"debtor: {debtor.debtor_category} {debtor.debtor_rule_ids} ({debtor.debtor_reason})")
        finally:
            container.close()


if __name__ == "__main__":
    main()
