"""Department queues and collector worklists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.auth import Principal
from api.deps import ReadsDep, require
from api.paging import CURSOR, LIMIT, linked
from api.permissions import Permission
from api.routes.common import READ
from domain.case.values import Department
from projections.models import Queue, Worklist
from projections.paging import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/v1", tags=["queues"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Cursor = Annotated[str | None, Query(max_length=500, description=CURSOR)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT)]


@router.get("/queues/{department}", responses=READ, summary="Read a department's queue")
def department_queue(
    department: Department,
    request: Request,
    reads: ReadsDep,
    _who: Reader,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Queue:
    """Open tasks of a department across cases, earliest due first, a page at a time with the total."""
    return linked(request, reads.queue(department.value, limit=limit, cursor=cursor))


@router.get("/worklist", responses=READ, summary="Read a collector's worklist")
def worklist(
    request: Request,
    reads: ReadsDep,
    who: Reader,
    collector: Annotated[
        str | None, Query(max_length=200, description="whose worklist (default: the caller's own)")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Worklist:
    """A collector's next actions, earliest first, a page at a time with the total: each open case of theirs named
    by its next person's act (`visit due 12-08`, in the business zone) with its firm, tier and days past due, and
    each open task assigned to them."""
    return linked(request, reads.worklist(collector or who.user_id, limit=limit, cursor=cursor))
