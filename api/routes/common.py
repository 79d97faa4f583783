"""What the routers share: documented error responses and the ETag header."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Response

from api.schemas.problem import Problem
from application.app import CollectionsApp
from domain.money import Money


def _doc(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


AUTH: dict[int | str, dict[str, Any]] = {
    401: _doc("no token, or an expired or tampered one"),
    403: _doc("the caller's role may not do this"),
}
#: the database cannot answer now (unreachable, timed out, SQLite's lock held too long)
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "the database cannot answer now; retry after `Retry-After` seconds",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    }
}
READ: dict[int | str, dict[str, Any]] = {**AUTH, 422: _doc("invalid input (field paths and reasons)"), **UNAVAILABLE}
READ_ONE: dict[int | str, dict[str, Any]] = {**READ, 404: _doc("unknown id")}
WRITE: dict[int | str, dict[str, Any]] = {
    **READ_ONE,
    400: _doc("a body that is not JSON (`malformed-json`), or a malformed If-Match or Idempotency-Key header"),
    409: _doc("illegal transition, duplicate, a lost race, or the same Idempotency-Key still running"),
    412: _doc("If-Match names a version the case is no longer at"),
    413: _doc("the body is larger than the limit"),
    422: _doc("invalid input, a broken rule, a contact-policy violation (rule_id), or a reused Idempotency-Key"),
}


def set_etag(response: Response, version: int) -> None:
    """``ETag: "<version>"``."""
    response.headers["ETag"] = f'"{version}"'


def case_money(app: CollectionsApp, case_id: UUID, amount: str) -> Money:
    """An amount in the case's currency."""
    return Money.parse(amount, app.case_currency(case_id))
