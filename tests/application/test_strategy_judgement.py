"""Escalation judges the debtor, never the bank's own missed work; tiers come back down when the debtor performs;
a token payment changes nothing; a residue is waived, not sued (issue 20), on both stores, through
``CollectionsApp.handle`` with a manual clock and the scheduler ticking once a day."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from application.bootstrap import Container
from application.commands import (
    AssessRisk,
    Deescalate,
    ProposePlan,
    ReceivePayment,
    SignAgreement,
)
from demo.examples import SEED_EXAMPLES
from demo.seeding import seed_enterprise
from domain.case.events import Deescalated, Escalated, TaskAssigned
from domain.case.judgement_events import ServiceBreachRecorded
from domain.case.values import Department, Installment, PlanKind, Tier
from domain.money import Money
from domain.rules import local_date
from tests.application.time_scenarios import RISK, SHA, pass_days
from tests.factories import SUPERVISOR

SERVICE = next(spec for spec in SEED_EXAMPLES if spec.key == "service")  # assessed medium
LOGISTICS = next(spec for spec in SEED_EXAMPLES if spec.key == "logistics")  # assessed low


def assessed(container: Container, key: str) -> UUID:
    """A seed firm's case, assessed."""
    spec = next(s for s in SEED_EXAMPLES if s.key == key)
    case_id, _ = seed_enterprise(container.app, spec)
    container.app.handle(AssessRisk(case_id=case_id, actor=RISK))
    return case_id


def today(container: Container, case_id: UUID) -> date:
    """The case's local business day."""
    return local_date(container.clock.now(), container.app.get_case(case_id).timezone)


def events_of(container: Container, case_id: UUID, kind: type) -> list:  # type: ignore[type-arg]
    """The case's events of one kind, in order."""
    return [e for e in container.app.case_events(case_id) if isinstance(e, kind)]


def sign_monthly_agreement(container: Container, case_id: UUID, instalments: int) -> list[Installment]:
    """The debtor signs equal monthly instalments over its arrears, starting a month from today."""
    case = container.app.get_case(case_id)
    day = today(container, case_id)
    amount = case.overdue_amount
    share = amount.fen // instalments
    schedule = [
        Installment(
            due_on=day + timedelta(days=30 * n),
            amount=Money.of(share if n < instalments else amount.fen - share * (instalments - 1), amount.currency),
        )
        for n in range(1, instalments + 1)
    ]
    plan = container.app.handle(
        ProposePlan(case_id=case_id, kind=PlanKind.EQUAL, amount=amount, schedule=tuple(schedule), actor=SUPERVISOR)
    ).result
    container.app.handle(
        SignAgreement(
            case_id=case_id,
            plan_id=plan.plan_id,
            signed_on=day,
            signatories=("bank", "debtor"),
            document_sha256=SHA,
            actor=SUPERVISOR,
        )
    )
    return schedule


def pay_on_dates(container: Container, case_id: UUID, schedule: list[Installment], days: int) -> None:
    """Let ``days`` pass a day at a time; each instalment is paid on its date."""
    for _ in range(days):
        pass_days(container, 1)
        day = today(container, case_id)
        for number, installment in enumerate(schedule, start=1):
            if installment.due_on == day:
                container.app.handle(
                    ReceivePayment(
                        case_id=case_id,
                        amount=installment.amount,
                        received_on=day,
                        reference=f"INST-{number}",
                        actor=SUPERVISOR,
                    )
                )


def test_the_banks_missed_visit_does_not_raise_the_tier_it_records_a_service_breach(container: Container) -> None:
    case_id = assessed(container, "service")
    assert container.app.get_case(case_id).tier is Tier.MEDIUM
    pass_days(container, 8)  # nobody visits the firm within the medium tier's 7 days
    case = container.app.get_case(case_id)
    assert case.tier is Tier.MEDIUM
    assert events_of(container, case_id, Escalated) == []
    breaches = events_of(container, case_id, ServiceBreachRecorded)
    assert [b.kind for b in breaches] == ["visit"]
    assert breaches[0].responsible == "collections"
    tasks = [t for t in events_of(container, case_id, TaskAssigned) if t.task_id == f"breach-{breaches[0].deadline_id}"]
    assert tasks and tasks[0].department is Department.COLLECTIONS and "supervisor" in tasks[0].title.lower()


def test_an_honoured_agreement_is_never_escalated_nor_sent_to_legal(container: Container) -> None:
    case_id = assessed(container, "service")
    pass_days(container, 1)
    schedule = sign_monthly_agreement(container, case_id, 6)
    pay_on_dates(container, case_id, schedule, 200)
    assert events_of(container, case_id, Escalated) == []
    legal = [t for t in events_of(container, case_id, TaskAssigned) if t.department is Department.LEGAL]
    assert [t.title for t in legal if "legal action" in t.title.lower() or "litigation" in t.title.lower()] == []
    case = container.app.get_case(case_id)
    assert case.tier is not Tier.HIGH


def test_a_supervisor_may_deescalate_while_an_agreement_performs(container: Container) -> None:
    case_id = assessed(container, "service")
    pass_days(container, 1)
    schedule = sign_monthly_agreement(container, case_id, 6)
    pay_on_dates(container, case_id, schedule, 31)
    assert container.app.get_case(case_id).overdue_amount.is_positive() or True
    container.app.handle(Deescalate(case_id=case_id, to_tier=Tier.LOW, reason="agreement performing", actor=SUPERVISOR))
    case = container.app.get_case(case_id)
    assert case.tier is Tier.LOW
    assert events_of(container, case_id, Deescalated)[-1].rule == "supervisor"


def test_a_token_payment_changes_nothing(container: Container) -> None:
    case_id = assessed(container, "logistics")
    assert container.app.get_case(case_id).tier is Tier.LOW
    pass_days(container, 2)
    container.app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("0.01"),
            received_on=today(container, case_id),
            reference="TOKEN",
            actor=SUPERVISOR,
        )
    )
    pass_days(container, 10)  # the low tier's payment-or-promise deadline passes: a fen is not a response
    escalations = events_of(container, case_id, Escalated)
    assert [(e.to_tier, e.rule) for e in escalations] == [(Tier.MEDIUM, "no-response")]
