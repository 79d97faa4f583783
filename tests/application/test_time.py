"""Time moves the cases: deadlines fire through the scheduler exactly once, commitments are judged, escalation
changes the treatment (both stores)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.cli import main
from application.bootstrap import Container, bootstrap
from application.commands import AssessRisk, OpenCase, ProposePlan, ReviewLegalClock, SetDeadline, SignAgreement
from application.handlers.commitments import ProposedPlan
from application.scheduler import DeadlineScheduler, TickReport
from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    Escalated,
    InstallmentMissed,
    LegalActionStarted,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    TaskAssigned,
)
from domain.case.values import Department, Installment, PlanKind, Tier
from domain.money import Money
from infrastructure.clock import ManualClock
from infrastructure.scheduling import PeriodicRunner
from infrastructure.settings import Settings
from tests.application.time_scenarios import (
    RISK,
    low_tier_case,
    pass_days,
    pay,
    promise,
    remind,
    today,
    walk_120_days,
)
from tests.conftest import settings_for
from tests.factories import COLLECTOR, SUPERVISOR, credit_code, open_case

SHA = "cd" * 32


def events_of(container: Container, case_id: UUID, cls: type) -> list:
    return [e for e in container.app.case_events(case_id) if isinstance(e, cls)]


def fired_once(container: Container, case_id: UUID) -> None:
    expired = Counter(e.deadline_id for e in events_of(container, case_id, DeadlineExpired))
    assert expired and max(expired.values()) == 1, expired


def test_a_case_walks_low_medium_high_to_legal_action_in_120_days(container: Container) -> None:
    case_id = walk_120_days(container)
    case = container.app.get_case(case_id)
    set_by_id = {e.deadline_id: e for e in events_of(container, case_id, DeadlineSet)}

    escalations = events_of(container, case_id, Escalated)
    assert [(e.from_tier, e.to_tier) for e in escalations] == [(Tier.LOW, Tier.MEDIUM), (Tier.MEDIUM, Tier.HIGH)]
    assert all(e.reason and e.actor.user_id == "system:scheduler" for e in escalations)
    assert [set_by_id[e.deadline_id].kind for e in escalations] == ["payment_or_promise", "agreement"]
    opened = escalations[0].occurred_at - timedelta(days=10)
    assert [(e.occurred_at - opened).days for e in escalations] == [10, 40]
    fired_once(container, case_id)

    met = {set_by_id[e.deadline_id].kind: e.by for e in events_of(container, case_id, DeadlineMet)}
    assert met == {"visit": "visit", "promise": "promise_kept", "lawyers_letter": "lawyers_letter"}
    assert [e.promise_id for e in events_of(container, case_id, PromiseKept)] != []
    broken = events_of(container, case_id, PromiseBroken)
    assert len(broken) == 1 and broken[0].paid == Money.zero("CNY")
    tasks = events_of(container, case_id, TaskAssigned)
    legal = [t for t in tasks if t.department is Department.LEGAL and t.task_id.startswith("fired-")]
    assert len(legal) == 1 and "legal action" in legal[0].title
    assert [a.kind for a in events_of(container, case_id, LegalActionStarted)] == ["litigation"]
    assert case.tier is Tier.HIGH  # the re-assessment (low) on day 60 did not lower the escalated tier
    # the suit suspends the limitation clock until its proceedings end (art. 195): no warning runs meanwhile; only
    # the monthly review of the tier stays set (it keeps the tier high while proceedings are pending)
    assert [d.kind for d in case.open_deadlines() if d.kind != "ledger_review"] == ["strategy_review"]
    assert case.pending_proceedings() == list(case.legal_actions)


def firings(reports: list[Any]) -> list[tuple[str, str]]:
    """The deadlines that fired, besides the ledger's own reviews (days past due and penalty moving with time)."""
    return [(f.kind, f.outcome) for r in reports for f in r.firings if f.kind != "ledger_review"]


def test_a_case_that_pays_before_its_deadline_is_never_escalated(container: Container) -> None:
    case_id = low_tier_case(container)
    pass_days(container, 2)
    pay(container, case_id, "420000.00", "BANK-CLEAR")  # the whole overdue amount
    reports = pass_days(container, 30)
    # the only deadline that fires (besides the ledger's reviews) is the monthly review of the tier, which keeps it low
    assert [f.kind for r in reports for f in r.firings if f.outcome == "fired" and f.kind != "ledger_review"] == [
        "strategy_review"
    ]
    assert events_of(container, case_id, Escalated) == []
    assert [
        container.app.get_case(case_id).deadlines[e.deadline_id].kind
        for e in events_of(container, case_id, DeadlineExpired)
        if not e.deadline_id.startswith("ledger_review")
    ] == ["strategy_review"]
    case = container.app.get_case(case_id)
    assert case.tier is Tier.LOW
    assert sorted(d.kind for d in case.open_deadlines() if d.kind != "ledger_review") == [
        "limitation_warning",
        "strategy_review",
    ]


def test_a_tick_racing_a_payment_ends_with_the_payment(container: Container) -> None:
    case_id = low_tier_case(container)
    container.clock.advance(timedelta(days=10))  # type: ignore[attr-defined]
    container.projections.catch_up(["deadlines"])
    due = container.read_model.open_deadlines(due_before=container.clock.now())
    assert {d.kind for d in due} == {"reminder", "payment_or_promise"}
    pay(container, case_id, "420000.00", "BANK-RACE")  # lands between the tick's read and its firing
    outcomes = {d.kind: container.scheduler.fire(d).outcome for d in due}
    assert outcomes == {"reminder": "already", "payment_or_promise": "already"}
    assert events_of(container, case_id, Escalated) == []


def test_promises_kept_in_one_payment_in_two_and_broken(container: Container) -> None:
    case_id = open_case(container.app)
    one = promise(container, case_id, "100000.00", 5)
    pay(container, case_id, "100000.00", "ONE")
    two = promise(container, case_id, "100000.00", 5)
    pay(container, case_id, "60000.00", "TWO-A")
    assert events_of(container, case_id, PromiseKept)[-1].promise_id == one  # 60,000 is not yet 100,000
    pay(container, case_id, "40000.00", "TWO-B")
    assert [e.promise_id for e in events_of(container, case_id, PromiseKept)] == [one, two]
    three = promise(container, case_id, "100000.00", 5)
    pay(container, case_id, "30000.00", "THREE")
    reports = pass_days(container, 8)  # judged the morning after its date plus a day's grace; recontact a day on
    assert firings(reports) == [("promise", "fired"), ("recontact", "fired")]
    broken = events_of(container, case_id, PromiseBroken)
    assert [(e.promise_id, e.paid) for e in broken] == [(three, Money.parse("30000.00"))]
    fired_once(container, case_id)


def test_a_second_broken_promise_escalates(container: Container) -> None:
    case_id = low_tier_case(container)
    promise(container, case_id, "50000.00", 2)
    pass_days(container, 5)
    promise(container, case_id, "50000.00", 2)
    pass_days(container, 5)
    escalated = events_of(container, case_id, Escalated)
    assert [(e.to_tier, e.reason) for e in escalated] == [(Tier.MEDIUM, "2 promises broken")]
    assert container.app.get_case(case_id).tier is Tier.MEDIUM


def agreement_on(container: Container, case_id: UUID, *amounts_and_days: tuple[str, int]) -> str:
    schedule = tuple(
        Installment(due_on=today(container) + timedelta(days=days), amount=Money.parse(amount))
        for amount, days in amounts_and_days
    )
    total = Money.of(sum(i.amount.fen for i in schedule), "CNY")
    plan = container.app.send(
        ProposePlan(case_id=case_id, kind=PlanKind.EQUAL, amount=total, schedule=schedule, actor=COLLECTOR),
        ProposedPlan,
    )
    agreement: str = container.app.send(
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=today(container),
            signatories=("Bank", "Enterprise"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        ),
        str,
    )
    return agreement


def test_instalments_paid_late_within_grace_missed_then_completed(container: Container) -> None:
    case_id = open_case(container.app)
    agreement = agreement_on(container, case_id, ("100000.00", 10), ("100000.00", 20), ("100000.00", 30))
    pass_days(container, 9)
    pay(container, case_id, "100000.00", "I1")  # on time
    pass_days(container, 14)
    pay(container, case_id, "100000.00", "I2")  # three days late, within the five days' grace
    reports = pass_days(container, 14)  # the third: unpaid past its grace
    assert firings(reports) == [("installment", "fired")]
    missed = events_of(container, case_id, InstallmentMissed)
    assert [(e.agreement_id, e.installment_no, e.amount_due) for e in missed] == [
        (agreement, 3, Money.parse("100000.00"))
    ]
    assert container.app.get_case(case_id).agreements[agreement].status == "active"  # one missed of two
    pay(container, case_id, "100000.00", "I3")
    assert [e.agreement_id for e in events_of(container, case_id, AgreementCompleted)] == [agreement]
    met = [e.deadline_id for e in events_of(container, case_id, DeadlineMet)]
    assert met == [f"installment-{agreement}-1", f"installment-{agreement}-2"]


def test_payments_are_allocated_oldest_first_and_two_missed_default_and_escalate(container: Container) -> None:
    case_id = low_tier_case(container)
    agreement = agreement_on(container, case_id, ("100000.00", 5), ("100000.00", 10), ("100000.00", 40))
    pass_days(container, 2)
    pay(container, case_id, "150000.00", "PART")
    allocations = events_of(container, case_id, PaymentReceived)[-1].allocations
    assert [(a.installment_no, a.amount) for a in allocations] == [
        (1, Money.parse("100000.00")),
        (2, Money.parse("50000.00")),
    ]
    pass_days(container, 20)
    assert [e.installment_no for e in events_of(container, case_id, InstallmentMissed)] == [2]
    pass_days(container, 30)
    assert [e.installment_no for e in events_of(container, case_id, InstallmentMissed)] == [2, 3]
    defaulted = events_of(container, case_id, AgreementDefaulted)
    assert [(e.agreement_id, e.reason) for e in defaulted] == [(agreement, "2 instalments missed")]
    assert [e.reason for e in events_of(container, case_id, Escalated)][-1] == "the repayment agreement defaulted"
    fired_once(container, case_id)


def test_reassessment_never_lowers_an_escalated_tier(container: Container) -> None:
    case_id = low_tier_case(container)
    for _ in range(3):  # the policy's three contact attempts in the low tier's window
        pass_days(container, 3)
        remind(container, case_id)
    pass_days(container, 1)
    assert container.app.get_case(case_id).tier is Tier.MEDIUM
    container.app.handle(AssessRisk(case_id=case_id, actor=RISK))
    case = container.app.get_case(case_id)
    assert case.tier is Tier.MEDIUM and case.score is not None
    assert {d.kind for d in case.open_deadlines()} >= {"visit", "agreement"}


def deadlines_due_in(container: Container, hours: list[int]) -> list[str]:
    now = container.clock.now()
    ids = []
    for n, h in enumerate(hours, start=1):
        case_id = open_case(container.app, n=n)
        ids.append(
            container.app.send(
                SetDeadline(
                    case_id=case_id,
                    kind="callback",
                    due_at=now + timedelta(hours=h),
                    action="notify:supervisor",
                    actor=SUPERVISOR,
                ),
                str,
            )
        )
    return ids


def test_a_restart_after_a_day_down_fires_exactly_what_it_missed_oldest_first(
    settings: Settings, clock: ManualClock
) -> None:
    first = bootstrap(settings, clock)
    try:
        ids = deadlines_due_in(first, [20, 3, 11, 30])
        assert first.scheduler.tick().firings == []
    finally:
        first.close()
    clock.advance(timedelta(days=1))  # nothing ran for a day
    second = bootstrap(settings, clock)
    ticked = threading.Event()
    reports: list[TickReport] = []

    def job() -> None:
        reports.append(second.scheduler.tick())
        ticked.set()

    runner = PeriodicRunner(job, seconds=3600)
    try:
        runner.start()  # APScheduler runs the first tick at once
        assert ticked.wait(timeout=60)
        runner.stop()
        assert [(f.deadline_id, f.outcome) for f in reports[0].firings] == [
            (ids[1], "fired"),
            (ids[2], "fired"),
            (ids[0], "fired"),
        ]
        assert second.scheduler.tick().firings == []
    finally:
        runner.stop()
        second.close()


@pytest.mark.parametrize("lock", ["advisory lock", "no lock"])
def test_two_scheduler_instances_on_one_postgresql_fire_each_deadline_once(
    tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock, lock: str
) -> None:
    settings = settings_for("postgres", tmp_path, request)
    instances = [bootstrap(settings, clock) for _ in range(2)]
    try:
        ids = deadlines_due_in(instances[0], [1 + n % 5 for n in range(12)])
        clock.advance(timedelta(hours=6))
        schedulers = [
            c.scheduler if lock == "advisory lock" else DeadlineScheduler(c.app, c.read_model, c.projections)
            for c in instances
        ]
        barrier = threading.Barrier(2)
        reports: list[TickReport] = []

        def tick(scheduler: DeadlineScheduler) -> None:
            barrier.wait()
            reports.append(scheduler.tick())

        threads = [threading.Thread(target=tick, args=(s,)) for s in schedulers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        fired = [f.deadline_id for r in reports for f in r.firings if f.outcome == "fired"]
        assert sorted(fired) == sorted(ids)  # one outcome each, whichever instance fired it
        assert all(f.outcome in {"fired", "already"} for r in reports for f in r.firings)
        expired = [
            e.deadline_id
            for n in range(1, 13)
            for e in instances[0].app.case_events(instances[0].app.case_id_for(f"LN-{n:06d}"))
            if isinstance(e, DeadlineExpired)
        ]
        assert sorted(expired) == sorted(ids)
    finally:
        for c in instances:
            c.close()


def test_arrears_scheduler_tick_now_fires_what_is_due_then(
    tmp_path: Path, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'tick.db'}"
    container = bootstrap(Settings(database_url=url), clock)
    try:
        deadlines_due_in(container, [5])
    finally:
        container.close()
    later = (clock.now() + timedelta(hours=6)).isoformat()
    assert main(["--database-url", url, "scheduler", "tick", "--now", later]) == 0
    assert "1 fired" in capsys.readouterr().out
    assert main(["--database-url", url, "scheduler", "tick", "--now", later]) == 0
    assert "0 fired" in capsys.readouterr().out


def test_the_scheduler_fires_nothing_before_its_time(container: Container) -> None:
    deadlines_due_in(container, [30])
    assert container.scheduler.tick().firings == []


def test_the_limitation_period_nearing_its_end_gives_legal_a_task(container: Container) -> None:
    app = container.app
    open_case(app, n=9)  # registers enterprise 9
    enterprise_id = app.enterprise_id_for(credit_code(9))
    case_id = app.send(
        OpenCase(
            loan_id="LN-OLD-DEBT",
            enterprise_id=enterprise_id,
            principal=Money.parse("500000.00"),
            outstanding=Money.parse("400000.00"),
            overdue_amount=Money.parse("400000.00"),
            overdue_since=date(2024, 2, 15),  # the period ends 2027-02-15; legal is warned 90 days before
            actor=COLLECTOR,
        ),
        UUID,
    )
    app.handle(ReviewLegalClock(case_id=case_id, actor=RISK))
    reports = pass_days(container, 16)
    assert firings(reports) == [("limitation_warning", "fired")]
    legal = [t for t in events_of(container, case_id, TaskAssigned) if t.department is Department.LEGAL]
    assert len(legal) == 1 and "2027-02-15" in legal[0].title
    fired_once(container, case_id)
