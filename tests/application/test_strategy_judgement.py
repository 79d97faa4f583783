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
    MakePromise,
    ProposePlan,
    PublishPolicy,
    ReceivePayment,
    SignAgreement,
)
from demo.examples import SEED_EXAMPLES
from demo.seeding import seed_enterprise
from domain.case.events import Deescalated, Escalated, LegalActionStarted, TaskAssigned
from domain.case.judgement_events import ResidueWaived, ServiceBreachRecorded, TierReviewed
from domain.case.values import Department, Installment, PlanKind, Tier
from domain.money import Money
from domain.rules import local_date
from domain.strategy import default_terms
from tests.application.time_scenarios import RISK, SHA, pass_days, remind
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
    for _ in range(2):  # the bank asks (three attempts in the window, as the policy requires)
        remind(container, case_id)
        pass_days(container, 1)
    remind(container, case_id)
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


def test_no_response_when_the_bank_never_asked_is_the_banks_breach_not_the_debtors(container: Container) -> None:
    case_id = assessed(container, "logistics")
    pass_days(container, 11)  # nobody called, wrote or visited in the low tier's ten days
    assert events_of(container, case_id, Escalated) == []
    assert container.app.get_case(case_id).tier is Tier.LOW
    breaches = events_of(container, case_id, ServiceBreachRecorded)
    assert [b.kind for b in breaches] == ["payment_or_promise"] and "not asked" in breaches[0].summary


def test_a_residue_is_waived_and_the_case_closes_not_sued(container: Container) -> None:
    case_id = assessed(container, "logistics")
    pass_days(container, 1)
    case = container.app.get_case(case_id)
    left = case.outstanding - Money.parse("0.05")
    day = today(container, case_id)
    container.app.handle(
        ReceivePayment(case_id=case_id, amount=left, received_on=day, reference="ALL", actor=SUPERVISOR)
    )
    case = container.app.get_case(case_id)
    assert case.status.value == "closed" and str(case.resolution) == "settled"
    (waived,) = events_of(container, case_id, ResidueWaived)
    assert waived.amount == Money.parse("0.05") and "residue rule" in waived.approved_by and waived.reason
    assert [d for d in case.open_deadlines()] == []  # nothing left to escalate or sue on
    pass_days(container, 60)
    assert events_of(container, case_id, Escalated) == [] and events_of(container, case_id, LegalActionStarted) == []


def test_a_residue_left_on_a_high_tier_case_is_waived_when_its_legal_deadline_comes(container: Container) -> None:
    case_id = assessed(container, "manufacturer")
    assert container.app.get_case(case_id).tier is Tier.HIGH
    case = container.app.get_case(case_id)
    left = case.outstanding - Money.parse("99.99")
    day = today(container, case_id)
    container.app.handle(
        ReceivePayment(case_id=case_id, amount=left, received_on=day, reference="MOST", actor=SUPERVISOR)
    )
    assert container.app.get_case(case_id).status.value == "closed"
    tasks = [t.title for t in events_of(container, case_id, TaskAssigned) if t.department is Department.LEGAL]
    pass_days(container, 30)
    assert [t.title for t in events_of(container, case_id, TaskAssigned) if t.department is Department.LEGAL] == tasks


def test_a_debtor_keeping_its_promises_is_deescalated_by_rule(container: Container) -> None:
    case_id = assessed(container, "service")
    for n in range(2):
        day = today(container, case_id)
        container.app.handle(
            MakePromise(
                case_id=case_id, amount=Money.parse("150000.00"), due_on=day + timedelta(days=3), actor=SUPERVISOR
            )
        )
        pass_days(container, 2)
        container.app.handle(
            ReceivePayment(
                case_id=case_id,
                amount=Money.parse("150000.00"),
                received_on=today(container, case_id),
                reference=f"P{n}",
                actor=SUPERVISOR,
            )
        )
        pass_days(container, 3)
    pass_days(container, 25)  # the monthly review
    (down,) = events_of(container, case_id, Deescalated)
    assert (down.from_tier, down.to_tier, down.rule) == (Tier.MEDIUM, Tier.LOW, "promises-kept")
    assert down.actor.user_id == "system:strategy"
    review = next(r for r in events_of(container, case_id, TierReviewed) if r.rule)
    assert review.rule == "promises-kept" and review.trigger == "periodic"


def test_a_gentler_reassessment_lowers_a_tier_only_on_consecutive_periodic_reviews(container: Container) -> None:
    terms = default_terms()
    judgement = terms.judgement.model_copy(update={"hysteresis_points": 0, "dpd_bands": [], "review_every_days": 10})
    # v2: the thresholds rise so the service firm now rates low; the tier must not flap on one review
    risk = terms.risk.model_copy(update={"medium_from": 90, "high_from": 95})
    case_id = assessed(container, "service")
    container.app.handle(
        PublishPolicy(terms=terms.model_copy(update={"judgement": judgement, "risk": risk}), note="t", actor=SUPERVISOR)
    )
    container.app.handle(AssessRisk(case_id=case_id, actor=RISK))  # an event-driven review: counts nothing
    assert container.app.get_case(case_id).tier is Tier.MEDIUM
    assert events_of(container, case_id, TierReviewed)[-1].lower_reviews == 0
    schedule = sign_monthly_agreement(container, case_id, 6)  # performing: no escalation window runs meanwhile
    pay_on_dates(container, case_id, schedule, 30)  # first periodic review (v1 set it a month on): gentler once
    assert container.app.get_case(case_id).tier is Tier.MEDIUM
    assert [r.lower_reviews for r in events_of(container, case_id, TierReviewed)][-1] == 1
    pay_on_dates(container, case_id, schedule, 10)  # second in a row, ten days on (v2's period): lowered, by rule
    (down,) = events_of(container, case_id, Deescalated)
    assert (down.to_tier, down.rule) == (Tier.LOW, "reassessment")


def test_an_agreement_paid_on_time_lowers_the_tier_through_the_cure_window_and_once_completed(
    container: Container,
) -> None:
    case_id = assessed(container, "service")
    pass_days(container, 1)
    schedule = sign_monthly_agreement(container, case_id, 6)
    pay_on_dates(
        container, case_id, schedule, 155
    )  # the cure window ends 90 days after the first instalment (day 121):
    # the monthly review on day 150 lowers the tier
    assert [(e.to_tier, e.rule) for e in events_of(container, case_id, Deescalated)] == [
        (Tier.LOW, "agreement-performing")
    ]
    assert events_of(container, case_id, Escalated) == []
    other = assessed(container, "restaurant")
    pass_days(container, 1)
    schedule = sign_monthly_agreement(container, other, 3)  # completed on its 90th day: nothing is overdue
    pay_on_dates(container, other, schedule, 125)  # the review after completion
    # days past due count on the agreed schedule (the ledger's rescheduling), so two monthly reviews in a row score
    # the performing debtor lower and lower its tier (hysteresis); completing the agreement cures it one tier more
    assert [(e.to_tier, e.rule) for e in events_of(container, other, Deescalated)] == [
        (Tier.MEDIUM, "reassessment"),
        (Tier.LOW, "cured"),
    ]
    assert events_of(container, other, Escalated) == []
