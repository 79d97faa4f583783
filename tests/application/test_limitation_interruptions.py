"""The limitation clock by Civil Code arts. 188/195 and guarantors' periods by arts. 692-693, on both stores:
each interruption restarts the period with an event naming its cause and the interrupting event, and the
warning deadline moves (suit, arbitration and the like suspend it until their proceedings end); a guarantee's
period is tracked with its lapse deadline and what preserves it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from application.bootstrap import Container
from application.commands import (
    InterruptLimitation,
    LogContact,
    MakePromise,
    PreserveGuarantee,
    ProposePlan,
    ReceivePayment,
    RecordGuarantee,
    ReviewLegalClock,
    SignAgreement,
    StartLegalAction,
)
from application.commands.contacts import LetterFacts
from application.handlers.commitments import ProposedPlan
from domain.case.events import (
    AgreementSigned,
    LegalActionStarted,
    LetterSent,
    PaymentReceived,
    PromiseToPayMade,
    TaskAssigned,
)
from domain.case.legal_events import GuaranteePreserved, GuaranteeReleased, LimitationRestarted, LimitationSuspended
from domain.case.values import (
    Channel,
    ContactOutcome,
    GuaranteeType,
    Installment,
    LegalActionKind,
    LetterKind,
    LimitationCause,
    PlanKind,
)
from domain.errors import IllegalTransitionError
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, open_case

SHA = "cd" * 32
#: open_case's loan fell due on 2026-09-15: the period runs to 2029-09-15, legal is warned 90 days before
FIRST_WARNING = "limitation-warning-2029-09-15"


def clocked_case(container: Container) -> UUID:
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    case = container.app.get_case(case_id)
    assert case.limitation_ends_on == date(2029, 9, 15)
    assert case.deadlines[FIRST_WARNING].status == "open"
    return case_id


def restarted(container: Container, case_id: UUID) -> list[tuple[int, LimitationRestarted]]:
    events = container.app.case_events(case_id)
    return [(n, e) for n, e in enumerate(events, start=1) if isinstance(e, LimitationRestarted)]


def assert_restarted_today(container: Container, case_id: UUID, cause: LimitationCause, by: type) -> None:
    """One restart, naming the cause and the interrupting event; the period ends three years on and the warning
    deadline moved with it."""
    (version, event), *more = restarted(container, case_id)
    assert more == []
    assert event.cause is cause
    assert event.restarts_on == date(2026, 11, 2)
    assert (event.ends_on, event.previous_ends_on) == (date(2029, 11, 2), date(2029, 9, 15))
    assert "art. 195" in event.article
    interrupting = container.app.case_events(case_id)[event.by_version - 1]
    assert isinstance(interrupting, by) and event.by_version < version
    case = container.app.get_case(case_id)
    assert case.limitation_ends_on == date(2029, 11, 2)
    assert case.deadlines[FIRST_WARNING].status == "cancelled"
    moved = case.deadlines["limitation-warning-2029-11-02"]
    assert (moved.status, moved.due_at.date()) == ("open", date(2029, 8, 4))


def test_a_part_payment_restarts_the_clock(container: Container) -> None:
    case_id = clocked_case(container)
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1000.00"),
            received_on=date(2026, 11, 2),
            reference="P1",
            actor=COLLECTOR,
        )
    )
    assert_restarted_today(container, case_id, LimitationCause.PART_PAYMENT, PaymentReceived)


def test_a_promise_restarts_the_clock(container: Container) -> None:
    case_id = clocked_case(container)
    container.app.handle(
        MakePromise(case_id=case_id, amount=Money.parse("5000.00"), due_on=date(2026, 11, 20), actor=COLLECTOR)
    )
    assert_restarted_today(container, case_id, LimitationCause.PROMISE, PromiseToPayMade)


def test_a_signed_agreement_restarts_the_clock(container: Container) -> None:
    case_id = clocked_case(container)
    amount = Money.parse("9000.00")
    plan = container.app.send(
        ProposePlan(
            case_id=case_id,
            kind=PlanKind.EQUAL,
            amount=amount,
            schedule=(Installment(due_on=date(2026, 12, 10), amount=amount),),
            actor=COLLECTOR,
        ),
        ProposedPlan,
    )
    container.app.handle(
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=date(2026, 11, 2),
            signatories=("Bank", "Enterprise 1"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        )
    )
    assert_restarted_today(container, case_id, LimitationCause.AGREEMENT, AgreementSigned)


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        (LegalActionKind.LITIGATION, LimitationCause.LITIGATION),
        (LegalActionKind.ARBITRATION, LimitationCause.ARBITRATION),
        (LegalActionKind.PAYMENT_ORDER, LimitationCause.OTHER),
    ],
)
def test_legal_action_suspends_the_clock_until_its_proceedings_end(
    container: Container, kind: LegalActionKind, cause: LimitationCause
) -> None:
    case_id = clocked_case(container)
    action_id = container.app.send(StartLegalAction(case_id=case_id, kind=kind, summary="filed", actor=SUPERVISOR), str)
    assert restarted(container, case_id) == []  # art. 195: it runs anew from the end of the proceedings, not the filing
    events = container.app.case_events(case_id)
    (suspended,) = [e for e in events if isinstance(e, LimitationSuspended)]
    assert (suspended.action_id, suspended.cause, suspended.filed_on) == (action_id, cause, date(2026, 11, 2))
    assert isinstance(events[suspended.by_version - 1], LegalActionStarted) and "art. 195" in suspended.article
    case = container.app.get_case(case_id)
    assert case.deadlines[FIRST_WARNING].status == "cancelled"
    assert [d for d in case.deadlines.values() if d.kind == "limitation_warning" and d.status == "open"] == []


def test_a_delivered_demand_restarts_the_clock_with_its_cause(container: Container) -> None:
    case_id = clocked_case(container)
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party="Li Na",
            outcome=ContactOutcome.DELIVERED,
            letter=LetterFacts(letter_kind=LetterKind.DEMAND, document_sha256=SHA, delivery_evidence="EMS signed"),
            tracking_number="EMS1234567890CN",
            actor=COLLECTOR,
        )
    )
    assert_restarted_today(container, case_id, LimitationCause.DEMAND, LetterSent)


def test_an_evidenced_demand_by_hand_and_a_lawyers_letter_action(container: Container) -> None:
    case_id = clocked_case(container)
    container.app.handle(
        StartLegalAction(case_id=case_id, kind=LegalActionKind.LAWYERS_LETTER, summary="drafted", actor=SUPERVISOR)
    )
    assert restarted(container, case_id) == []  # a letter drafted is no demand that reached the debtor
    container.app.handle(
        InterruptLimitation(
            case_id=case_id,
            cause=LimitationCause.DEMAND,
            on=date(2026, 11, 1),
            evidence="call recording REC-77: the CFO was asked to pay",
            actor=SUPERVISOR,
        )
    )
    ((_, event),) = restarted(container, case_id)
    assert (event.cause, event.by_version, event.restarts_on) == (LimitationCause.DEMAND, None, date(2026, 11, 1))
    assert event.evidence.startswith("call recording REC-77")


def test_the_moved_warning_is_what_the_scheduler_fires(container: Container) -> None:
    case_id = clocked_case(container)
    container.app.handle(
        MakePromise(case_id=case_id, amount=Money.parse("5000.00"), due_on=date(2026, 11, 20), actor=COLLECTOR)
    )
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2029, 6, 20, 2, 0, tzinfo=UTC))  # past the old warning (2029-06-17), before the new one
    container.scheduler.tick()
    assert "limitation-2029-09-15" not in container.app.get_case(case_id).tasks
    clock.set(datetime(2029, 8, 4, 2, 0, tzinfo=UTC))
    container.scheduler.tick()
    task = container.app.get_case(case_id).tasks["limitation-2029-11-02"]
    assert task.department == "legal"


def test_a_guarantee_period_is_tracked_warned_and_preserved_by_suit(container: Container) -> None:
    case_id = open_case(container.app)
    general = container.app.send(
        RecordGuarantee(case_id=case_id, guarantor="Sun Hao", guarantee_type=GuaranteeType.GENERAL, actor=SUPERVISOR),
        str,
    )
    case = container.app.get_case(case_id)
    guarantee = case.guarantees[general]
    assert guarantee.period_ends_on == date(2027, 3, 15)  # six months from the principal debt's end (art. 692)
    warning = case.deadlines[f"guarantee-lapse-{general}"]
    assert (warning.status, warning.due_at.date()) == ("open", date(2027, 2, 13))  # 30 days before, by policy
    # a demand to a general guarantor does not preserve it; suit against the debtor does (art. 693(1))
    container.app.handle(StartLegalAction(case_id=case_id, kind=LegalActionKind.LITIGATION, actor=SUPERVISOR))
    case = container.app.get_case(case_id)
    assert case.guarantees[general].status == "preserved"
    assert case.deadlines[f"guarantee-lapse-{general}"].status == "met"
    preserved = [e for e in container.app.case_events(case_id) if isinstance(e, GuaranteePreserved)]
    assert [(p.by, "693(1)" in p.article) for p in preserved] == [("litigation", True)]


def test_a_joint_guarantee_is_preserved_by_a_demand_and_an_unpreserved_one_lapses(container: Container) -> None:
    case_id = open_case(container.app)
    joint = container.app.send(
        RecordGuarantee(
            case_id=case_id,
            guarantor="Sun Hao",
            guarantee_type=GuaranteeType.JOINT,
            agreed_ends_on=date(2027, 9, 15),
            actor=SUPERVISOR,
        ),
        str,
    )
    idle = container.app.send(
        RecordGuarantee(case_id=case_id, guarantor="Qian Li", guarantee_type=GuaranteeType.JOINT, actor=SUPERVISOR),
        str,
    )
    assert container.app.get_case(case_id).guarantees[joint].period_ends_on == date(2027, 9, 15)
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party="Sun Hao",
            outcome=ContactOutcome.DELIVERED,
            letter=LetterFacts(letter_kind=LetterKind.DEMAND, document_sha256=SHA, delivery_evidence="signed"),
            actor=COLLECTOR,
        )
    )
    case = container.app.get_case(case_id)
    assert case.guarantees[joint].status == "preserved"
    assert restarted(container, case_id) == []  # a demand to the guarantor is not one to the debtor
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2027, 2, 13, 2, 0, tzinfo=UTC))
    container.scheduler.tick()
    tasks = [e for e in container.app.case_events(case_id) if isinstance(e, TaskAssigned)]
    assert any(t.task_id == f"fired-guarantee-lapse-{idle}" and t.department == "legal" for t in tasks)
    clock.set(datetime(2027, 3, 16, 2, 0, tzinfo=UTC))
    container.scheduler.tick()
    case = container.app.get_case(case_id)
    assert case.guarantees[idle].status == "released"
    assert [e.guarantee_id for e in container.app.case_events(case_id) if isinstance(e, GuaranteeReleased)] == [idle]
    with pytest.raises(IllegalTransitionError):
        container.app.handle(
            PreserveGuarantee(case_id=case_id, guarantee_id=idle, by="demand", evidence="too late", actor=SUPERVISOR)
        )


def test_after_the_period_only_the_debtor_agreeing_to_perform_restarts_it(container: Container) -> None:
    case_id = clocked_case(container)
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(2029, 10, 1, 2, 0, tzinfo=UTC))  # the period ended on 2029-09-15
    container.app.handle(StartLegalAction(case_id=case_id, kind=LegalActionKind.LITIGATION, actor=SUPERVISOR))
    assert restarted(container, case_id) == []
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1000.00"),
            received_on=date(2029, 10, 1),
            reference="LATE",
            actor=COLLECTOR,
        )
    )
    ((_, event),) = restarted(container, case_id)
    assert event.cause is LimitationCause.PART_PAYMENT and "art. 192" in event.article
    assert container.app.get_case(case_id).limitation_ends_on == date(2032, 10, 1)
