"""Handlers of assessment and treatment: risk, strategy, escalation, deadlines, the legal clock, the policy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from application.case_facts import enterprise_of
from application.commands.base import Outcome
from application.commands.strategy import (
    AssessRisk,
    AssignStrategy,
    CancelDeadline,
    ClassifyCase,
    Deescalate,
    Escalate,
    ExpireDeadline,
    MeetDeadline,
    PublishPolicy,
    RecordAssessment,
    ReviewLegalClock,
    ReviewStrategy,
    SetDeadline,
)
from application.handlers.registry import act_of, handles, new_id, on_case
from application.judgement import (
    is_service_breach,
    judge_tier,
    rearm_response_window,
    response_window,
    schedule_review,
    waive_if_residue,
)
from application.policies import CurrentPolicy, PolicyBook, current_policy, ensure_stored, policy_book
from domain.act import Act
from domain.case import CollectionCase
from domain.case.values import Reason, Tier
from domain.enterprise import Enterprise
from domain.enterprise.values import FinancialStatement, LoanRecord, Registration
from domain.judgement import rule_of_deadline
from domain.risk_v2 import extract_features_v2, score_v2
from domain.rules import local_date
from domain.strategy import POLICY_ID, PolicyTerms, StrategyPolicy, apply_treatment, escalate_case
from infrastructure.unit_of_work import Session, UnitOfWork


@dataclass(frozen=True)
class Assessment:
    """What the risk model said of a case, and whether the tier's treatment was (re)assigned."""

    model_version: str
    score: int
    tier: Tier
    reasons: list[Reason]
    features: dict[str, Any]
    policy_version: int
    strategy_assigned: bool


@dataclass(frozen=True)
class AssessmentInputs:
    """What an assessment reads besides the case: the governing policy and the enterprise's accounts."""

    policy: CurrentPolicy
    registration: Registration
    statements: tuple[FinancialStatement, ...]
    loans: tuple[LoanRecord, ...]


def assessment_inputs(uow: UnitOfWork, command: AssessRisk) -> AssessmentInputs:
    """Read the policy and the enterprise before the case's lock is taken (the policy an assessment names is stored
    once the assessment is saved: ``then=ensure_stored``)."""
    enterprise_id = enterprise_of(uow, command.case_id)
    registration, statements, loans = uow.read(
        Enterprise,
        enterprise_id,
        lambda e: (e.registration, tuple(e.statements_in_order()), tuple(e.loans.values())),
    )
    return AssessmentInputs(current_policy(uow), registration, statements, loans)


def start_legal_clock(case: CollectionCase, terms: PolicyTerms, act: Act) -> None:
    """Start the limitation period once, with the policy's years and warning (arts. 188-189)."""
    legal = terms.legal_clock
    case.start_limitation(years=legal.limitation_years, warn_days=legal.warn_days_before, act=act)


@on_case(AssessRisk, prepare=assessment_inputs, then=ensure_stored)
def assess_risk(case: CollectionCase, command: AssessRisk, act: Act, inputs: AssessmentInputs) -> Assessment:
    return assess_and_judge(case, act, inputs, trigger="assessment")


def assess_and_judge(case: CollectionCase, act: Act, inputs: AssessmentInputs, *, trigger: str) -> Assessment:
    """Score the debtor and record it; the first assessment puts the case under its tier's treatment and sets the
    first review, a later one moves the tier only by the policy's rules (domain/judgement.py, with hysteresis)."""
    as_of = local_date(act.recorded_at, case.timezone)
    policy = inputs.policy
    registration = inputs.registration
    features_v2 = extract_features_v2(
        list(inputs.statements),
        list(inputs.loans),
        industry=registration.industry,
        overdue_since=case.overdue_since,
        overdue_fen=case.overdue_amount.fen,
        exposure_fen=case.outstanding.fen,
        established_on=registration.established_on,
        registered_capital_fen=registration.registered_capital.fen,
        as_of=as_of,
        terms=policy.terms.scorecard,
    )
    assessment = score_v2(features_v2, policy.terms.risk, policy.terms.scorecard)
    features = assessment.features.model_dump(mode="json")
    first = case.tier is None
    case.record_assessment(
        model_version=assessment.model_version,
        score=assessment.score,
        tier=assessment.tier,
        reasons=assessment.reasons,
        features=features,
        policy_version=policy.version,
        act=act,
    )
    segment = (registration.industry, registration.region)
    assigned = False
    if first:
        channels = policy.terms.channels_for(assessment.tier, *segment)
        treatment = policy.terms.treatment_for(assessment.tier)
        assigned = apply_treatment(case, policy.version, treatment, act=act, channels=channels)
        if not any(d.kind == "strategy_review" and d.status == "open" for d in case.deadlines.values()):
            schedule_review(case, policy, act=act)
    elif not waive_if_residue(case, policy, act=act) and case.status.value == "open":
        moved = judge_tier(case, policy, assessment.tier, assessment.score, segment, act=act, trigger=trigger)
        assigned = bool(moved)
        if not moved and trigger == "assessment" and case.tier is not None and case.policy_version != policy.version:
            # a newer policy version: the same tier's treatment of that version (its deadlines and tasks)
            channels = policy.terms.channels_for(case.tier, *segment)
            assigned = apply_treatment(
                case, policy.version, policy.terms.treatment_for(case.tier), act=act, channels=channels
            )
    if case.status.value == "open":
        start_legal_clock(case, policy.terms, act)
        case.review_legal_clock(act=act)
        case.classify(as_of, act=act)
    return Assessment(
        model_version=assessment.model_version,
        score=assessment.score,
        tier=assessment.tier,
        reasons=assessment.reasons,
        features=features,
        policy_version=policy.version,
        strategy_assigned=assigned,
    )


def review_inputs(uow: UnitOfWork, command: ReviewStrategy) -> tuple[AssessmentInputs, PolicyBook]:
    """The enterprise's accounts and every policy version (a review keeps the version that governs the case)."""
    return assessment_inputs(uow, AssessRisk(case_id=command.case_id, actor=command.actor)), policy_book(uow)


@on_case(ReviewStrategy, prepare=review_inputs)
def review_strategy(
    case: CollectionCase, command: ReviewStrategy, act: Act, inputs: tuple[AssessmentInputs, PolicyBook]
) -> str:
    """The periodic review: the deadline fires once, the debtor is re-assessed and its tier judged by the rules
    of the version that governs it (a newer version reaches it only by an assessment), a residue is waived, the
    tier's response window opens again if none is open, and the next review is set. Answers the tier after it."""
    if command.deadline_id is not None:
        case.fire(command.deadline_id, act=act)
    if case.status.value != "open":
        return str(case.tier or "")
    assessment, book = inputs
    governing = replace(assessment, policy=book.governing(case.policy_version))
    assess_and_judge(case, act, governing, trigger="periodic")
    rearm_response_window(case, governing.policy, act=act)
    schedule_review(case, governing.policy, act=act)
    return str(case.tier or "")


@on_case(RecordAssessment)
def record_assessment(case: CollectionCase, command: RecordAssessment, act: Act) -> None:
    case.record_assessment(
        model_version=command.model_version,
        score=command.score,
        tier=command.tier,
        reasons=list(command.reasons),
        features=command.features,
        act=act,
    )


@on_case(AssignStrategy)
def assign_strategy(case: CollectionCase, command: AssignStrategy, act: Act) -> None:
    case.assign_strategy(
        policy_version=command.policy_version,
        tier=command.tier,
        treatment=command.treatment,
        channels=list(command.channels),
        act=act,
    )


@dataclass(frozen=True)
class SegmentedBook:
    """The policy book and the case's segment (its enterprise's industry and region)."""

    book: PolicyBook
    segment: tuple[str, str]


def segmented_book(uow: UnitOfWork, command: Escalate | Deescalate) -> SegmentedBook:
    """Read the policy versions and the enterprise's segment before the case's lock is taken."""
    registration = uow.read(Enterprise, enterprise_of(uow, command.case_id), lambda e: e.registration)
    return SegmentedBook(policy_book(uow), (registration.industry, registration.region))


@on_case(Escalate, prepare=segmented_book, then=ensure_stored)
def escalate(case: CollectionCase, command: Escalate, act: Act, inputs: SegmentedBook) -> bool:
    """Escalate by hand (rule ``manual``) or when a debtor's deadline passed (its rule). A deadline on the bank's
    own work becomes a service breach; while an agreement is in good standing, or for a residue, the deadline
    fires and the tier stays."""
    policy = inputs.book.governing(case.policy_version)
    rule = "manual"
    if command.deadline_id is not None:
        deadline = case.check_deadline_due(command.deadline_id, act)
        rule = rule_of_deadline(deadline.kind)
        action = f"escalate:{command.to_tier}"
        if is_service_breach(deadline.kind, action):
            case.fire(command.deadline_id, act=act)
            case.record_service_breach(deadline, act=act)
            return False
        window = response_window(policy.terms, deadline.kind)
        attempts = policy.terms.judgement.contact_attempts
        if window is not None and not case.contacted_since(deadline.due_at - window, attempts):
            # no meaningful response *after the tier's contact attempts*: too few were made, the bank's breach
            case.fire(command.deadline_id, act=act)
            summary = (
                f"fewer than {attempts} contact attempts in the {deadline.kind.replace('_', ' ')} window:"
                " the debtor was not asked enough"
            )
            case.record_service_breach(deadline, act=act, responsible="collections", summary=summary)
            return False
        if case.agreement_in_good_standing() or waive_if_residue(case, policy, act=act):
            if case.status.value == "open":
                case.fire(command.deadline_id, act=act)
            return False
    return escalate_case(
        case,
        command.to_tier,
        command.reason,
        policy.version,
        policy.terms,
        act=act,
        deadline_id=command.deadline_id,
        segment=inputs.segment,
        rule=rule,
    )


@on_case(Deescalate, prepare=segmented_book, then=ensure_stored)
def deescalate(case: CollectionCase, command: Deescalate, act: Act, inputs: SegmentedBook) -> None:
    policy = inputs.book.governing(case.policy_version)
    case.deescalate(command.to_tier, command.reason, act=act)
    channels = policy.terms.channels_for(command.to_tier, *inputs.segment)
    treatment = policy.terms.treatment_for(command.to_tier)
    apply_treatment(case, policy.version, treatment, act=act, force=True, channels=channels)


@on_case(SetDeadline)
def set_deadline(case: CollectionCase, command: SetDeadline, act: Act) -> str:
    deadline_id = command.deadline_id or new_id()
    case.set_deadline(
        deadline_id=deadline_id,
        kind=command.kind,
        due_at=command.due_at,
        action=command.action,
        met_by=list(command.met_by),
        act=act,
    )
    return deadline_id


@on_case(MeetDeadline)
def meet_deadline(case: CollectionCase, command: MeetDeadline, act: Act) -> None:
    case.meet_deadline(command.deadline_id, act=act)


@on_case(CancelDeadline)
def cancel_deadline(case: CollectionCase, command: CancelDeadline, act: Act) -> None:
    case.cancel_deadline(command.deadline_id, command.reason, act=act)


@on_case(ExpireDeadline, prepare=policy_book, then=ensure_stored)
def expire_deadline(case: CollectionCase, command: ExpireDeadline, act: Act, book: PolicyBook) -> None:
    deadline = case.check_deadline_due(command.deadline_id, act)
    if is_service_breach(deadline.kind, deadline.action):
        case.fire(command.deadline_id, act=act)
        breach = deadline.action.startswith("breach:")
        case.record_service_breach(deadline, act=act, responsible=deadline.action.partition(":")[2] if breach else "")
        return
    policy = book.governing(case.policy_version)
    if deadline.action == "legal_action" and (
        case.agreement_in_good_standing() or case.pending_proceedings() or waive_if_residue(case, policy, act=act)
    ):
        if case.status.value == "open":
            case.fire(command.deadline_id, act=act)
        return
    treatment = book.governing(case.policy_version).terms.treatment_for(case.tier) if case.tier else None
    every = treatment.reminder_every_days if treatment is not None else None
    case.fire_deadline(command.deadline_id, act=act, reminder_every_days=every)


@on_case(ReviewLegalClock, prepare=lambda uow, _: current_policy(uow).terms)
def review_legal_clock(case: CollectionCase, command: ReviewLegalClock, act: Act, terms: PolicyTerms) -> None:
    start_legal_clock(case, terms, act)
    case.review_legal_clock(act=act, deadline_id=command.deadline_id)


@on_case(ClassifyCase)
def classify_case(case: CollectionCase, command: ClassifyCase, act: Act) -> None:
    case.classify(local_date(act.recorded_at, case.timezone), act=act)


@handles(PublishPolicy)
def publish_policy(command: PublishPolicy, uow: UnitOfWork) -> Outcome[int]:
    """Publish a new policy version; the result is its number (the outcome's version is the aggregate's)."""
    ensure_stored(uow)

    def decide(policy: StrategyPolicy, session: Session) -> int:
        return policy.publish(command.terms, command.note, act=act_of(command, session))

    changed = uow.change(StrategyPolicy, POLICY_ID, decide, command.expected_version)
    return Outcome(changed.result, changed.version)
