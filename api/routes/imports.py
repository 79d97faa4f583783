"""Bulk import of enterprises, statements and loans (CSV or JSON Lines), all-or-nothing per file."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import AppDep, IdempotencyKey, require
from api.errors import ApiError
from api.permissions import Permission
from api.routes.common import PENDING, WRITE
from api.schemas.problem import Problem
from api.schemas.reads import Report
from api.views import to_api
from application.app import CollectionsApp

router = APIRouter(prefix="/v1", tags=["imports"])
FORMATS = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json-lines": "jsonl",
}


def find_importer(app: CollectionsApp) -> Callable[..., Any] | None:
    """Issue 3's importer: ``CollectionsApp.import_file`` or ``application.importing.import_file``."""
    importer = getattr(app, "import_file", None)
    if importer is not None:
        return importer
    try:
        module = importlib.import_module("application.importing")
    except ImportError:
        return None
    function = getattr(module, "import_file", None)
    if function is None:
        return None
    return lambda content, fmt, actor: function(app, content, fmt, actor=actor)


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    responses={**WRITE, **PENDING, 415: {"model": Problem, "description": "the body is neither CSV nor JSON Lines"}},
    summary="Import a file of enterprises, statements and loans",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "CSV (with a header row) or JSON Lines; per-row errors, all-or-nothing per file",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_file(
    request: Request,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.IMPORT))],
    _key: IdempotencyKey,
) -> Report:
    """Import a CSV or JSON Lines file: every row is checked, and nothing is recorded if any row fails."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMATS.get(media_type)
    if fmt is None:
        raise ApiError(415, "send text/csv or application/x-ndjson", code="unsupported-media-type")
    body = await request.body()
    try:
        content = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "the file is not UTF-8", code="invalid-input") from None
    importer = find_importer(app)
    if importer is None:
        raise ApiError(501, "the importer is not part of this build yet", code="not-implemented")
    result = await run_in_threadpool(importer, content, fmt, who.actor)
    return Report.model_validate(to_api(result))
