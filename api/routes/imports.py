"""Bulk import of enterprises, statements and loans (CSV or JSON Lines), all-or-nothing per file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import Write, writes
from api.errors import ApiError, problem
from api.permissions import Permission
from api.routes.common import WRITE
from api.schemas.common import control_in_file
from api.schemas.problem import Problem
from application.commands import ImportRecords
from application.importing import ImportFormat, ImportKind, ImportResult

router = APIRouter(prefix="/v1", tags=["imports"])
FORMATS = {
    "text/csv": ImportFormat.CSV,
    "application/x-ndjson": ImportFormat.JSONL,
    "application/jsonl": ImportFormat.JSONL,
    "application/json-lines": ImportFormat.JSONL,
}


class ImportOut(BaseModel):
    """What a good file changed (re-importing it changes nothing)."""

    rows: int = Field(description="rows read")
    enterprises_registered: int = Field(description="new enterprises")
    enterprises_updated: int = Field(description="enterprises whose registration changed")
    contacts_added: int = Field(description="new contact persons")
    statements_filed: int = Field(description="statements filed or replaced")
    loans_added: int = Field(description="loan records added or updated")
    unchanged: int = Field(description="rows that changed nothing")
    events_recorded: int = Field(description="events written (in one transaction)")


def rejected(result: ImportResult, path: str) -> Response:
    """A file with bad rows: 422 listing every row's problem; nothing was written."""
    errors = [
        {"field": f"line {e.line}" + (f".{e.field}" if e.field else ""), "reason": e.reason} for e in result.errors
    ]
    detail = f"{len(result.errors)} of {result.rows} rows are invalid; nothing was imported"
    return problem(422, detail, code="import-rejected", instance=path, errors=errors, rows=result.rows)


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportOut,
    responses={**WRITE, 415: {"model": Problem, "description": "the body is neither CSV nor JSON Lines"}},
    summary="Import a file of enterprises, statements and loans",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "CSV with a header row (text/csv) or JSON Lines (application/x-ndjson); "
            "every row is checked and nothing is written unless all are good",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_file(
    request: Request,
    write: Annotated[Write, writes(Permission.IMPORT, pins_version=False)],
    kind: Annotated[
        ImportKind | None, Query(description="what every row is (default: per row, from its fields)")
    ] = None,
) -> ImportOut | Response:
    """Import a CSV or JSON Lines file; a bad row is reported with its line and field, and nothing is written."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMATS.get(media_type)
    if fmt is None:
        raise ApiError(415, "send text/csv or application/x-ndjson", code="unsupported-media-type")
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, "the file is not UTF-8", code="invalid-input") from None
    control = control_in_file(text, json_escapes=fmt is ImportFormat.JSONL)
    if control is not None:
        line, character = control
        raise ApiError(
            422, f"line {line}: control character {character} is not allowed in an import file", code="invalid-input"
        )
    command = ImportRecords(text=text, format=fmt, kind=kind.value if kind else None, actor=write.actor)
    result: ImportResult = (await run_in_threadpool(write.app.handle, command)).result
    if result.errors:
        return rejected(result, request.url.path)
    if result.rows == 0:
        raise ApiError(422, "the file has no data rows; nothing was imported", code="import-empty")
    return ImportOut(
        rows=result.rows,
        enterprises_registered=result.enterprises_registered,
        enterprises_updated=result.enterprises_updated,
        contacts_added=result.contacts_added,
        statements_filed=result.statements_filed,
        loans_added=result.loans_added,
        unchanged=result.unchanged,
        events_recorded=result.events_recorded,
    )
