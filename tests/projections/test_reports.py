"""The reports as a compliance officer, a supervisor and a collector read them, on hand-built histories."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from application.bootstrap import Container
from application.commands import (
    AssignCollector,
    AssignStrategy,
    AssignTask,
    CompleteTask,
    LetterFacts,
    LogContact,
    MakePromise,
    MeetDeadline,
    ReceivePayment,
    SetDeadline,
    VisitFacts,
)
from domain.case.values import Channel, ContactOutcome, Department, LetterKind, Tier
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, open_case

SHA = "0123456789abcdef" * 4
DAY = timedelta(days=1)


def strategy(container: Container, case_id: UUID, tier: Tier) -> None:
    container.app.handle(
        AssignStrategy(
            case_id=case_id,
            policy_version=1,
            tier=tier,
            treatment="default",
            channels=(Channel.PHONE,),
            actor=SUPERVISOR,
        )
    )


def contact(container: Container, case_id: UUID, channel: Channel, **fields: object) -> int:
    outcome = {Channel.VISIT: ContactOutcome.MET, Channel.PHONE: ContactOutcome.CONNECTED}.get(
        channel, ContactOutcome.DELIVERED
    )
    fields.setdefault("actor", COLLECTOR)
    command = LogContact(case_id=case_id, channel=channel, party="Li Na", outcome=outcome, **fields)  # type: ignore[arg-type]
    return container.app.handle(command).version


def test_compliance_lists_late_and_missing_contacts_with_their_evidence(
    container: Container, clock: ManualClock
) -> None:
    low, medium, high = (open_case(container.app, n) for n in (1, 2, 3))
    for case_id, tier in ((low, Tier.LOW), (medium, Tier.MEDIUM), (high, Tier.HIGH)):
        strategy(container, case_id, tier)  # version 2 of each case
    clock.advance(DAY)
    before_letter = container.app.get_case(high).version
    letter = contact(
        container, high, Channel.LETTER, letter=LetterFacts(letter_kind=LetterKind.LAWYERS_LETTER, document_sha256=SHA)
    )
    clock.advance(DAY)
    on_time = contact(container, low, Channel.SMS)  # day 2: within 3 days; the next is due by day 5
    clock.advance(4 * DAY)
    late = contact(container, low, Channel.PHONE)  # day 6: a day late; the next is due by day 9
    override = contact(  # 22:30 in Shanghai: a quiet-hours call, allowed by a supervisor's override
        container,
        high,
        Channel.PHONE,
        actor=SUPERVISOR,
        occurred_at=clock.now() - timedelta(hours=11, minutes=30),
        override_reason="debtor asked for an evening call",
    )
    clock.advance(2 * DAY)
    visit = contact(  # day 8: late
        container, medium, Channel.VISIT, visit=VisitFacts(staff=("wang.collector", "liu.legal"))
    )
    clock.advance(2 * DAY)  # day 10: the low case's third reminder (due day 9) is missing
    container.projections.catch_up()

    report = container.read_model.compliance_report().model_dump()
    assert report["by_status"] == {"met": 2, "late": 2, "missing": 1}
    gaps = {(g["case_id"], g["status"]): g for g in report["violations"]}
    assert set(gaps) == {(str(low), "late"), (str(medium), "late"), (str(low), "missing")}
    assert gaps[(str(low), "late")]["evidence"] == [
        {"case_id": str(low), "version": on_time, "role": "required_by"},
        {"case_id": str(low), "version": late, "role": "met_by"},
    ]
    assert gaps[(str(medium), "late")]["evidence"][-1]["version"] == visit
    assert gaps[(str(low), "missing")]["evidence"] == [{"case_id": str(low), "version": late, "role": "required_by"}]
    assert letter == before_letter + 1
    [only] = report["overrides"]
    assert (only["case_id"], only["version"], only["rules"]) == (str(high), override, ["CP-QUIET-HOURS"])
    assert only["reason"] == "debtor asked for an evening call"
    assert only["actor"] == {"user_id": SUPERVISOR.user_id, "role": "supervisor"}


def test_channel_report_attributes_promises_and_payments_to_the_last_contact(
    container: Container, clock: ManualClock
) -> None:
    case_id = open_case(container.app)
    strategy(container, case_id, Tier.MEDIUM)
    contact(container, case_id, Channel.EMAIL)
    contact(container, case_id, Channel.PHONE)
    promise = container.app.send(
        MakePromise(case_id=case_id, amount=Money.parse("1000.00"), due_on=date(2026, 11, 10), actor=COLLECTOR), str
    )
    clock.advance(3 * DAY)
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1000.00"),
            received_on=date(2026, 11, 5),
            reference="B-1",
            actor=COLLECTOR,
        )
    )  # keeps the promise
    container.projections.catch_up()

    [segment] = container.read_model.channel_report().model_dump()["items"]
    assert (segment["industry"], segment["region"], segment["tier"]) == ("manufacturing", "Jiangsu", "medium")
    by_channel = {c["channel"]: c for c in segment["channels"]}
    assert {k: by_channel["phone"][k] for k in ("attempts", "rpc", "promises", "kept", "paid_7d")} == {
        "attempts": 1,
        "rpc": 1,
        "promises": 1,
        "kept": 1,
        "paid_7d": 1,
    }
    assert {k: by_channel["email"][k] for k in ("attempts", "rpc", "promises", "kept", "paid_7d")} == {
        "attempts": 1,
        "rpc": 0,
        "promises": 0,
        "kept": 0,
        "paid_7d": 0,
    }
    assert segment["recommended_order"] == ["phone", "email"]
    assert promise


def test_portfolio_rolls_cases_between_dpd_buckets_and_tracks_balance_by_tier(
    container: Container, clock: ManualClock
) -> None:
    case_id = open_case(container.app)  # overdue since 2026-09-15: 48 days past due on 2026-11-02 → 31-60
    strategy(container, case_id, Tier.HIGH)
    clock.advance(20 * DAY)  # 68 days → 61-90
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1000000.00"),
            received_on=date(2026, 11, 22),
            reference="B-1",
            actor=COLLECTOR,
        )
    )
    container.projections.catch_up()

    report = container.read_model.portfolio_report().model_dump(by_alias=True)
    assert report["roll_rates"] == [{"from": "31-60", "to": "61-90", "count": 1, "rate": "1.0000"}]
    assert report["overdue_balance_by_tier"] == {"high": "5000000.00", "unrated": "0.00"}
    assert report["recovered"] == "1000000.00"
    assert report["recovery_rate"] == f"{1_000_000 / 6_000_000:.4f}"
    assert [(p["day"], p["tier"], p["balance"]) for p in report["overdue_balance_over_time"]] == [
        ("2026-11-02", "high", "6000000.00"),
        ("2026-11-02", "unrated", "0.00"),
        ("2026-11-22", "high", "5000000.00"),
    ]


def test_lists_queues_worklists_and_due_deadlines(container: Container, clock: ManualClock) -> None:
    first, second = open_case(container.app, 1), open_case(container.app, 2)
    container.app.handle(AssignCollector(case_id=first, collector="wang.collector", actor=SUPERVISOR))
    strategy(container, first, Tier.HIGH)
    task = container.app.send(
        AssignTask(
            case_id=first,
            department=Department.LEGAL,
            title="prepare litigation",
            due_at=clock.now() + 5 * DAY,
            assignee="wang.collector",
            actor=SUPERVISOR,
        ),
        str,
    )
    deadline = container.app.send(
        SetDeadline(
            case_id=second, kind="visit", due_at=clock.now() + 2 * DAY, action="escalate:high", actor=SUPERVISOR
        ),
        str,
    )
    container.projections.catch_up()
    read = container.read_model

    assert [c.case_id for c in read.list_cases(tier="high").items] == [str(first)]
    assert [c.case_id for c in read.list_cases(department="legal").items] == [str(first)]
    assert [c.case_id for c in read.list_cases(collector="wang.collector", status="open").items] == [str(first)]
    page = read.list_cases(limit=1)
    assert len(page.items) == 1 and page.next_cursor
    assert len(read.list_cases(cursor=page.next_cursor).items) == 1
    assert [t.task_id for t in read.queue("legal").items] == [task]
    worklist = read.worklist("wang.collector").items
    assert [c.case_id for c in worklist if c.kind == "case"] == [str(first)]
    assert [t.id for t in worklist if t.kind == "task"] == [task]
    due_in_five_days = (clock.now() + 5 * DAY).isoformat(timespec="microseconds")
    assert [c.due_at for c in worklist if c.kind == "case"] == [due_in_five_days]
    assert read.open_deadlines(due_before=clock.now() + DAY) == []
    [due] = read.open_deadlines(due_before=clock.now() + 2 * DAY)
    assert (due.case_id, due.deadline_id) == (str(second), deadline)

    container.app.handle(CompleteTask(case_id=first, task_id=task, actor=COLLECTOR))
    container.app.handle(MeetDeadline(case_id=second, deadline_id=deadline, actor=COLLECTOR))
    container.projections.catch_up()
    own = ("ledger_review", "limitation_warning")  # the ledger's reviews and the limitation warning stay
    assert read.queue("legal").items == [] and [d for d in read.open_deadlines() if d.kind not in own] == []
    ledger_review = min(d.due_at for d in read.open_deadlines() if d.case_id == str(first))
    assert read.case_progress(first).next_action_due == ledger_review
