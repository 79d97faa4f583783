"""Dependencies of the routes, as ``Annotated`` aliases (the FastAPI full-stack template's habit).

They do no I/O, so they are ``async def``: FastAPI then runs them on the event loop instead of sending
each one to the thread pool. A write route needs one dependency, ``writes``/``creates``: solving a chain
of small dependencies per request cost more than the command itself.

Write routes are ``async def`` too and run their command on the event loop: a command is short (its case
is cached; saving is one round trip holding the event table's lock for a moment), and running it there
spares the thread hop and the hand-over of the GIL between the loop and a pool thread, a quarter of a
write's CPU (bench/bench_api.py). A process then writes one command at a time; ``arrears serve --workers``
adds processes. Reads and imports, which can be long, stay plain ``def`` routes in the thread pool.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.auth import Principal, TokenError
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.reads import CaseReads
from api.services import Services
from application.app import CollectionsApp
from domain.base import Actor

_bearer = HTTPBearer(auto_error=False, description="a token from `arrears token issue --user U --role R`")
_IF_MATCH = re.compile(r'^\s*(?:W/)?"(?P<version>\d{1,12})"\s*$')


async def get_services(request: Request) -> Services:
    """The process's services, built in the lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_app(services: ServicesDep) -> CollectionsApp:
    """The application."""
    return services.app


async def get_reads(services: ServicesDep) -> CaseReads:
    """The read model."""
    return services.reads


AppDep = Annotated[CollectionsApp, Depends(get_app)]
ReadsDep = Annotated[CaseReads, Depends(get_reads)]


async def get_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from a valid bearer token; 401 otherwise."""
    return authenticate(request, services, credentials)


def authenticate(request: Request, services: Services, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The caller named by a valid bearer token (kept on the request for the logs); 401 otherwise."""
    challenge = {"WWW-Authenticate": 'Bearer realm="arrears"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "send Authorization: Bearer <token>", code="unauthenticated", headers=challenge)
    try:
        principal = services.tokens.verify(credentials.credentials)
    except TokenError as error:
        raise ApiError(401, str(error), code="invalid-token", headers=challenge) from None
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only roles holding ``permission`` (403 otherwise)."""

    async def check(principal: PrincipalDep) -> Principal:
        return authorize(principal, permission)

    check.permission = permission  # type: ignore[attr-defined]  # read by the README's matrix
    return check


def authorize(principal: Principal, permission: Permission) -> Principal:
    """The principal, when their role holds ``permission``; 403 otherwise."""
    if not allowed(permission, principal.role):
        raise ApiError(
            403, f"role {principal.role.value} may not {permission.value.replace('_', ' ')}", code="forbidden"
        )
    return principal


IfMatchHeader = Annotated[
    str | None,
    Header(
        description='the case version the write is based on, e.g. `"7"`; a stale one is refused with 412',
        examples=['"3"'],
    ),
]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        description="makes a POST safe to retry: a repeat with the same key returns the first response "
        "and records nothing; the same key with a different body is refused (422)",
        examples=["7f1c0b6e-2d4e-4c59-9d4b-8f0f5b7b9c21"],
    ),
]


def pinned_version(if_match: str | None) -> int | None:
    """The case version an If-Match header pins (None when absent or ``*``); 400 when malformed."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if match is None:
        raise ApiError(400, 'If-Match must be an ETag such as "7" (a case version)', code="bad-if-match")
    return int(match["version"])


async def idempotency_key(idempotency_key: IdempotencyKeyHeader = None) -> str | None:
    """Documents the Idempotency-Key header; the idempotency middleware acts on it."""
    return idempotency_key


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


@dataclass(frozen=True)
class Write:
    """What a write route needs, resolved by one dependency: the application, the caller (holding the
    route's permission) and the case version If-Match pins (None on routes that create)."""

    app: CollectionsApp
    who: Principal
    expected_version: int | None

    @property
    def actor(self) -> Actor:
        """Who every event of this write records."""
        return self.who.actor

    @staticmethod
    def created(body: BaseModel, version: int, location: str | None = None) -> Response:
        """201 with the result as JSON and ``ETag: "<version>"``, serialised here once (the route names the
        model as its ``response_model`` for the OpenAPI document; FastAPI passes a Response through)."""
        headers = {"ETag": f'"{version}"'}
        if location is not None:
            headers["Location"] = location
        return Response(body.model_dump_json(), 201, headers, "application/json")


def writes(permission: Permission) -> Any:
    """The dependency of a write to an existing case or enterprise that needs ``permission``: the caller,
    the role check, If-Match and the (documented) Idempotency-Key in one step, not a chain solved per request."""

    async def write(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        if_match: IfMatchHeader = None,
        idempotency_key: IdempotencyKeyHeader = None,  # the idempotency middleware acts on it
    ) -> Write:
        services: Services = request.app.state.services
        who = authorize(authenticate(request, services, credentials), permission)
        return Write(services.app, who, pinned_version(if_match))

    write.permission = permission  # type: ignore[attr-defined]  # read by the README's matrix
    return Depends(write)


def creates(permission: Permission) -> Any:
    """Like ``writes``, for a route that creates a case or an enterprise: there is no version to pin."""

    async def create(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        idempotency_key: IdempotencyKeyHeader = None,  # the idempotency middleware acts on it
    ) -> Write:
        services: Services = request.app.state.services
        return Write(services.app, authorize(authenticate(request, services, credentials), permission), None)

    create.permission = permission  # type: ignore[attr-defined]  # read by the README's matrix
    return Depends(create)
