"""The CollectionCase aggregate's rules, without any storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from pydantic import BaseModel

from domain.act import Act
from domain.case import CollectionCase
from domain.case.events import CaseOpened, PaymentReceived, PromiseKept
from domain.case.state import CaseFields, CaseState
from domain.case.values import (
    CaseStatus,
    Channel,
    ContactOutcome,
    Installment,
    PlanKind,
    Resolution,
    Tier,
)
from domain.enterprise.aggregate import EnterpriseFields, EnterpriseState
from domain.errors import (
    DuplicateError,
    FutureEventError,
    IllegalTransitionError,
    InvariantError,
    NotFoundError,
)
from domain.ids import case_id
from domain.money import Money
from domain.strategy import PolicyFields, PolicyState
from tests.factories import COLLECTOR

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
ACT = Act.of(COLLECTOR, NOW, NOW)
SHA = "a" * 64


def new_case() -> CollectionCase:
    return CollectionCase.open(
        loan_id="LN-1",
        enterprise_id=uuid4(),
        principal=Money.parse("1000.00"),
        outstanding=Money.parse("900.00"),
        overdue_amount=Money.parse("300.00"),
        overdue_since=date(2026, 9, 1),
        act=ACT,
    )


def call(case: CollectionCase, occurred_at: datetime = NOW, **changes: object) -> None:
    fields: dict[str, object] = dict(
        channel=Channel.PHONE,
        party="Li Na",
        outcome=ContactOutcome.CONNECTED,
    )
    fields.update(changes)
    case.log_contact(act=Act.of(COLLECTOR, occurred_at, NOW), **fields)  # type: ignore[arg-type]


def test_case_id_is_derived_from_the_loan_id() -> None:
    case = new_case()
    assert case.id == case_id("LN-1")
    assert isinstance(case.collect_events()[0], CaseOpened)


@pytest.mark.parametrize(("outstanding", "overdue"), [("0.00", "0.00"), ("1100.00", "10.00"), ("500.00", "600.00")])
def test_opening_rejects_inconsistent_balances(outstanding: str, overdue: str) -> None:
    with pytest.raises(InvariantError):
        CollectionCase.open(
            loan_id="LN-2",
            enterprise_id=uuid4(),
            principal=Money.parse("1000.00"),
            outstanding=Money.parse(outstanding),
            overdue_amount=Money.parse(overdue),
            overdue_since=date(2026, 9, 1),
            act=ACT,
        )


def test_occurred_at_may_not_be_in_the_future_or_naive() -> None:
    case = new_case()
    with pytest.raises(FutureEventError):
        call(case, occurred_at=NOW + timedelta(hours=1))
    with pytest.raises(InvariantError):
        call(case, occurred_at=datetime(2026, 11, 1, 10, 0))
    assert case.version == 1


def test_closed_case_takes_no_contact() -> None:
    case = new_case()
    case.resolve(Resolution.SETTLED, "", act=ACT)
    case.close("filed", act=ACT)
    assert case.status is CaseStatus.CLOSED
    with pytest.raises(IllegalTransitionError):
        call(case)
    with pytest.raises(IllegalTransitionError):
        case.reopen("again", act=ACT)


def test_paid_in_full_needs_nothing_outstanding() -> None:
    case = new_case()
    with pytest.raises(IllegalTransitionError):
        case.resolve(Resolution.PAID_IN_FULL, "", act=ACT)
    case.receive_payment(
        amount=Money.parse("900.00"),
        received_on=date(2026, 11, 2),
        reference="P1",
        act=ACT,
    )
    case.resolve(Resolution.PAID_IN_FULL, "", act=ACT)
    assert case.status is CaseStatus.RESOLVED


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "900.01"])
def test_payments_are_positive_and_within_outstanding(amount: str) -> None:
    case = new_case()
    with pytest.raises(InvariantError):
        case.receive_payment(
            amount=Money.parse(amount),
            received_on=date(2026, 11, 2),
            reference="P1",
            act=ACT,
        )


def test_a_payment_reference_is_recorded_once() -> None:
    case = new_case()
    pay = dict(
        amount=Money.parse("1.00"),
        received_on=date(2026, 11, 2),
        reference="P1",
        act=ACT,
    )
    case.receive_payment(**pay)  # type: ignore[arg-type]
    with pytest.raises(DuplicateError):
        case.receive_payment(**pay)  # type: ignore[arg-type]
    assert case.paid == Money.parse("1.00")
    assert case.outstanding == Money.parse("899.00")


def test_promise_dates_are_not_in_the_past() -> None:
    case = new_case()
    with pytest.raises(InvariantError):
        case.make_promise(
            promise_id="p",
            amount=Money.parse("10.00"),
            due_on=date(2026, 11, 1),
            act=ACT,
        )


def test_a_payment_keeps_the_promises_it_covers() -> None:
    case = new_case()
    case.make_promise(
        promise_id="p1",
        amount=Money.parse("100.00"),
        due_on=date(2026, 11, 10),
        act=ACT,
    )
    case.make_promise(
        promise_id="p2",
        amount=Money.parse("500.00"),
        due_on=date(2026, 11, 20),
        act=ACT,
    )
    case.collect_events()
    case.receive_payment(
        amount=Money.parse("150.00"),
        received_on=date(2026, 11, 2),
        reference="P1",
        act=ACT,
    )
    kept = [e.promise_id for e in case.collect_events() if isinstance(e, PromiseKept)]
    assert kept == ["p1"]
    assert case.promises["p2"].status == "open"


def test_a_promise_cannot_be_broken_before_it_is_due() -> None:
    case = new_case()
    case.make_promise(
        promise_id="p1",
        amount=Money.parse("100.00"),
        due_on=date(2026, 11, 10),
        act=ACT,
    )
    with pytest.raises(IllegalTransitionError):
        case.break_promise("p1", act=ACT)
    later = NOW + timedelta(days=10)
    case.break_promise("p1", act=Act.of(COLLECTOR, later, later))
    assert case.promises["p1"].status == "broken"


def plan(case: CollectionCase, schedule: list[tuple[date, str]], amount: str = "300.00") -> None:
    case.propose_plan(
        plan_id="plan",
        kind=PlanKind.EQUAL,
        amount=Money.parse(amount),
        schedule=[Installment(due_on=d, amount=Money.parse(a)) for d, a in schedule],
        parameters={},
        act=ACT,
    )


def test_a_schedule_sums_exactly_and_its_dates_increase() -> None:
    case = new_case()
    with pytest.raises(InvariantError, match="sums to"):
        plan(case, [(date(2026, 12, 1), "100.00"), (date(2027, 1, 1), "199.99")])
    with pytest.raises(InvariantError, match="strictly increase"):
        plan(case, [(date(2026, 12, 1), "100.00"), (date(2026, 12, 1), "200.00")])
    with pytest.raises(InvariantError, match="positive"):
        plan(case, [(date(2026, 12, 1), "300.00"), (date(2027, 1, 1), "0.00")])


def test_payments_allocate_to_instalments_oldest_first_and_complete_the_agreement() -> None:
    case = new_case()
    plan(case, [(date(2026, 12, 1), "100.00"), (date(2027, 1, 1), "200.00")])
    case.sign_agreement(
        agreement_id="a1",
        plan_id="plan",
        signed_on=date(2026, 11, 2),
        signatories=["Bank", "Enterprise"],
        terms="",
        document_sha256=SHA,
        act=ACT,
    )
    case.collect_events()
    case.receive_payment(
        amount=Money.parse("150.00"),
        received_on=date(2026, 11, 2),
        reference="P1",
        act=ACT,
    )
    payment = case.collect_events()[0]
    assert isinstance(payment, PaymentReceived)
    assert [(a.installment_no, str(a.amount)) for a in payment.allocations] == [(1, "100.00"), (2, "50.00")]
    case.receive_payment(
        amount=Money.parse("150.00"),
        received_on=date(2026, 11, 2),
        reference="P2",
        act=ACT,
    )
    assert case.agreements["a1"].status == "completed"


def test_an_agreement_needs_a_proposed_plan_and_a_document_hash() -> None:
    case = new_case()
    with pytest.raises(NotFoundError):
        case.sign_agreement(
            agreement_id="a1",
            plan_id="nope",
            signed_on=date(2026, 11, 2),
            signatories=["Bank", "Enterprise"],
            terms="",
            document_sha256=SHA,
            act=ACT,
        )
    plan(case, [(date(2026, 12, 1), "300.00")])
    with pytest.raises(InvariantError):
        case.sign_agreement(
            agreement_id="a1",
            plan_id="plan",
            signed_on=date(2026, 11, 2),
            signatories=["Bank", "Enterprise"],
            terms="",
            document_sha256="not-a-hash",
            act=ACT,
        )


def test_escalation_only_goes_up_and_a_deadline_fires_once() -> None:
    case = new_case()
    case.set_deadline(
        deadline_id="d1",
        kind="promise_or_payment",
        due_at=NOW + timedelta(days=10),
        action="escalate:medium",
        act=ACT,
    )
    with pytest.raises(InvariantError):  # a deadline fires only once it has passed
        case.escalate(Tier.MEDIUM, "no payment in 10 days", act=ACT, deadline_id="d1")
    later = NOW + timedelta(days=10)
    case.escalate(Tier.MEDIUM, "no payment in 10 days", act=Act.of(COLLECTOR, later, later), deadline_id="d1")
    assert case.tier is Tier.MEDIUM
    assert case.deadlines["d1"].status == "expired"
    with pytest.raises(IllegalTransitionError):
        case.escalate(Tier.LOW, "down", act=ACT)
    with pytest.raises(DuplicateError):
        case.escalate(Tier.HIGH, "again", act=ACT, deadline_id="d1")


def test_letters_are_fixed_by_their_sha256_and_visits_name_their_staff() -> None:
    case = new_case()
    with pytest.raises(InvariantError):
        call(case, channel=Channel.LETTER, outcome=ContactOutcome.DELIVERED, letter_kind="demand", document_sha256="x")
    with pytest.raises(InvariantError):
        call(case, channel=Channel.VISIT, outcome=ContactOutcome.MET, staff=[])
    call(case, channel=Channel.VISIT, outcome=ContactOutcome.MET, staff=["wang", "liu"])
    assert case.contact_counts == {"visit": 1}


@pytest.mark.parametrize(
    ("fields", "state"),
    [(CaseFields, CaseState), (EnterpriseFields, EnterpriseState), (PolicyFields, PolicyState)],
)
def test_snapshots_keep_every_field_the_aggregates_carry(fields: type, state: type[BaseModel]) -> None:
    assert list(state.model_fields) == declared(fields)


def declared(fields: type) -> list[str]:
    """The fields a ``*Fields`` class declares, its bases' first (``CaseFields`` inherits ``LegalFields``)."""
    return [name for cls in reversed(fields.__mro__) for name in vars(cls).get("__annotations__", {})]


def test_an_opened_case_holds_every_field_itself() -> None:
    case, other = new_case(), new_case()
    assert set(declared(CaseFields)) <= set(vars(case))  # not the class's shared defaults
    case.add_note("called", act=ACT)
    case.make_promise(promise_id="p1", amount=Money.parse("10.00"), due_on=date(2026, 11, 20), act=ACT)
    assert other.promises == {}
