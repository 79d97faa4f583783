"""Department queues and collector worklists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import Principal
from api.deps import ReadsDep, require
from api.permissions import Permission
from api.routes.common import READ
from domain.case.values import Department
from projections.models import Queue, Worklist

router = APIRouter(prefix="/v1", tags=["queues"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.get("/queues/{department}", responses=READ, summary="Read a department's queue")
def department_queue(department: Department, reads: ReadsDep, _who: Reader) -> Queue:
    """Open tasks of a department across cases, earliest due first."""
    return reads.queue(department.value)


@router.get("/worklist", responses=READ, summary="Read a collector's worklist")
def worklist(
    reads: ReadsDep,
    who: Reader,
    collector: Annotated[
        str | None, Query(max_length=200, description="whose worklist (default: the caller's own)")
    ] = None,
) -> Worklist:
    """A collector's next actions: open deadlines and tasks of their cases, earliest first."""
    return reads.worklist(collector or who.user_id)
