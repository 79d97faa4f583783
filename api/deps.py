"""Dependencies of the routes, as ``Annotated`` aliases (the FastAPI full-stack template's habit).

They do no I/O, so they are ``async def``: FastAPI then runs them on the event loop instead of sending
each one to the thread pool (the routes themselves stay plain ``def`` over the synchronous store).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import Principal, TokenError
from api.errors import ApiError
from api.permissions import Permission, allowed
from api.reads import CaseReads
from api.services import Services
from application.app import CollectionsApp
from infrastructure.clock import Clock

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


async def get_clock(services: ServicesDep) -> Clock:
    """The clock."""
    return services.container.clock


AppDep = Annotated[CollectionsApp, Depends(get_app)]
ReadsDep = Annotated[CaseReads, Depends(get_reads)]
ClockDep = Annotated[Clock, Depends(get_clock)]


async def get_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from a valid bearer token; 401 otherwise."""
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
        if not allowed(permission, principal.role):
            raise ApiError(
                403, f"role {principal.role.value} may not {permission.value.replace('_', ' ')}", code="forbidden"
            )
        return principal

    check.permission = permission  # type: ignore[attr-defined]  # read by the README's matrix
    return check


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            description='the case version the write is based on, e.g. `"7"`; a stale one is refused with 412',
            examples=['"3"'],
        ),
    ] = None,
) -> int | None:
    """The version pinned by If-Match (None when absent or ``*``)."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if match is None:
        raise ApiError(400, 'If-Match must be an ETag such as "7" (a case version)', code="bad-if-match")
    return int(match["version"])


async def idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            description="makes a POST safe to retry: a repeat with the same key returns the first response "
            "and records nothing; the same key with a different body is refused (422)",
            examples=["7f1c0b6e-2d4e-4c59-9d4b-8f0f5b7b9c21"],
        ),
    ] = None,
) -> str | None:
    """Documents the Idempotency-Key header; the idempotency middleware acts on it."""
    return idempotency_key


ExpectedVersion = Annotated[int | None, Depends(expected_version)]
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
