"""Assessment, strategy policy, plans, contact policy and the legal clock through CollectionsApp (both stores)."""

from __future__ import annotations

import itertools
import threading
from datetime import date, timedelta
from uuid import UUID

import pytest

from application.app import CollectionsApp
from application.commands import (
    AddLoanRecord,
    AssessRisk,
    ClassifyCase,
    LogContact,
    OpenCase,
    ProposePlan,
    PublishPolicy,
    ReceivePayment,
    ReviewLegalClock,
    ScheduleVisit,
    SetDoNotContact,
)
from application.handlers.commitments import ProposedPlan
from application.handlers.strategy import Assessment
from demo.examples import SEED_EXAMPLES
from demo.seeding import seed_enterprise
from domain.base import Actor, Role
from domain.case.events import (
    CallLogged,
    ContactEvent,
    DeadlineCancelled,
    DelinquencyClassified,
    LimitationPeriodSet,
    RepaymentPlanProposed,
    RiskAssessed,
    StrategyAssigned,
    TaskAssigned,
    VisitScheduled,
)
from domain.case.judgement_events import TierReviewed
from domain.case.values import Channel, ContactOutcome, Department, PlanKind, Tier
from domain.contact_policy import (
    DAILY_CONNECTED_CALLS,
    DO_NOT_CONTACT,
    QUIET_HOURS,
    UNKNOWN_CONTACT,
    VISIT_STAFF,
    WEEKLY_CALL_ATTEMPTS,
)
from domain.enterprise.values import LoanRecord, LoanStatus
from domain.errors import ContactPolicyError, InvariantError, PermissionDeniedError
from domain.ids import case_id as derive_case_id
from domain.money import Money
from domain.risk import RiskThresholds
from infrastructure.clock import ManualClock
from infrastructure.unit_of_work import LOCK_STRIPES
from tests.factories import COLLECTOR, SUPERVISOR, open_case

RISK = Actor(user_id="sun.risk", role=Role.RISK)
SEED = {spec.key: spec for spec in SEED_EXAMPLES}


def seeded(app: CollectionsApp, key: str) -> UUID:
    case_id, _ = seed_enterprise(app, SEED[key])
    return case_id


def of_type(app: CollectionsApp, case_id: UUID, cls: type) -> list:
    return [e for e in app.case_events(case_id) if isinstance(e, cls)]


@pytest.mark.parametrize(
    ("key", "tier", "departments"),
    [
        ("manufacturer", Tier.HIGH, [Department.LEGAL, Department.LEGAL]),
        ("service", Tier.MEDIUM, [Department.CREDIT, Department.COLLECTIONS]),
        ("logistics", Tier.LOW, [Department.CRM]),
    ],
)
def test_the_seeds_examples_get_their_tier_strategy_deadlines_and_tasks(
    app: CollectionsApp, key: str, tier: Tier, departments: list[Department]
) -> None:
    case_id = seeded(app, key)
    assessed = app.handle(AssessRisk(case_id=case_id, actor=RISK))
    result: Assessment = assessed.result
    assert (result.tier, result.policy_version, result.strategy_assigned) == (tier, 1, True)
    assert result.reasons and all(r.code and r.message for r in result.reasons)

    case = app.get_case(case_id)
    assert (case.tier, case.score, case.policy_version, case.version) == (tier, result.score, 1, assessed.version)
    recorded = of_type(app, case_id, RiskAssessed)[-1]
    assert (recorded.score, recorded.tier, recorded.policy_version) == (result.score, tier, 1)
    assert app.reproduce_assessment(recorded).score == recorded.score
    strategy = of_type(app, case_id, StrategyAssigned)[-1]
    assert strategy.policy_version == 1 and strategy.tier is tier
    assert [t.department for t in of_type(app, case_id, TaskAssigned)] == departments
    kinds = {d.kind for d in case.deadlines.values()}
    expected_kinds = {
        Tier.HIGH: {"lawyers_letter", "agreement_or_payment"},
        Tier.MEDIUM: {"visit", "agreement"},
        Tier.LOW: {"reminder", "payment_or_promise"},
    }[tier]
    assert expected_kinds <= kinds
    assert case.limitation_ends_on is not None and case.delinquency_bucket is not None


def test_reassessing_under_the_same_policy_records_only_the_assessment_and_its_review(app: CollectionsApp) -> None:
    case_id = seeded(app, "logistics")
    first = app.handle(AssessRisk(case_id=case_id, actor=RISK))
    second = app.handle(AssessRisk(case_id=case_id, actor=RISK))
    assert second.result.strategy_assigned is False
    assert second.version == first.version + 2  # RiskAssessed, then TierReviewed (the tier stays: no rule)
    review = app.case_events(case_id)[-1]
    assert isinstance(review, TierReviewed) and review.rule == "" and review.trigger == "assessment"
    assert len(of_type(app, case_id, StrategyAssigned)) == 1


def test_a_supervisor_publishes_a_new_policy_and_cases_show_which_version_governed_them(
    app: CollectionsApp, clock: ManualClock
) -> None:
    case_id = seeded(app, "service")
    assert app.send(AssessRisk(case_id=case_id, actor=RISK), Assessment).tier is Tier.MEDIUM
    current = app.current_policy()
    stricter = current.terms.model_copy(update={"risk": RiskThresholds(medium_from=5, high_from=15)})
    with pytest.raises(PermissionDeniedError):
        app.handle(PublishPolicy(terms=stricter, note="tighter thresholds", actor=COLLECTOR))
    assert app.send(PublishPolicy(terms=stricter, note="tighter thresholds", actor=SUPERVISOR), int) == 2
    assert app.current_policy().version == 2
    assert app.policy_version(1).risk == RiskThresholds()

    clock.advance(timedelta(hours=1))
    result = app.send(AssessRisk(case_id=case_id, actor=RISK), Assessment)
    assert (result.tier, result.policy_version) == (Tier.HIGH, 2)
    assert [s.policy_version for s in of_type(app, case_id, StrategyAssigned)] == [1, 2]
    cancelled = of_type(app, case_id, DeadlineCancelled)
    assert {c.deadline_id.split("-")[-1] for c in cancelled} == {"visit", "agreement"}
    first, second = of_type(app, case_id, RiskAssessed)
    assert app.reproduce_assessment(first).tier is Tier.MEDIUM  # with v1's thresholds
    assert app.reproduce_assessment(second).tier is Tier.HIGH  # with v2's
    with pytest.raises(InvariantError):
        app.handle(PublishPolicy(terms=stricter, note="same again", actor=SUPERVISOR))


def test_a_plan_of_a_kind_is_built_and_proposed(app: CollectionsApp) -> None:
    case_id = open_case(app)
    proposal = app.send(
        ProposePlan(
            case_id=case_id,
            kind=PlanKind.SEASONAL,
            amount=Money.parse("1200000.00"),
            start_on=date(2026, 12, 1),
            parameters={"count": 12, "peak_months": [9, 10, 11, 12]},
            actor=COLLECTOR,
        ),
        ProposedPlan,
    )
    assert sum(i.amount.fen for i in proposal.schedule) == Money.parse("1200000.00").fen
    case = app.get_case(case_id)
    assert case.plans[proposal.plan_id].schedule == proposal.schedule
    event = of_type(app, case_id, RepaymentPlanProposed)[-1]
    assert event.parameters["peak_months"] == [9, 10, 11, 12] and event.parameters["start_on"] == "2026-12-01"
    with pytest.raises(InvariantError):
        app.handle(
            ProposePlan(
                case_id=case_id,
                kind=PlanKind.MILESTONE,
                amount=Money.parse("100.00"),
                start_on=date(2026, 12, 1),
                parameters={"milestones": ["2027-01-01"], "weights": [0]},
                actor=COLLECTOR,
            )
        )


def call(app: CollectionsApp, case_id: UUID, **changes: object) -> int:
    fields: dict[str, object] = {
        "case_id": case_id,
        "channel": Channel.PHONE,
        "party": "Li Na",
        "outcome": ContactOutcome.CONNECTED,
        "actor": COLLECTOR,
    }
    fields.update(changes)
    return app.handle(LogContact(**fields)).version  # type: ignore[arg-type]


def last_contact(app: CollectionsApp, case_id: UUID) -> CallLogged:
    return [e for e in app.case_events(case_id) if isinstance(e, ContactEvent)][-1]  # type: ignore[return-value]


def breach_tasks(app: CollectionsApp, case_id: UUID) -> list[TaskAssigned]:
    return [t for t in of_type(app, case_id, TaskAssigned) if t.task_id.startswith("breach-")]


def test_a_call_in_the_quiet_hours_is_recorded_as_a_breach_unless_a_supervisor_overrides(
    app: CollectionsApp, clock: ManualClock
) -> None:
    case_id = open_case(app)
    clock.advance(timedelta(hours=13))  # 23:00 in Shanghai
    assert app.contact_check(case_id, channel=Channel.PHONE, party="Li Na", at=clock.now()).violations[0].rule_id == (
        QUIET_HOURS
    )
    version = call(app, case_id)  # it happened: recorded, with the rule it broke
    breach = last_contact(app, case_id)
    assert (breach.breached_rules, breach.overridden_rules, breach.override_reason) == ([QUIET_HOURS], [], None)
    call(app, case_id, override_reason="the CFO asked us to call late")  # a collector's reason is no override
    assert last_contact(app, case_id).breached_rules == [QUIET_HOURS]
    tasks = breach_tasks(app, case_id)
    assert (tasks[0].department, tasks[0].task_id) == (Department.COLLECTIONS, f"breach-{version - 1}")
    assert len(tasks) == 2 and all("supervisor" in t.title and QUIET_HOURS in t.title for t in tasks)

    call(app, case_id, actor=SUPERVISOR, override_reason="the CFO asked us to call late")
    approved = last_contact(app, case_id)
    assert (approved.overridden_rules, approved.override_reason, approved.breached_rules) == (
        [QUIET_HOURS],
        "the CFO asked us to call late",
        [],
    )
    assert len(breach_tasks(app, case_id)) == 2  # an approved exception queues nothing


def test_call_limits_unknown_parties_and_do_not_contact_are_recorded_as_breaches(
    app: CollectionsApp, clock: ManualClock
) -> None:
    case_id = open_case(app)
    for _ in range(3):
        call(app, case_id)
        clock.advance(timedelta(minutes=30))
    assert last_contact(app, case_id).breached_rules == []
    call(app, case_id)
    assert last_contact(app, case_id).breached_rules == [DAILY_CONNECTED_CALLS]
    for _ in range(3):  # the 5th, 6th and 7th attempts in the week are allowed
        call(app, case_id, outcome=ContactOutcome.NO_ANSWER)
        clock.advance(timedelta(minutes=30))
        assert last_contact(app, case_id).breached_rules == []
    call(app, case_id, outcome=ContactOutcome.NO_ANSWER)
    assert last_contact(app, case_id).breached_rules == [WEEKLY_CALL_ATTEMPTS]
    clock.advance(timedelta(days=7))
    call(app, case_id, party="the neighbour")
    assert last_contact(app, case_id).breached_rules == [UNKNOWN_CONTACT]
    call(app, case_id, party="Chen Wei")  # the legal representative is known
    assert last_contact(app, case_id).breached_rules == []
    enterprise_id = app.get_case(case_id).enterprise_id
    app.handle(SetDoNotContact(enterprise_id=enterprise_id, reason="under court protection", actor=SUPERVISOR))
    check = app.contact_check(case_id, channel=Channel.EMAIL, party="Li Na", at=clock.now())
    assert (check.allowed, [v.rule_id for v in check.violations]) == (False, [DO_NOT_CONTACT])
    call(app, case_id, channel=Channel.EMAIL)
    assert last_contact(app, case_id).breached_rules == [DO_NOT_CONTACT]
    assert len(breach_tasks(app, case_id)) == 4


def test_a_visit_is_planned_in_office_hours_with_two_staff(app: CollectionsApp, clock: ManualClock) -> None:
    case_id = open_case(app)
    evening = clock.now() + timedelta(days=1, hours=12)  # 22:00 in Shanghai
    with pytest.raises(ContactPolicyError) as late:
        app.handle(
            ScheduleVisit(case_id=case_id, planned_at=evening, party="Li Na", staff=("wang", "liu"), actor=COLLECTOR)
        )
    assert late.value.rule_id == QUIET_HOURS
    with pytest.raises(ContactPolicyError) as alone:
        app.handle(
            ScheduleVisit(
                case_id=case_id,
                planned_at=evening - timedelta(hours=8),
                party="Li Na",
                staff=("wang",),
                actor=COLLECTOR,
            )
        )
    assert alone.value.rule_id == VISIT_STAFF
    app.handle(
        ScheduleVisit(
            case_id=case_id,
            planned_at=evening,
            party="Li Na",
            staff=("wang", "liu"),
            actor=SUPERVISOR,
            override_reason="the owner is only on site at night",
        )
    )
    scheduled = of_type(app, case_id, VisitScheduled)
    assert [(v.overridden_rules, v.override_reason) for v in scheduled] == [
        ([QUIET_HOURS], "the owner is only on site at night")
    ]


def test_calls_on_the_enterprises_other_loans_count_too(app: CollectionsApp, clock: ManualClock) -> None:
    first = open_case(app, loan_id="LN-A")
    second = open_case(app, loan_id="LN-B")
    enterprise_id = app.get_case(first).enterprise_id
    for loan_id in ("LN-A", "LN-B"):
        app.handle(
            AddLoanRecord(
                enterprise_id=enterprise_id,
                record=LoanRecord(
                    loan_id=loan_id,
                    amount=Money.parse("10000000.00"),
                    start_on=date(2024, 1, 1),
                    maturity_on=date(2026, 9, 15),
                    overdue_episodes=0,
                    max_days_past_due=0,
                    status=LoanStatus.OVERDUE,
                ),
                actor=COLLECTOR,
            )
        )
    for case_id in (first, first, second):
        call(app, case_id)
        clock.advance(timedelta(minutes=10))
    assert not app.contact_check(second, channel=Channel.PHONE, party="Li Na", at=clock.now()).allowed
    call(app, second)
    assert last_contact(app, second).breached_rules == [DAILY_CONNECTED_CALLS]


def test_a_case_near_the_end_of_its_limitation_period_gives_legal_a_task(app: CollectionsApp) -> None:
    case_id = app.send(
        OpenCase(
            loan_id="OLD-1",
            enterprise_id=app.get_case(open_case(app)).enterprise_id,
            principal=Money.parse("500000.00"),
            outstanding=Money.parse("400000.00"),
            overdue_amount=Money.parse("400000.00"),
            overdue_since=date(2023, 12, 20),
            actor=COLLECTOR,
        ),
        UUID,
    )
    app.handle(AssessRisk(case_id=case_id, actor=RISK))
    case = app.get_case(case_id)
    assert case.limitation_ends_on == date(2026, 12, 20)
    assert case.tasks["limitation-2026-12-20"].department is Department.LEGAL
    assert case.loan_category == "loss"
    before = case.version
    app.handle(ReviewLegalClock(case_id=case_id, actor=RISK))
    assert app.get_case(case_id).version == before  # once per end date
    assert of_type(app, case_id, LimitationPeriodSet)[0].ends_on == date(2026, 12, 20)


def test_a_payment_that_clears_the_overdue_part_reclassifies_the_case(app: CollectionsApp) -> None:
    case_id = open_case(app)
    app.handle(ClassifyCase(case_id=case_id, actor=COLLECTOR))
    assert app.get_case(case_id).delinquency_bucket == "31-60"
    app.handle(
        ReceivePayment(
            case_id=case_id,
            amount=Money.parse("1200000.00"),
            received_on=date(2026, 11, 2),
            reference="R-1",
            actor=COLLECTOR,
        )
    )
    case = app.get_case(case_id)
    assert (case.delinquency_bucket, case.loan_category, case.days_past_due) == ("current", "normal", 0)
    history = [(e.bucket, e.category) for e in of_type(app, case_id, DelinquencyClassified)]
    assert history == [("31-60", "special_mention"), ("current", "normal")]


def test_commands_that_read_the_enterprise_do_not_wait_on_their_own_lock(app: CollectionsApp) -> None:
    """A case whose id shares a lock stripe with its enterprise's id can still be assessed and contacted."""
    enterprise_id = app.get_case(open_case(app)).enterprise_id
    stripe = enterprise_id.int % LOCK_STRIPES
    loan_id = next(
        f"STRIPE-{n}" for n in itertools.count() if derive_case_id(f"STRIPE-{n}").int % LOCK_STRIPES == stripe
    )
    case_id = open_case(app, loan_id=loan_id)
    done: list[str] = []

    def work() -> None:
        app.handle(AssessRisk(case_id=case_id, actor=RISK))
        call(app, case_id)
        app.handle(
            ScheduleVisit(
                case_id=case_id,
                planned_at=app.clock.now() + timedelta(days=1),
                party="Li Na",
                staff=("a", "b"),
                actor=COLLECTOR,
            )
        )
        done.append("all three")

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=120)  # a deadlock guard, not a speed check: the work takes well under a second
    assert done == ["all three"]
