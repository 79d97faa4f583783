"""The transparency log: its newest signed checkpoint, inclusion and consistency proofs (hashes only: no token
needed, so a witness or an auditor can fetch them), and its leaves (event bytes: auditors only)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from api.auth import Principal
from api.deps import ServicesDep, require
from api.permissions import Permission
from api.routes.common import READ, UNAVAILABLE
from api.schemas.problem import Problem
from projections.transparency import TransparencyError

router = APIRouter(prefix="/v1/log", tags=["transparency log"])
Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]
Index = Annotated[int, Query(ge=0, le=2**62, description="a leaf index (0-based)")]


def doc(description: str) -> dict[str, Any]:
    """A documented problem response."""
    return {"model": Problem, "description": description}


#: what a proof route may answer besides the proof
PROOF: dict[int | str, dict[str, Any]] = {422: doc("a size or index out of the tree's range"), **UNAVAILABLE}
Size = Annotated[int, Query(ge=0, le=2**62, description="a tree size (leaves)")]


class Proof(BaseModel):
    """A Merkle proof (RFC 9162 §2.1.3 / §2.1.4), each hash in standard base64."""

    proof: list[str] = Field(description="the proof's hashes, leaf side (or older tree) first")


class Leaf(BaseModel):
    """A leaf of the tree: the stored event's leaf bytes and their leaf hash."""

    index: int = Field(description="the leaf's index in the tree")
    position: int = Field(description="the event's log position")
    leaf_hash: str = Field(description="SHA-256(0x00 ‖ leaf bytes), base64")
    leaf: str | None = Field(description="the leaf bytes (base64), or null when the event is gone from the store")


def _proof(hashes: list[bytes]) -> Proof:
    return Proof(proof=[base64.b64encode(h).decode() for h in hashes])


def _unanswerable(error: TransparencyError) -> HTTPException:
    return HTTPException(status_code=422, detail=str(error))


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    responses={404: doc("no checkpoint published yet"), **UNAVAILABLE},
    summary="The newest signed checkpoint",
)
def checkpoint(services: ServicesDep) -> PlainTextResponse:
    """The newest checkpoint (C2SP tlog-checkpoint in a signed note) with the witness's cosignature: text/plain."""
    note = services.container.tlog.newest()
    if note is None:
        raise HTTPException(status_code=404, detail="no checkpoint published yet")
    return PlainTextResponse(note)


@router.get("/proofs/inclusion", responses=PROOF, summary="An inclusion proof")
def inclusion(services: ServicesDep, index: Index, size: Size) -> Proof:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves."""
    try:
        return _proof(services.container.tlog.inclusion(index, size))
    except TransparencyError as error:
        raise _unanswerable(error) from None


@router.get("/proofs/consistency", responses=PROOF, summary="A consistency proof")
def consistency(
    services: ServicesDep,
    old: Annotated[int, Query(alias="from", ge=0, le=2**62, description="the older tree size")],
    new: Annotated[int, Query(alias="to", ge=0, le=2**62, description="the newer tree size")],
) -> Proof:
    """The proof that the tree of ``to`` leaves extends the tree of ``from`` leaves."""
    try:
        return _proof(services.container.tlog.consistency(old, new))
    except TransparencyError as error:
        raise _unanswerable(error) from None


@router.get("/leaves", responses=READ, summary="Leaves of the tree")
def leaves(
    services: ServicesDep,
    _who: Auditor,
    start: Index,
    end: Annotated[int, Query(ge=0, le=2**62, description="one past the last leaf (at most 1000 after start)")],
) -> list[Leaf]:
    """Leaves [start, end) with their bytes, so anyone holding them can recompute the tree."""
    if not start <= end <= start + 1000:
        raise HTTPException(status_code=422, detail="end must be between start and start + 1000")
    return [Leaf.model_validate(row) for row in services.container.tlog.leaves(start, end)]
