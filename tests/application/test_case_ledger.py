"""The case ledger end to end through CollectionsApp, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from pydantic import BaseModel

import domain.enterprise.events as enterprise_events_module
from application.app import CollectionsApp
from application.bootstrap import bootstrap
from application.commands import (
    AccelerateLoan,
    AddContactPerson,
    AddLoanRecord,
    AddNote,
    AssignCollector,
    AssignStrategy,
    AssignTask,
    BreakPromise,
    CancelDeadline,
    ClassifyDebtor,
    CloseCase,
    CompleteTask,
    Deescalate,
    DefaultAgreement,
    EndLimitationSuspension,
    EndProceedings,
    Escalate,
    ExpireDeadline,
    FileStatement,
    KeepPromise,
    LetterFacts,
    LiftDoNotContact,
    LogContact,
    MakePromise,
    MeetDeadline,
    MissInstallment,
    PreserveGuarantee,
    ProposePlan,
    RaiseDispute,
    ReceivePayment,
    RecordAssessment,
    RecordCost,
    RecordGuarantee,
    RecordLoanSchedule,
    RecordSignal,
    ReleaseGuarantee,
    ReopenCase,
    ResolveCase,
    ResolveDispute,
    ReviewLedger,
    ScheduleVisit,
    SetDeadline,
    SetDoNotContact,
    SignAgreement,
    StartLegalAction,
    SuspendLimitation,
    UpdateProfile,
    VisitFacts,
)
from application.handlers.commitments import ProposedPlan
from domain.act import Act
from domain.base import Aggregate
from domain.case import CollectionCase
from domain.case.events import CaseEvent, ContactEvent, PaymentReceived
from domain.case.ledger_events import PenaltyAccrued
from domain.case.values import (
    Channel,
    ContactOutcome,
    Department,
    GuaranteeType,
    Installment,
    LegalActionKind,
    LetterKind,
    PlanKind,
    ProceedingsOutcome,
    Reason,
    Resolution,
    Severity,
    SignalSource,
    SuspensionCause,
    Tier,
)
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, LoanStatus
from domain.errors import ConflictError, DuplicateError, IllegalTransitionError, NotFoundError
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from domain.rules import local_date
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from infrastructure.shared_writes import QUIET_READS_TO_UNSHARE
from infrastructure.unit_of_work import Session
from tests.factories import COLLECTOR, OPENED, SUPERVISOR, open_case, registration

SHA = "0123456789abcdef" * 4


def all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | all_subclasses(sub)
    return found


def exercise_every_event(app: CollectionsApp, clock: ManualClock) -> UUID:
    """Drive one case (and its enterprise) through every event kind of the catalogue."""
    case_id = open_case(app)
    enterprise_id = app.get_case(case_id).enterprise_id
    amount = Money.parse
    app.handle(
        UpdateProfile(enterprise_id=enterprise_id, registration=registration(1, region="Zhejiang"), actor=COLLECTOR)
    )
    app.handle(
        FileStatement(
            enterprise_id=enterprise_id,
            statement=FinancialStatement(
                period="2025",
                total_assets=amount("90000000.00"),
                total_liabilities=amount("70000000.00"),
                current_assets=amount("30000000.00"),
                current_liabilities=amount("28000000.00"),
                inventory=amount("12000000.00"),
                cash=amount("1500000.00"),
                revenue=amount("65000000.00"),
                operating_profit=amount("-2000000.00"),
                net_profit=amount("-3100000.00"),
                interest_expense=amount("2500000.00"),
                operating_cash_flow=amount("-800000.00"),
            ),
            actor=COLLECTOR,
        )
    )
    app.handle(
        AddLoanRecord(
            enterprise_id=enterprise_id,
            record=LoanRecord(
                loan_id="LN-OLD",
                amount=amount("5000000.00"),
                start_on=date(2020, 1, 1),
                maturity_on=date(2023, 1, 1),
                overdue_episodes=3,
                max_days_past_due=75,
                status=LoanStatus.REPAID,
            ),
            actor=COLLECTOR,
        )
    )
    app.handle(
        AddContactPerson(
            enterprise_id=enterprise_id,
            person=ContactPerson(name="Sun Hao", phone="+86 137 0000 0000"),
            actor=COLLECTOR,
        )
    )
    app.handle(SetDoNotContact(enterprise_id=enterprise_id, reason="under court protection", actor=SUPERVISOR))
    app.handle(LiftDoNotContact(enterprise_id=enterprise_id, reason="protection ended", actor=SUPERVISOR))

    app.handle(AssignCollector(case_id=case_id, collector="wang.collector", actor=SUPERVISOR))
    # the loan's schedule first: the agreements below reschedule it
    app.handle(
        RecordLoanSchedule(
            case_id=case_id,
            dues=(
                LoanDue(number=1, due_on=date(2026, 9, 15), principal_fen=120_000_000, interest_fen=2_000_000),
                LoanDue(number=2, due_on=date(2027, 3, 15), principal_fen=480_000_000, interest_fen=9_000_000),
            ),
            terms=LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.06525")),
            actor=SUPERVISOR,
        )
    )
    app.handle(
        RecordAssessment(
            case_id=case_id,
            model_version="scorecard-1",
            score=72,
            tier=Tier.MEDIUM,
            reasons=(Reason(code="LEV_UP", message="debt-to-asset ratio up 22 points"),),
            features={"debt_to_asset": "0.78", "episodes": 3},
            actor=COLLECTOR,
        )
    )
    app.handle(
        AssignStrategy(
            case_id=case_id,
            policy_version=1,
            tier=Tier.MEDIUM,
            treatment="visit and negotiate",
            channels=(Channel.PHONE, Channel.VISIT),
            actor=SUPERVISOR,
        )
    )
    now = clock.now()
    d1 = app.send(
        SetDeadline(
            case_id=case_id, kind="visit", due_at=now + timedelta(days=7), action="escalate:high", actor=SUPERVISOR
        ),
        str,
    )
    d2 = app.send(
        SetDeadline(
            case_id=case_id, kind="agreement", due_at=now + timedelta(days=30), action="escalate:high", actor=SUPERVISOR
        ),
        str,
    )
    d3 = app.send(
        SetDeadline(
            case_id=case_id, kind="check", due_at=now + timedelta(seconds=1), action="notify", actor=SUPERVISOR
        ),
        str,
    )
    app.handle(MeetDeadline(case_id=case_id, deadline_id=d1, actor=COLLECTOR))
    app.handle(CancelDeadline(case_id=case_id, deadline_id=d2, reason="agreement reached early", actor=SUPERVISOR))
    clock.advance(timedelta(seconds=1))  # a deadline fires once it has passed
    app.handle(ExpireDeadline(case_id=case_id, deadline_id=d3, actor=COLLECTOR))
    for channel, outcome in [
        (Channel.PHONE, ContactOutcome.CONNECTED),
        (Channel.SMS, ContactOutcome.DELIVERED),
        (Channel.EMAIL, ContactOutcome.DELIVERED),
        (Channel.WEBSITE, ContactOutcome.DELIVERED),
    ]:
        app.handle(
            LogContact(
                case_id=case_id,
                channel=channel,
                party="Li Na",
                outcome=outcome,
                actor=COLLECTOR,
                summary=f"{channel} reminder",
                feedback="raising funds, no date",
                next_step="visit",
            )
        )
    visit_id = app.send(
        ScheduleVisit(
            case_id=case_id,
            planned_at=now + timedelta(days=2),
            party="Li Na",
            staff=("wang.collector", "liu.legal"),
            actor=COLLECTOR,
        ),
        str,
    )
    app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.VISIT,
            party="Li Na",
            outcome=ContactOutcome.MET,
            actor=COLLECTOR,
            visit=VisitFacts(staff=("wang.collector", "liu.legal"), visit_id=visit_id),
        )
    )
    app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party="Chen Wei",
            outcome=ContactOutcome.DELIVERED,
            actor=COLLECTOR,
            letter=LetterFacts(
                letter_kind=LetterKind.LAWYERS_LETTER, document_sha256=SHA, delivery_evidence="EMS receipt 1234"
            ),
        )
    )
    promise = app.send(
        MakePromise(case_id=case_id, amount=amount("100000.00"), due_on=date(2026, 11, 20), actor=COLLECTOR), str
    )
    promise2 = app.send(
        MakePromise(case_id=case_id, amount=amount("50000.00"), due_on=date(2026, 11, 3), actor=COLLECTOR), str
    )
    app.handle(KeepPromise(case_id=case_id, promise_id=promise, actor=COLLECTOR))
    clock.advance(timedelta(days=2))
    app.handle(BreakPromise(case_id=case_id, promise_id=promise2, actor=COLLECTOR))
    plan = app.send(
        ProposePlan(
            case_id=case_id,
            kind=PlanKind.EQUAL,
            amount=amount("300000.00"),
            schedule=(
                Installment(due_on=date(2026, 11, 10), amount=amount("100000.00")),
                Installment(due_on=date(2026, 12, 10), amount=amount("200000.00")),
            ),
            actor=COLLECTOR,
        ),
        ProposedPlan,
    )
    agreement = app.send(
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=date(2026, 11, 4),
            signatories=("Bank", "Enterprise 1"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        ),
        str,
    )
    clock.advance(timedelta(days=10))
    app.handle(MissInstallment(case_id=case_id, agreement_id=agreement, installment_no=1, actor=COLLECTOR))
    app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=amount("300000.00"),
            received_on=date(2026, 11, 14),
            reference="BANK-1",
            actor=COLLECTOR,
        )
    )  # pays both instalments: AgreementCompleted
    plan2 = app.send(
        ProposePlan(
            case_id=case_id,
            kind=PlanKind.EXTENSION,
            amount=amount("100000.00"),
            schedule=(Installment(due_on=date(2027, 3, 1), amount=amount("100000.00")),),
            actor=COLLECTOR,
        ),
        ProposedPlan,
    )
    agreement2 = app.send(
        SignAgreement(
            case_id=case_id,
            plan_id=plan2.plan_id,
            signed_on=date(2026, 11, 14),
            signatories=("Bank", "Enterprise 1"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        ),
        str,
    )
    app.handle(DefaultAgreement(case_id=case_id, agreement_id=agreement2, reason="stopped paying", actor=SUPERVISOR))
    app.handle(Escalate(case_id=case_id, to_tier=Tier.HIGH, reason="agreement defaulted", actor=SUPERVISOR))
    overdue = app.get_case(case_id).overdue_amount
    if overdue.is_positive():
        app.handle(
            ReceivePayment(
                case_id=case_id, amount=overdue, received_on=date(2026, 11, 14), reference="BANK-2", actor=COLLECTOR
            )
        )
    app.handle(Deescalate(case_id=case_id, to_tier=Tier.MEDIUM, reason="arrears cleared", actor=SUPERVISOR))
    app.handle(Escalate(case_id=case_id, to_tier=Tier.HIGH, reason="paid late again", actor=SUPERVISOR))
    task = app.send(
        AssignTask(
            case_id=case_id,
            department=Department.LEGAL,
            title="prepare litigation",
            due_at=clock.now() + timedelta(days=15),
            assignee="liu.legal",
            actor=SUPERVISOR,
        ),
        str,
    )
    app.handle(CompleteTask(case_id=case_id, task_id=task, outcome="filed", actor=COLLECTOR))
    joint = app.send(
        RecordGuarantee(case_id=case_id, guarantor="Qian Dan", guarantee_type=GuaranteeType.JOINT, actor=SUPERVISOR),
        str,
    )
    app.handle(
        PreserveGuarantee(
            case_id=case_id, guarantee_id=joint, by="demand", evidence="notarised service 2026-11", actor=SUPERVISOR
        )
    )
    lapsed = app.send(
        RecordGuarantee(
            case_id=case_id,
            guarantor="Zhao Bao",
            guarantee_type=GuaranteeType.GENERAL,
            principal_due_on=date(2025, 1, 1),
            actor=SUPERVISOR,
        ),
        str,
    )
    app.handle(ReleaseGuarantee(case_id=case_id, guarantee_id=lapsed, actor=SUPERVISOR))
    freeze = app.send(
        StartLegalAction(
            case_id=case_id, kind=LegalActionKind.ASSET_PRESERVATION, summary="freeze accounts", actor=SUPERVISOR
        ),
        str,
    )
    app.handle(
        EndProceedings(
            case_id=case_id,
            action_id=freeze,
            outcome=ProceedingsOutcome.OTHER,
            ended_on=app.get_case(case_id).proceedings[freeze].filed_on or date(2026, 11, 14),
            summary="ruling served",
            actor=SUPERVISOR,
        )
    )
    app.handle(
        RecordSignal(
            case_id=case_id,
            source=SignalSource.COURT,
            summary="new lawsuit by supplier",
            severity=Severity.HIGH,
            actor=COLLECTOR,
        )
    )
    app.handle(AddNote(case_id=case_id, text="CFO changed phone number", actor=COLLECTOR))
    today = local_date(clock.now(), "Asia/Shanghai")
    app.handle(  # LimitationSuspensionBegan, then LimitationSuspensionEnded (art. 194)
        SuspendLimitation(
            case_id=case_id, cause=SuspensionCause.FORCE_MAJEURE, began_on=today, evidence="typhoon", actor=SUPERVISOR
        )
    )
    app.handle(EndLimitationSuspension(case_id=case_id, ended_on=today, evidence="typhoon over", actor=SUPERVISOR))
    clock.advance(timedelta(days=31))
    app.handle(ReviewLedger(case_id=case_id, actor=SUPERVISOR))  # PenaltyAccrued for the month ended
    app.handle(
        RecordCost(
            case_id=case_id,
            cost_id="FEE-1",
            kind="preservation",
            amount=amount("5000.00"),
            incurred_on=date(2026, 11, 20),
            description="保全费",
            actor=SUPERVISOR,
        )
    )
    # declared due on a day of the month already booked: its penalty is corrected (PenaltyAdjusted)
    app.handle(
        AccelerateLoan(case_id=case_id, on=date(2026, 11, 20), clause="12.3", reason="default", actor=SUPERVISOR)
    )
    app.handle(ClassifyDebtor(enterprise_id=enterprise_id, actor=SUPERVISOR))  # DebtorClassified
    app.handle(RaiseDispute(case_id=case_id, reason="disputes penalty interest", actor=COLLECTOR))
    app.handle(ResolveDispute(case_id=case_id, outcome="penalty waived", actor=SUPERVISOR))
    app.handle(
        ResolveCase(
            case_id=case_id, resolution=Resolution.SETTLED, remark="settled after preservation", actor=SUPERVISOR
        )
    )
    app.handle(ReopenCase(case_id=case_id, reason="settlement bounced", actor=SUPERVISOR))
    app.handle(ResolveCase(case_id=case_id, resolution=Resolution.WRITTEN_OFF, actor=SUPERVISOR))
    app.handle(CloseCase(case_id=case_id, reason="archived", actor=SUPERVISOR))
    return case_id


def exercise_judgement_events(app: CollectionsApp, clock: ManualClock) -> UUID:
    """A second case for the judgement's events: a service breach (the bank's visit not made), a residue waived."""
    case_id = open_case(app, 2)
    app.handle(
        SetDeadline(
            case_id=case_id,
            kind="visit",
            due_at=clock.now() + timedelta(days=1),
            action="breach:collections",
            deadline_id="visit-1",
            actor=SUPERVISOR,
        )
    )
    clock.advance(timedelta(days=2))
    app.handle(ExpireDeadline(case_id=case_id, deadline_id="visit-1", actor=SUPERVISOR))  # ServiceBreachRecorded
    today = clock.now().date()
    left = app.get_case(case_id).outstanding - Money.parse("0.05")
    app.handle(ReceivePayment(case_id=case_id, amount=left, received_on=today, reference="ALL-BUT", actor=SUPERVISOR))
    return case_id  # ResidueWaived: 0.05 was left


def test_every_event_type_round_trips_exactly(app: CollectionsApp, clock: ManualClock, settings: Settings) -> None:
    case_id = exercise_every_event(app, clock)
    events = app.case_events(case_id)
    enterprise_id = app.get_case(case_id).enterprise_id
    enterprise_events = list(app.store.events.get(enterprise_id))
    second = exercise_judgement_events(app, clock)

    seen = {type(e) for e in events} | {type(e) for e in enterprise_events}
    seen |= {type(e) for e in app.case_events(second)}
    catalogue = {c for c in all_subclasses(CaseEvent) if c is not ContactEvent}
    assert catalogue - seen == set(), "every case event kind is exercised"
    enterprise_catalogue = {
        c for c in vars(enterprise_events_module).values() if isinstance(c, type) and issubclass(c, Aggregate.Event)
    } - {Aggregate.Event, Aggregate.Created}
    assert enterprise_catalogue - seen == set(), "every enterprise event kind is exercised"

    fresh = bootstrap(settings, clock)  # a second process: no cache, reads only the store
    try:
        for original, reloaded in zip(events, fresh.app.case_events(case_id), strict=True):
            assert type(reloaded) is type(original)
            assert reloaded == original
            assert isinstance(reloaded, BaseModel)
        assert list(fresh.store.events.get(enterprise_id)) == enterprise_events
        assert fresh.app.case_events(second) == app.case_events(second)
        again = fresh.app.get_case(case_id)
        assert again.status == "closed"
        paid = sum(e.amount.fen for e in events if isinstance(e, PaymentReceived))
        assert again.paid == Money.of(paid)  # the instalments, then the arrears before de-escalating
        penalty = sum(e.amount.fen for e in events if isinstance(e, PenaltyAccrued))
        assert penalty > 0
        # the ledger balances: principal + interest + penalty + costs - paid, as of the last act's day
        now = again.position_as_of(local_date(events[-1].occurred_at, again.timezone))
        assert (
            again.outstanding.fen
            == now.outstanding_fen
            == now.principal_fen + now.interest_fen + (now.penalty_fen + now.costs_fen - paid)
        )
    finally:
        fresh.close()


def test_versions_times_and_replays(app: CollectionsApp, clock: ManualClock) -> None:
    case_id = open_case(app)
    first = app.get_case(case_id)
    clock.advance(timedelta(minutes=5))
    for n in range(3):
        app.handle(
            LogContact(
                case_id=case_id,
                channel=Channel.PHONE,
                party="Li Na",
                outcome=ContactOutcome.NO_ANSWER,
                actor=COLLECTOR,
                summary=f"attempt {n}",
            )
        )
    events = app.case_events(case_id)
    assert [e.originator_version for e in events] == list(range(1, OPENED + 4))
    assert app.case_at_version(case_id, OPENED + 1).contact_counts == {"phone": 1}
    assert app.case_as_of(case_id, events[OPENED - 1].timestamp).version == OPENED
    assert app.case_as_of(case_id, events[-1].timestamp).version == OPENED + 3
    assert first.version == OPENED
    with pytest.raises(NotFoundError):
        app.case_at_version(case_id, OPENED + 9)
    with pytest.raises(NotFoundError):
        app.case_as_of(case_id, events[0].timestamp - timedelta(days=1))


def test_unknown_ids_and_duplicates(app: CollectionsApp) -> None:
    case_id = open_case(app)
    with pytest.raises(NotFoundError):
        app.get_case(app.case_id_for("NO-SUCH-LOAN"))
    with pytest.raises(NotFoundError):
        app.get_case(app.get_case(case_id).enterprise_id)  # an enterprise is not a case
    with pytest.raises(DuplicateError):
        open_case(app)  # same loan id, same case id
    with pytest.raises(NotFoundError):
        app.handle(AddNote(case_id=app.case_id_for("NO-SUCH-LOAN"), text="x", actor=COLLECTOR))


def test_a_stale_expected_version_is_a_conflict(app: CollectionsApp) -> None:
    case_id = open_case(app)
    app.handle(AddNote(case_id=case_id, text="first", actor=COLLECTOR, expected_version=OPENED))
    with pytest.raises(ConflictError):
        app.handle(AddNote(case_id=case_id, text="second", actor=COLLECTOR, expected_version=OPENED))
    assert app.get_case(case_id).version == OPENED + 1


def race(settings: Settings, clock: ManualClock, case_id: UUID, pinned: bool) -> list[Any]:
    """Two processes load the same version of a case, then both try to save."""
    writers = [bootstrap(settings, clock) for _ in range(2)]
    both_loaded = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def write(n: int) -> None:
        attempts = 0

        def decide(case: CollectionCase, session: Session) -> None:
            nonlocal attempts
            attempts += 1
            if attempts == 1:  # both first attempts load the same version before either saves
                both_loaded.wait(timeout=10)
            case.add_note(f"writer {n}", act=Act.of(COLLECTOR, None, session.now))

        try:
            pin = OPENED if pinned else None
            outcomes[n] = writers[n].app.uow.change(CollectionCase, case_id, decide, pin).version
        except ConflictError as error:
            outcomes[n] = error

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for writer in writers:
        writer.close()
    return outcomes


def test_two_writers_racing_one_wins_one_conflicts(app: CollectionsApp, settings: Settings, clock: ManualClock) -> None:
    case_id = open_case(app)
    outcomes = race(settings, clock, case_id, pinned=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "int"]
    events = app.case_events(case_id)
    assert [e.originator_version for e in events] == list(range(1, OPENED + 2))


def test_two_unpinned_writers_both_land_without_losing_an_event(
    app: CollectionsApp, settings: Settings, clock: ManualClock
) -> None:
    case_id = open_case(app)
    outcomes = race(settings, clock, case_id, pinned=False)
    assert sorted(outcomes) == [OPENED + 1, OPENED + 2]
    events = app.case_events(case_id)
    assert [e.originator_version for e in events] == list(range(1, OPENED + 3))
    assert sorted(e.text for e in events[OPENED:]) == ["writer 0", "writer 1"]  # type: ignore[attr-defined]


def test_snapshots_are_taken_and_used(settings: Settings, clock: ManualClock) -> None:
    container = bootstrap(settings.model_copy(update={"snapshot_interval": 10}), clock)
    try:
        app = container.app
        case_id = open_case(app)
        for n in range(24):
            app.handle(AddNote(case_id=case_id, text=f"note {n}", actor=COLLECTOR))
        assert app.store.snapshots is not None
        snapshots = list(app.store.snapshots.get(case_id))
        assert [s.originator_version for s in snapshots] == [10, 20]
        fresh = bootstrap(settings, clock)
        try:
            from_snapshot = fresh.app.get_case(case_id)
            assert from_snapshot.version == OPENED + 24
            assert from_snapshot.notes == 24
            assert from_snapshot.principal == app.get_case(case_id).principal
            assert fresh.app.case_at_version(case_id, 15).notes == 15 - OPENED
        finally:
            fresh.close()
    finally:
        container.close()


def test_a_stale_cache_in_another_process_cannot_misjudge_or_lose_an_update(
    app: CollectionsApp, settings: Settings, clock: ManualClock
) -> None:
    case_id = open_case(app)
    other = bootstrap(settings, clock)  # a second process, whose cache knows the case at version 1
    try:
        assert other.app.get_case(case_id).version == OPENED
        app.handle(ResolveCase(case_id=case_id, resolution=Resolution.SETTLED, actor=SUPERVISOR))  # moves it on
        resolved = app.get_case(case_id).version  # with the open deadlines it cancelled
        with pytest.raises(IllegalTransitionError):  # the other process must see it is resolved
            other.app.handle(
                LogContact(
                    case_id=case_id,
                    channel=Channel.PHONE,
                    party="Li Na",
                    outcome=ContactOutcome.CONNECTED,
                    actor=COLLECTOR,
                )
            )
        noted = other.app.handle(
            AddNote(case_id=case_id, text="noted after resolution", actor=COLLECTOR, expected_version=resolved)
        )
        assert noted.version == resolved + 1
        assert [e.originator_version for e in app.case_events(case_id)] == list(range(1, resolved + 2))
    finally:
        other.close()


def test_a_process_that_lost_a_race_on_a_case_brings_that_case_up_to_date_first(
    app: CollectionsApp, settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared, alone = open_case(app), open_case(app, loan_id="LN-ALONE")
    other = bootstrap(settings, clock)  # a second process, whose cache knows both cases at version 1
    try:
        for case_id in (shared, alone):
            other.app.get_case(case_id)
        attempts: list[UUID] = []
        save = other.store.save

        def counting_save(*aggregates: Any) -> Any:
            attempts.extend(aggregate.id for aggregate in aggregates)
            return save(*aggregates)

        monkeypatch.setattr(other.store, "save", counting_save)

        app.handle(AddNote(case_id=shared, text="first", actor=COLLECTOR))
        other.app.handle(AddNote(case_id=shared, text="second", actor=COLLECTOR))  # stale: loses the race, retries
        assert attempts == [shared, shared]

        attempts.clear()
        app.handle(AddNote(case_id=shared, text="third", actor=COLLECTOR))
        other.app.handle(AddNote(case_id=shared, text="fourth", actor=COLLECTOR))  # asks the store first: one attempt
        assert attempts == [shared]

        attempts.clear()
        app.handle(AddNote(case_id=alone, text="fifth", actor=COLLECTOR))
        other.app.handle(AddNote(case_id=alone, text="sixth", actor=COLLECTOR))  # another case stays optimistic
        assert attempts == [alone, alone]
        assert [e.originator_version for e in app.case_events(shared)] == list(range(1, OPENED + 5))
    finally:
        other.close()


def test_a_case_the_other_process_stopped_writing_goes_back_to_optimistic(
    app: CollectionsApp, settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = open_case(app)
    other = bootstrap(settings, clock)  # a second process, whose cache knows the case at version 1
    try:
        other.app.get_case(case_id)
        app.handle(AddNote(case_id=case_id, text="here", actor=COLLECTOR))
        other.app.handle(AddNote(case_id=case_id, text="there", actor=COLLECTOR))  # loses a race: asks first now
        queries: list[UUID] = []
        select = other.store.recorder.select_events

        def counting_select(originator_id: Any, **kwargs: Any) -> Any:
            queries.append(originator_id)
            return select(originator_id, **kwargs)

        monkeypatch.setattr(other.store.recorder, "select_events", counting_select)
        for n in range(QUIET_READS_TO_UNSHARE):  # the first process has stopped writing it: each query finds nothing
            other.app.handle(AddNote(case_id=case_id, text=f"quiet {n}", actor=COLLECTOR))
        assert queries == [case_id] * QUIET_READS_TO_UNSHARE
        other.app.handle(AddNote(case_id=case_id, text="optimistic again", actor=COLLECTOR))
        assert queries == [case_id] * QUIET_READS_TO_UNSHARE
        app.handle(AddNote(case_id=case_id, text="here again", actor=COLLECTOR))
        other.app.handle(AddNote(case_id=case_id, text="races again", actor=COLLECTOR))  # stale: lost, retried
        assert len(app.case_events(case_id)) == QUIET_READS_TO_UNSHARE + OPENED + 5  # opened, 2, the quiet, 3 more
    finally:
        other.close()
