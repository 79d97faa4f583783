"""Handlers of collaboration: department tasks, legal action, signals, notes, disputes."""

from __future__ import annotations

from application.commands.collaboration import (
    AddNote,
    AssignTask,
    CompleteTask,
    RaiseDispute,
    RecordSignal,
    ResolveDispute,
    StartLegalAction,
)
from application.handlers.registry import new_id, on_case
from domain.act import Act
from domain.case import CollectionCase


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


@on_case(RecordSignal)
def record_signal(case: CollectionCase, command: RecordSignal, act: Act) -> None:
    case.record_signal(source=command.source, summary=command.summary, severity=command.severity, act=act)


@on_case(AddNote)
def add_note(case: CollectionCase, command: AddNote, act: Act) -> None:
    case.add_note(command.text, act=act)


@on_case(RaiseDispute)
def raise_dispute(case: CollectionCase, command: RaiseDispute, act: Act) -> None:
    case.raise_dispute(command.reason, act=act)


@on_case(ResolveDispute)
def resolve_dispute(case: CollectionCase, command: ResolveDispute, act: Act) -> None:
    case.resolve_dispute(command.outcome, act=act)
