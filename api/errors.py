"""Every error becomes `application/problem+json` (RFC 9457); domain and database errors are mapped here, once."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from http import HTTPStatus
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas.common import MAX_DEPTH
from domain.errors import (
    ConflictError,
    ContactPolicyError,
    DomainError,
    DuplicateError,
    FutureEventError,
    IllegalTransitionError,
    InvariantError,
    NotFoundError,
    PermissionDeniedError,
)
from domain.money import MoneyError
from infrastructure.outage import RETRY_AFTER_SECONDS, DatabaseUnavailable, is_unavailable
from projections.read_model import CursorError

log = logging.getLogger("arrears.api")
PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "urn:arrears:problem:"

#: domain error → HTTP status; the most specific class wins (checked in this order)
DOMAIN_STATUS: list[tuple[type[DomainError], int]] = [
    (NotFoundError, 404),
    (PermissionDeniedError, 403),
    (DuplicateError, 409),
    (IllegalTransitionError, 409),
    (ConflictError, 409),  # 412 instead when the request carried If-Match (see below)
    (ContactPolicyError, 422),
    (FutureEventError, 422),
    (InvariantError, 422),
    (DomainError, 422),
]


class ApiError(Exception):
    """An HTTP error raised by the API's own code (auth, headers, sizes)."""

    def __init__(self, status: int, detail: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = headers or {}


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}{code}" if code else "about:blank",
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(error: DomainError, request: Request) -> int:
    """The HTTP status of a domain error."""
    if isinstance(error, ConflictError) and request.headers.get("if-match"):
        return 412
    return next(status for cls, status in DOMAIN_STATUS if isinstance(error, cls))


def field_errors(errors: list[Any]) -> list[dict[str, str]]:
    """FastAPI/pydantic error list → [{field, reason}]."""
    result = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        result.append({"field": location or "body", "reason": str(error.get("msg", "invalid"))})
    return result


async def on_domain_error(request: Request, error: Exception) -> Response:
    """Domain errors: 404, 409, 412 or 422."""
    assert isinstance(error, DomainError)
    rule_id = error.rule_id if isinstance(error, ContactPolicyError) else None
    return problem(status_for(error, request), str(error), code=error.code, instance=request.url.path, rule_id=rule_id)


def malformed_json(request: Request, why: str) -> Response:
    """A body that is not JSON at all: 400, whatever way it is broken."""
    return problem(400, f"the body is not valid JSON: {why}", code="malformed-json", instance=request.url.path)


def unreadable_body(request: Request, cause: BaseException) -> Response:
    """A body the JSON parser gave up on: why, in the client's terms (400 problem+json)."""
    if isinstance(cause, UnicodeDecodeError):
        return malformed_json(request, "it is not UTF-8 text")
    if isinstance(cause, RecursionError):
        why = f"it nests arrays and objects too deep (at most {MAX_DEPTH} levels)"
    elif isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        why = "a number in it is out of range (integers must fit in 64 bits)"
    else:
        return malformed_json(request, "it cannot be parsed")
    return problem(400, f"the body cannot be read: {why}", code="malformed-json", instance=request.url.path)


async def on_request_validation(request: Request, error: Exception) -> Response:
    """Invalid input: 422 with field paths and reasons (a body that is not JSON: 400)."""
    assert isinstance(error, RequestValidationError)
    broken = [e for e in error.errors() if e.get("type") == "json_invalid"]
    if broken:
        position = broken[0].get("loc", ("body", "?"))[-1]
        return malformed_json(request, f"{broken[0].get('ctx', {}).get('error', 'decode error')} (at byte {position})")
    errors = field_errors(list(error.errors()))
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5]) or "invalid input"
    return problem(422, detail, code="invalid-input", instance=request.url.path, errors=errors)


async def on_validation(request: Request, error: Exception) -> Response:
    """Domain values that refused the input while being built (pydantic, Money, cursors): 422."""
    if isinstance(error, ValidationError):
        errors = [{"field": f"body.{e['field']}", "reason": e["reason"]} for e in field_errors(list(error.errors()))]
    else:
        errors = []
    return problem(
        422, str(error).splitlines()[0][:500], code="invalid-input", instance=request.url.path, errors=errors
    )


async def on_api_error(request: Request, error: Exception) -> Response:
    """The API's own errors (401, 403, 400, 413, 415...)."""
    assert isinstance(error, ApiError)
    return problem(error.status, error.detail, code=error.code, instance=request.url.path, headers=error.headers)


def http_exception_handler(
    routes: Callable[[], Iterable[APIRoute]],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Starlette's errors (unknown path, wrong method); OPTIONS and 405 name every method of the path's ``routes``
    (Starlette's own 405 names only the first matching route's)."""

    async def on_http_exception(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        headers = dict(error.headers) if error.headers else {}
        if error.status_code == 400 and error.__cause__ is not None:  # FastAPI could not read the body
            return unreadable_body(request, error.__cause__)
        if error.status_code == 405:
            methods = {"OPTIONS"}.union(
                *(route.methods or () for route in routes() if route.path_regex.match(request.url.path))
            )
            headers["Allow"] = ", ".join(sorted(methods))
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=headers)
        return problem(error.status_code, str(error.detail), instance=request.url.path, headers=headers or None)

    return on_http_exception


async def on_database_error(request: Request, error: Exception) -> Response:
    """The database cannot answer now (unreachable, timed out, SQLite locked too long): 503 with Retry-After;
    any other database error is a bug (500)."""
    if not is_unavailable(error):
        return await on_unexpected(request, error)
    quiet = isinstance(error, DatabaseUnavailable)  # an outage: the breaker logs it once, not every request
    log.log(
        logging.DEBUG if quiet else logging.WARNING,
        "database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        error,
    )
    return unavailable(request.url.path)


def unavailable(instance: str | None) -> Response:
    """503: the database cannot answer now; retry after a moment."""
    return problem(
        503,
        "the database cannot be reached right now; retry in a moment",
        code="database-unavailable",
        instance=instance,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def on_unexpected(request: Request, error: Exception) -> Response:
    """A bug: log it and answer 500 without details."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(500, "internal error; it has been logged", code="internal", instance=request.url.path)


def install_error_handlers(app: FastAPI, routes: Callable[[], Iterable[APIRoute]]) -> None:
    """Register every handler on the app; ``routes`` are the API's routes (for the methods a path answers)."""
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(ValidationError, on_validation)
    app.add_exception_handler(MoneyError, on_validation)
    app.add_exception_handler(CursorError, on_validation)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler(routes))
    for database_error in (PersistenceError, psycopg.Error, sqlite3.Error):
        app.add_exception_handler(database_error, on_database_error)
    app.add_exception_handler(Exception, on_unexpected)
