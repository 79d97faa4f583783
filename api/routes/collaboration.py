"""Collaboration: tasks for departments, outside signals, notes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Response, status

from api.auth import Principal
from api.deps import AppDep, ExpectedVersion, IdempotencyKey, require
from api.permissions import Permission
from api.routes.common import WRITE, set_etag
from api.schemas.cases import NoteIn, SignalIn, TaskCompletionIn, TaskCreated, TaskIn
from api.schemas.common import CaseWritten

router = APIRouter(prefix="/v1/cases", tags=["collaboration"])


@router.post("/{case_id}/tasks", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Assign a task")
def assign_task(
    case_id: UUID,
    body: TaskIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.ASSIGN_TASK))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> TaskCreated:
    """Give a department (credit, risk, legal, CRM, collections) a task with a due date."""
    task_id = app.assign_task(
        case_id,
        department=body.department,
        title=body.title,
        due_at=body.due_at,
        assignee=body.assignee,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    new_version = app.get_case(case_id).version
    set_etag(response, new_version)
    return TaskCreated(case_id=str(case_id), version=new_version, task_id=task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/completion",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
    summary="Complete a task",
)
def complete_task(
    case_id: UUID,
    task_id: Annotated[str, Path(max_length=200, description="the task's id")],
    body: TaskCompletionIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.COMPLETE_TASK))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Mark a task done, with its outcome."""
    new_version = app.complete_task(
        case_id, task_id, who.actor, body.outcome, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)


@router.post("/{case_id}/signals", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Record a signal")
def record_signal(
    case_id: UUID,
    body: SignalIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.RECORD_SIGNAL))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Record news, social media, court, registry or fund-movement signals about the enterprise."""
    new_version = app.record_signal(
        case_id,
        source=body.source,
        summary=body.summary,
        severity=body.severity,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)


@router.post("/{case_id}/notes", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Add a note")
def add_note(
    case_id: UUID,
    body: NoteIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.ADD_NOTE))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> CaseWritten:
    """Add a free-text note (allowed on closed cases too)."""
    new_version = app.add_note(case_id, body.text, who.actor, expected_version=version, occurred_at=body.occurred_at)
    set_etag(response, new_version)
    return CaseWritten(case_id=str(case_id), version=new_version)
