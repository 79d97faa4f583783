"""Cases driven by the clock and the scheduler: the days pass, the scheduler ticks once a day at 10:00 Shanghai.

``walk_120_days`` is the scenario the README's "How time drives a case" timeline is printed from
(``python -m tests.application.time_scenarios``).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from application.bootstrap import Container, bootstrap
from application.commands import (
    AssessRisk,
    LetterFacts,
    LogContact,
    MakePromise,
    ReceivePayment,
    ScheduleVisit,
    StartLegalAction,
    VisitFacts,
)
from application.scheduler import TickReport
from demo.examples import SEED_EXAMPLES
from demo.seeding import seed_enterprise
from domain.base import Actor, Role
from domain.case.values import Channel, ContactOutcome, LegalActionKind, LetterKind
from domain.money import Money
from domain.narration import describe
from domain.rules import local_date
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR

RISK = Actor(user_id="sun.risk", role=Role.RISK)
LAWYER = Actor(user_id="liu.legal", role=Role.LEGAL)
LOW_CASE = next(spec for spec in SEED_EXAMPLES if spec.key == "logistics")  # a low-tier case
PARTY = "Guo Hua"
SHA = "ab" * 32


def low_tier_case(container: Container) -> UUID:
    """The logistics firm of the seed, assessed low (its deadlines: reminders, payment or promise in 10 days)."""
    case_id, _ = seed_enterprise(container.app, LOW_CASE)
    container.app.handle(AssessRisk(case_id=case_id, actor=RISK))
    return case_id


def pass_days(container: Container, days: int) -> list[TickReport]:
    """Move the clock a day at a time, ticking the scheduler each day."""
    clock = container.clock
    assert isinstance(clock, ManualClock)
    reports = []
    for _ in range(days):
        clock.advance(timedelta(days=1))
        reports.append(container.scheduler.tick())
    return reports


def today(container: Container) -> date:
    """The day in Shanghai."""
    return local_date(container.clock.now(), "Asia/Shanghai")


def remind(container: Container, case_id: UUID) -> None:
    """A collector's reminder call today, unanswered: the bank made its contact attempt."""
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.PHONE,
            party=PARTY,
            outcome=ContactOutcome.NO_ANSWER,
            summary="reminder call",
            actor=COLLECTOR,
        )
    )


def pay(container: Container, case_id: UUID, amount: str, reference: str) -> None:
    """The enterprise pays today."""
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse(amount),
            received_on=today(container),
            reference=reference,
            actor=COLLECTOR,
        )
    )


def promise(container: Container, case_id: UUID, amount: str, in_days: int) -> str:
    """The enterprise promises an amount in some days; the promise id."""
    due_on = today(container) + timedelta(days=in_days)
    result: str = container.app.send(
        MakePromise(case_id=case_id, amount=Money.parse(amount), due_on=due_on, actor=COLLECTOR), str
    )
    return result


def walk_120_days(container: Container) -> UUID:
    """Low → medium → high → legal action, by the scheduler alone, while the collectors work the case.

    Day 0 low (called on days 3, 6 and 9; no payment or promise in 10 days) → day 10 medium (a visit is made in time; a
    token promise is kept in two payments; no agreement nor meaningful payment in 30 days) → day 40 high (the
    lawyer's letter goes out in time; a promise is broken; no agreement or payment in 18 days) → day 58 legal's
    task → day 60 litigation.
    """
    app = container.app
    case_id = low_tier_case(container)
    for _ in range(3):  # days 3, 6, 9: the collector calls (the policy's three attempts); nobody answers
        pass_days(container, 3)
        remind(container, case_id)
    pass_days(container, 4)  # reminders on days 3, 6, 9; medium on day 10
    visit_at = container.clock.now() + timedelta(days=1)
    visit_id = app.send(
        ScheduleVisit(case_id=case_id, planned_at=visit_at, party=PARTY, staff=("wang", "li"), actor=COLLECTOR), str
    )
    pass_days(container, 1)  # day 14: the visit
    app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.VISIT,
            party=PARTY,
            outcome=ContactOutcome.MET,
            summary="on site: cash is short until a receivable comes in",
            visit=VisitFacts(staff=("wang", "li"), visit_id=visit_id),
            actor=COLLECTOR,
        )
    )
    pass_days(container, 6)  # day 20
    remind(container, case_id)
    promise(container, case_id, "20000.00", 5)  # under the policy's 10% of the arrears: a token, not a response
    pass_days(container, 2)
    pay(container, case_id, "10000.00", "BANK-0022")
    pass_days(container, 2)
    pay(container, case_id, "10000.00", "BANK-0024")  # the promise is kept in two payments
    pass_days(container, 6)  # day 30
    remind(container, case_id)  # the third contact attempt of the medium window
    pass_days(container, 12)  # day 42; high since day 40
    app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party=PARTY,
            outcome=ContactOutcome.DELIVERED,
            letter=LetterFacts(
                letter_kind=LetterKind.LAWYERS_LETTER, document_sha256=SHA, delivery_evidence="EMS 1180 2233 44"
            ),
            actor=COLLECTOR,
        )
    )
    pass_days(container, 3)  # day 45
    promise(container, case_id, "200000.00", 5)
    pass_days(container, 15)  # day 60: broken on day 52, recontact on day 53, legal's task on day 58
    app.handle(
        StartLegalAction(
            case_id=case_id, kind=LegalActionKind.LITIGATION, summary="suit filed at the district court", actor=LAWYER
        )
    )
    app.handle(AssessRisk(case_id=case_id, actor=RISK))  # unchanged data: the tier stays high
    pass_days(container, 60)  # to day 120: nothing more is due
    return case_id


def print_timeline(container: Container, case_id: UUID) -> None:
    """Day, actor and what happened, one line per event (from the day the case was assessed)."""
    events = container.app.case_events(case_id)
    start = next(e for e in events if type(e).__name__ == "RiskAssessed").occurred_at
    for event in events:
        if event.occurred_at < start:
            continue
        day = (event.occurred_at - start).days
        print(f"day {day:>3}  {event.actor!s:<24} {describe(event)}")


def main() -> None:
    """Run the 120-day walk on a fresh SQLite file and print the case's timeline."""
    from tests.conftest import TEST_START

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'walk.db'}")
        container = bootstrap(settings, ManualClock(TEST_START))
        try:
            case_id = walk_120_days(container)
            print_timeline(container, case_id)
        finally:
            container.close()


if __name__ == "__main__":
    main()
    sys.exit(0)
