"""Collaboration: tasks for departments, outside signals, notes."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response, status

from api.deps import Write, writes
from api.permissions import Permission
from api.routes.common import WRITE
from api.schemas.cases import NoteIn, SignalIn, TaskCompletionIn, TaskCreated, TaskIn
from api.schemas.common import CaseWritten

router = APIRouter(prefix="/v1/cases", tags=["collaboration"])


@router.post(
    "/{case_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskCreated,
    responses=WRITE,
    summary="Assign a task",
)
async def assign_task(
    case_id: UUID,
    body: TaskIn,
    write: Annotated[Write, writes(Permission.ASSIGN_TASK)],
) -> Response:
    """Give a department (credit, risk, legal, CRM, collections) a task with a due date."""
    task_id = write.app.assign_task(
        case_id,
        department=body.department,
        title=body.title,
        due_at=body.due_at,
        assignee=body.assignee,
        actor=write.actor,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    new_version = write.app.case_version(case_id)
    return write.created(TaskCreated(case_id=str(case_id), version=new_version, task_id=task_id), new_version)


@router.post(
    "/{case_id}/tasks/{task_id}/completion",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Complete a task",
)
async def complete_task(
    case_id: UUID,
    task_id: Annotated[str, Path(max_length=200, description="the task's id")],
    body: TaskCompletionIn,
    write: Annotated[Write, writes(Permission.COMPLETE_TASK)],
) -> Response:
    """Mark a task done, with its outcome."""
    new_version = write.app.complete_task(
        case_id,
        task_id,
        write.actor,
        body.outcome,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    return write.case_written(case_id, new_version)


@router.post(
    "/{case_id}/signals",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Record a signal",
)
async def record_signal(
    case_id: UUID,
    body: SignalIn,
    write: Annotated[Write, writes(Permission.RECORD_SIGNAL)],
) -> Response:
    """Record news, social media, court, registry or fund-movement signals about the enterprise."""
    new_version = write.app.record_signal(
        case_id,
        source=body.source,
        summary=body.summary,
        severity=body.severity,
        actor=write.actor,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    return write.case_written(case_id, new_version)


@router.post(
    "/{case_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Add a note",
)
async def add_note(
    case_id: UUID,
    body: NoteIn,
    write: Annotated[Write, writes(Permission.ADD_NOTE)],
) -> Response:
    """Add a free-text note (allowed on closed cases too)."""
    new_version = write.app.add_note(
        case_id, body.text, write.actor, expected_version=write.expected_version, occurred_at=body.occurred_at
    )
    return write.case_written(case_id, new_version)
