"""Collaboration: tasks for departments, outside signals, notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.deps import Write, writes
from api.permissions import Permission
from api.routes.common import WRITE
from api.schemas.cases import NoteIn, SignalIn, TaskCompletionIn, TaskCreated, TaskIn
from api.schemas.common import CaseWritten, PathId
from application.commands import AddNote, AssignTask, CompleteTask, RecordSignal

router = APIRouter(prefix="/v1/cases", tags=["collaboration"])


@router.post(
    "/{case_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskCreated,
    responses=WRITE,
    summary="Assign a task",
)
async def assign_task(
    case_id: PathId,
    body: TaskIn,
    write: Annotated[Write, writes(Permission.ASSIGN_TASK)],
) -> Response:
    """Give a department (credit, risk, legal, CRM, collections) a task with a due date."""
    task = await write.send(
        AssignTask(
            department=body.department,
            title=body.title,
            due_at=body.due_at,
            assignee=body.assignee,
            **write.on_case(case_id, body),
        )
    )
    return write.created(TaskCreated(case_id=str(case_id), version=task.version, task_id=task.result), task.version)


@router.post(
    "/{case_id}/tasks/{task_id}/completion",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Complete a task",
)
async def complete_task(
    case_id: PathId,
    task_id: Annotated[str, Path(max_length=200, description="the task's id")],
    body: TaskCompletionIn,
    write: Annotated[Write, writes(Permission.COMPLETE_TASK)],
) -> Response:
    """Mark a task done, with its outcome."""
    return write.case_written(
        case_id, await write.send(CompleteTask(task_id=task_id, outcome=body.outcome, **write.on_case(case_id, body)))
    )


@router.post(
    "/{case_id}/signals",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Record a signal",
)
async def record_signal(
    case_id: PathId,
    body: SignalIn,
    write: Annotated[Write, writes(Permission.RECORD_SIGNAL)],
) -> Response:
    """Record news, social media, court, registry or fund-movement signals about the enterprise."""
    signal = RecordSignal(
        source=body.source, summary=body.summary, severity=body.severity, **write.on_case(case_id, body)
    )
    return write.case_written(case_id, await write.send(signal))


@router.post(
    "/{case_id}/notes",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Add a note",
)
async def add_note(
    case_id: PathId,
    body: NoteIn,
    write: Annotated[Write, writes(Permission.ADD_NOTE)],
) -> Response:
    """Add a free-text note (allowed on closed cases too)."""
    return write.case_written(case_id, await write.send(AddNote(text=body.text, **write.on_case(case_id, body))))
