"""Dependencies of the routes, as ``Annotated`` aliases (the FastAPI full-stack template's habit).

They do no I/O, so they are ``async def``: FastAPI then runs them on the event loop instead of sending
each one to the thread pool. A route needs one dependency for its caller: ``require`` (reads) or
``writes``, which read the Authorization, If-Match and Idempotency-Key headers themselves. Solving a
chain of small dependencies and header parameters per request cost more than a write's command; the
OpenAPI document still declares the bearer scheme and the headers (``api.openapi``, from the
``permission`` and ``headers`` these dependencies carry).

Write routes are ``async def`` too and decide their command on the event loop: a command is short (its case
is cached), and deciding it there spares the thread hop and the hand-over of the GIL between the loop and a
pool thread, a quarter of a write's CPU (bench/bench_api.py). On PostgreSQL its insert is handed to the
process's insert thread and awaited (``Write.send``, ``CollectionsApp.handle_async``), so the loop decides
and parses the next requests while it waits, and inserts that pile up meanwhile go to the database as one
group. Reads and imports, which can be long, run in the thread pool.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import Depends, Request, Response
from pydantic import BaseModel

from api.auth import Principal, TokenError, bearer_token
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.query_params import refuse_unknown_query
from api.schemas.common import CaseWritten
from api.schemas.enterprises import EnterpriseWritten
from api.services import Services
from application.app import CollectionsApp
from application.commands import Command, Outcome
from domain.base import Actor
from projections.read_model import ReadModel

_IF_MATCH = re.compile(r'^\s*(?:W/)?"(?P<version>\d{1,12})"\s*$')
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="arrears"'}

#: OpenAPI parameters for the headers the write dependencies read themselves
IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'the case version the write is based on, e.g. `"7"`; a stale one is refused with 412',
    "schema": {"type": "string", "pattern": r'^\s*(\*|(W/)?"[0-9]{1,12}")\s*$', "examples": ['"3"']},
}
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "makes a POST safe to retry: a repeat with the same key returns the first response "
    "and records nothing; the same key with a different body is refused (422); 1-255 visible ASCII characters",
    "schema": {
        "type": "string",
        "pattern": "^[!-~]{1,255}$",
        "minLength": 1,
        "maxLength": 255,
        "examples": ["7f1c0b6e-2d4e-4c59-9d4b-8f0f5b7b9c21"],
    },
}


async def get_services(request: Request) -> Services:
    """The process's services, built in the lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_app(services: ServicesDep) -> CollectionsApp:
    """The application."""
    return services.app


async def get_reads(services: ServicesDep) -> ReadModel:
    """The read model: each query catches up the views it reads, so a caller reads its own writes."""
    return services.container.read_model


AppDep = Annotated[CollectionsApp, Depends(get_app)]
ReadsDep = Annotated[ReadModel, Depends(get_reads)]


def authenticate(request: Request) -> Principal:
    """The caller named by a valid bearer token (kept on the request for the logs); 401 otherwise."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise ApiError(401, "send Authorization: Bearer <token>", code="unauthenticated", headers=_CHALLENGE)
    services: Services = request.app.state.services
    try:
        principal = services.tokens.verify(token)
    except TokenError as error:
        raise ApiError(401, str(error), code="invalid-token", headers=_CHALLENGE) from None
    request.state.principal = principal
    return principal


def authorize(principal: Principal, permission: Permission) -> Principal:
    """The principal, when their role holds ``permission``; 403 otherwise."""
    if not allowed(permission, principal.role):
        raise ApiError(
            403, f"role {principal.role.value} may not {permission.value.replace('_', ' ')}", code="forbidden"
        )
    return principal


def require(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that lets through only callers whose role holds ``permission`` (401, 403 otherwise)."""

    async def check(request: Request) -> Principal:
        who = authorize(authenticate(request), permission)
        refuse_unknown_query(request)
        return who

    check.permission = permission  # type: ignore[attr-defined]  # read by the matrix and the OpenAPI document
    return check


def pinned_version(if_match: str | None) -> int | None:
    """The case version an If-Match header pins (None when absent or ``*``); 400 when malformed."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if match is None:
        raise ApiError(400, 'If-Match must be an ETag such as "7" (a case version)', code="bad-if-match")
    return int(match["version"])


class Timed(Protocol):
    """A request body that says when the act happened (None: when it is decided)."""

    @property
    def occurred_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Write:
    """What a write route needs, resolved by one dependency: the application, the caller (holding the
    route's permission) and the case version If-Match pins (None where there is nothing to pin)."""

    app: CollectionsApp
    who: Principal
    expected_version: int | None

    @property
    def actor(self) -> Actor:
        """Who every event of this write records."""
        return self.who.actor

    def on_case(self, case_id: UUID, body: Timed | None = None) -> dict[str, Any]:
        """The fields every command on a case carries: the case, the caller, the pinned version, and when
        the act happened (the body's ``occurred_at``; default: when it is decided)."""
        return {"case_id": case_id, **self._common(body)}

    def on_enterprise(self, enterprise_id: UUID, body: Timed | None = None) -> dict[str, Any]:
        """The fields every command on an enterprise carries (as ``on_case``)."""
        return {"enterprise_id": enterprise_id, **self._common(body)}

    def _common(self, body: Timed | None) -> dict[str, Any]:
        occurred_at = body.occurred_at if body is not None else None
        return {"actor": self.who.actor, "expected_version": self.expected_version, "occurred_at": occurred_at}

    async def send(self, command: Command) -> Outcome[Any]:
        """Send a command through the application's one entry point (its insert awaited: ``handle_async``)."""
        return await self.app.handle_async(command)

    @staticmethod
    def created(body: BaseModel, version: int, location: str | None = None) -> Response:
        """201 with the result as JSON and ``ETag: "<version>"``, serialised here once (the route names the
        model as its ``response_model`` for the OpenAPI document; FastAPI passes a Response through)."""
        headers = {"ETag": f'"{version}"'}
        if location is not None:
            headers["Location"] = location
        return Response(body.model_dump_json(), 201, headers, "application/json")

    def case_written(self, case_id: UUID, outcome: Outcome[Any]) -> Response:
        """201 with the case's id and new version (``CaseWritten``) and its ETag."""
        return self.created(CaseWritten(case_id=str(case_id), version=outcome.version), outcome.version)

    def enterprise_written(self, enterprise_id: UUID, outcome: Outcome[Any]) -> Response:
        """201 with the enterprise's id and new version (``EnterpriseWritten``) and its ETag."""
        return self.created(
            EnterpriseWritten(enterprise_id=str(enterprise_id), version=outcome.version), outcome.version
        )


def writes(permission: Permission, pins_version: bool = True) -> Any:
    """The dependency of a write route needing ``permission``: the caller, the role check, the version If-Match
    pins (``pins_version=False`` for routes that create, where there is none) and the documented
    Idempotency-Key (the idempotency middleware acts on it)."""

    async def write(request: Request) -> Write:
        who = authorize(authenticate(request), permission)
        refuse_unknown_query(request)
        version = pinned_version(request.headers.get("if-match")) if pins_version else None
        return Write(request.app.state.services.app, who, version)

    write.permission = permission  # type: ignore[attr-defined]  # read by the matrix and the OpenAPI document
    write.headers = (  # type: ignore[attr-defined]  # documented by api.openapi
        (IF_MATCH_PARAMETER, IDEMPOTENCY_KEY_PARAMETER) if pins_version else (IDEMPOTENCY_KEY_PARAMETER,)
    )
    return Depends(write)
