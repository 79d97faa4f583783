"""Handlers of collaboration: department tasks, legal action, signals, notes, disputes."""

from __future__ import annotations

from dataclasses import dataclass

from application.commands.collaboration import (
    AddNote,
    AssignTask,
    CompleteTask,
    RaiseDispute,
    RecordSignal,
    ResolveDispute,
    StartLegalAction,
)
from application.commands.strategy import AssessRisk
from application.handlers.registry import new_id, on_case
from application.handlers.strategy import AssessmentInputs, assess_risk, assessment_inputs
from application.policies import PolicyBook, ensure_stored, policy_book
from domain.act import Act
from domain.case import CollectionCase
from domain.case.values import CaseStatus
from infrastructure.unit_of_work import UnitOfWork


@on_case(AssignTask)
def assign_task(case: CollectionCase, command: AssignTask, act: Act) -> str:
    task_id = command.task_id or new_id()
    case.assign_task(
        task_id=task_id,
        department=command.department,
        title=command.title,
        due_at=command.due_at,
        assignee=command.assignee,
        act=act,
    )
    return task_id


@on_case(CompleteTask)
def complete_task(case: CollectionCase, command: CompleteTask, act: Act) -> None:
    case.complete_task(command.task_id, command.outcome, act=act)


@on_case(StartLegalAction)
def start_legal_action(case: CollectionCase, command: StartLegalAction, act: Act) -> str:
    action_id = command.action_id or new_id()
    case.start_legal_action(action_id=action_id, kind=command.kind, summary=command.summary, act=act)
    return action_id


@dataclass(frozen=True)
class SignalInputs:
    """What a signal's response reads: every policy version, and (when a response may re-assess) the enterprise."""

    book: PolicyBook
    assessment: AssessmentInputs | None


def signal_inputs(uow: UnitOfWork, command: RecordSignal) -> SignalInputs:
    """Read the policy book and, if some version's response to such a signal re-assesses, the enterprise."""
    book = policy_book(uow)
    reassessing = any(
        r.reassess and r.matches(command.source, command.severity)
        for terms in book.versions.values()
        for r in terms.signal_responses
    )
    assess = AssessRisk(case_id=command.case_id, actor=command.actor)
    return SignalInputs(book, assessment_inputs(uow, assess) if reassessing else None)


@on_case(RecordSignal, prepare=signal_inputs, then=ensure_stored)
def record_signal(case: CollectionCase, command: RecordSignal, act: Act, inputs: SignalInputs) -> str | None:
    """Record the signal; a severe one triggers the governing policy's response (the first that matches): a task
    for the supervisor, a deadline and a re-assessment. Answers the response's name (None: no response)."""
    case.record_signal(source=command.source, summary=command.summary, severity=command.severity, act=act)
    signal_version = case.version
    policy = inputs.book.governing(case.policy_version)
    rule = next((r for r in policy.terms.signal_responses if r.matches(command.source, command.severity)), None)
    if rule is None or case.status is not CaseStatus.OPEN:
        return None
    case.respond_to_signal(
        signal_version=signal_version,
        policy_version=policy.version,
        rule=rule.name,
        supervisor_task=rule.supervisor_task,
        deadline_days=rule.deadline_days,
        deadline_action=rule.deadline_action,
        deadline_met_by=list(rule.deadline_met_by),
        reassess=rule.reassess and inputs.assessment is not None,
        act=act,
    )
    if rule.reassess and inputs.assessment is not None:
        assess_risk(case, AssessRisk(case_id=command.case_id, actor=command.actor), act, inputs.assessment)
    return rule.name


@on_case(AddNote)
def add_note(case: CollectionCase, command: AddNote, act: Act) -> None:
    case.add_note(command.text, act=act)


@on_case(RaiseDispute)
def raise_dispute(case: CollectionCase, command: RaiseDispute, act: Act) -> None:
    case.raise_dispute(command.reason, act=act)


@on_case(ResolveDispute)
def resolve_dispute(case: CollectionCase, command: ResolveDispute, act: Act) -> None:
    case.resolve_dispute(command.outcome, act=act)
