"""A case's past: the timeline, the hash-chained audit trail, and the case replayed as it stood."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from api.auth import Principal
from api.deps import AppDep, ReadsDep, ServicesDep, require
from api.errors import ApiError
from api.paging import CURSOR, LIMIT, linked
from api.permissions import Permission
from api.routes.common import READ_ONE, set_etag
from api.schemas.common import PathId
from api.schemas.query import QueryTime, known_kinds
from api.schemas.reads import CaseHistory
from api.views import case_progress, timeline_item
from application.history import case_then
from domain.rules import local_date
from projections.evidence import build_pack
from projections.models import AuditTrail, Timeline
from projections.paging import MAX_LIMIT

router = APIRouter(prefix="/v1/cases", tags=["history"])
AS_OF = (
    "business time, ISO 8601 with offset: only what had happened by then (each event's occurred_at); "
    "send + as %2B (an unencoded + arrives as a space, taken as +)"
)
KNOWN_AT = "recording time, ISO 8601 with offset: only what the bank had recorded by then; + as %2B, as as_of"
KINDS = (
    "only events of these types (repeat it or separate with commas), e.g. `CallLogged,VisitCompleted`; "
    "`ContactEvent` stands for every contact"
)
PEOPLE_ONLY = "only what people did: hides the scheduler's and other system actors' events (deadline bookkeeping)"
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.get("/{case_id}/timeline", responses=READ_ONE, summary="Read a case's timeline")
def timeline(
    case_id: PathId,
    reads: ReadsDep,
    _who: Reader,
    request: Request,
    cursor: Annotated[str | None, Query(max_length=500, description=CURSOR)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT)] = 100,
    as_of: Annotated[QueryTime | None, Query(description=AS_OF)] = None,
    known_at: Annotated[QueryTime | None, Query(description=KNOWN_AT)] = None,
    kinds: Annotated[list[str] | None, Query(max_length=60, description=KINDS)] = None,
    people_only: Annotated[bool, Query(description=PEOPLE_ONLY)] = False,
) -> Timeline:
    """Every event of the case, readable, in business-time (occurred_at) order, a page at a time with the total;
    ``as_of`` keeps what had happened by then, ``known_at`` what the bank had recorded by then, ``kinds`` the
    events of these types, ``people_only`` what people did (not the scheduler's bookkeeping)."""
    try:
        types = known_kinds(kinds) if kinds else None
    except ValueError as error:
        raise ApiError(422, str(error), code="invalid-input") from None
    page = reads.timeline(case_id, cursor, limit, as_of=as_of, known_at=known_at, kinds=types, people_only=people_only)
    return linked(request, page)


@router.get("/{case_id}/audit", responses=READ_ONE, summary="Read a case's audit trail")
def audit(
    case_id: PathId, reads: ReadsDep, _who: Annotated[Principal, Depends(require(Permission.READ_AUDIT))]
) -> AuditTrail:
    """Every stored event with its sha256 hash chain (version, type, hash, prev_hash)."""
    return reads.audit(case_id)


@router.get("/{case_id}/history", responses=READ_ONE, summary="Replay a case as it stood")
def history(
    case_id: PathId,
    app: AppDep,
    _who: Reader,
    response: Response,
    as_of: Annotated[QueryTime | None, Query(description=AS_OF)] = None,
    known_at: Annotated[QueryTime | None, Query(description=KNOWN_AT)] = None,
    version: Annotated[int | None, Query(ge=1, le=1_000_000_000, description="the case after its N-th event")] = None,
) -> CaseHistory:
    """The case replayed from its events: as it stood at business time ``as_of``, as the bank knew it at
    ``known_at`` (both together: what the bank knew then about that moment), or after its N-th event."""
    if version is not None and (as_of is not None or known_at is not None):
        raise ApiError(422, "give version, or as_of and/or known_at, not both", code="invalid-input")
    events = app.case_events(case_id)
    if version is not None:
        case = app.case_at_version(case_id, version)
        shown = events[: case.version]
    else:
        then = case_then(events, as_of=as_of, known_at=known_at)
        case, shown = then.case, then.events
    set_etag(response, case.version)
    return CaseHistory(
        as_of=as_of.isoformat() if as_of else None,
        known_at=known_at.isoformat() if known_at else None,
        version=case.version,
        case=case_progress(case, local_date(as_of or app.clock.now(), case.timezone) if version is None else None),
        events=[timeline_item(e) for e in shown],
    )


EVIDENCE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **READ_ONE,
    200: {
        "description": "the evidence pack as a zip: events.jsonl, chain.jsonl, heads.json, compliance.json, "
        "report.html and manifest.json; check it offline with `arrears evidence verify DIR`",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    },
}


@router.get(
    "/{case_id}/evidence",
    responses=EVIDENCE_RESPONSES,
    response_class=Response,
    summary="Download a case's evidence pack",
)
def evidence(
    case_id: PathId,
    reads: ReadsDep,
    services: ServicesDep,
    _who: Annotated[Principal, Depends(require(Permission.READ_AUDIT))],
) -> Response:
    """A self-verifying bundle of the case: its events as stored, their hash chain and sealed head, the compliance
    judgement of each required contact with the events proving it, and a printable HTML report (a zip)."""
    reads.case_progress(case_id)  # 404 for an unknown case, before any work
    settings = services.settings
    pack = build_pack(reads, [case_id], reads.clock.now(), settings.zone, {"kind": "case", "case_id": str(case_id)})
    return Response(
        pack.zipped(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="evidence-{case_id}.zip"'},
    )
