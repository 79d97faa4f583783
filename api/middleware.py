"""ASGI middleware: body size limit (413), Idempotency-Key replay, Prometheus metrics.

A key's reservation and completion are single short statements, run on the event loop like the writes
they guard (see ``api.deps``): off the thread pool they cost a third less CPU per keyed request.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import TokenError, bearer_token
from api.metrics import observe_request
from infrastructure.idempotency import Outcome, StoredResponse

PROBLEM_JSON = b"application/problem+json"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
#: response headers worth replaying (the rest are recomputed by the server)
REPLAYED_HEADERS = {"content-type", "etag", "location"}


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (latin-1), or None."""
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def send_problem(send: Send, status: int, title: str, detail: str, code: str, **extra: Any) -> None:
    """Answer with a problem+json document."""
    body = orjson.dumps(
        {"type": f"urn:arrears:problem:{code}", "title": title, "status": status, "detail": detail, **extra}
    )
    headers = [(b"content-type", PROBLEM_JSON), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_too_large(send: Send, limit: int) -> None:
    """Answer 413."""
    await send_problem(send, 413, "Content Too Large", f"request bodies are limited to {limit} bytes", "too-large")


class BodyTooLarge(Exception):
    """The request body passed the limit."""


class ApiMiddleware:
    """Reads the body once (refusing oversized ones), then replays or records idempotent POSTs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_seen: list[int] = []

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
            await send(message)

        try:
            await self.handle(scope, receive, send_observed)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            status = status_seen[0] if status_seen else 500
            observe_request(scope["method"], template, status, time.perf_counter() - started)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = scope["app"].state.services
        limit = services.settings.max_body_bytes
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_problem(
                send, 413, "Content Too Large", f"request bodies are limited to {limit} bytes", "too-large"
            )
            return
        try:
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await send_problem(
                send, 413, "Content Too Large", f"request bodies are limited to {limit} bytes", "too-large"
            )
            return
        replay = replaying_receive(body, receive)
        key = header(scope, b"idempotency-key")
        if scope["method"] != "POST" or key is None:
            await self.app(scope, replay, send)
            return
        if not _KEY.match(key):
            await send_problem(
                send,
                400,
                "Bad Request",
                "Idempotency-Key must be 1-255 visible ASCII characters",
                "bad-idempotency-key",
            )
            return
        user = self.user_of(scope, services)
        if user is None:  # no valid token: the route answers 401 and nothing is kept
            await self.app(scope, replay, send)
            return
        await self.idempotent(scope, replay, send, services.idempotency, user, key, body)

    @staticmethod
    def user_of(scope: Scope, services: Any) -> str | None:
        token = bearer_token(header(scope, b"authorization"))
        if token is None:
            return None
        try:
            return str(services.tokens.verify(token).user_id)
        except TokenError:
            return None

    async def idempotent(
        self, scope: Scope, receive: Receive, send: Send, store: Any, user: str, key: str, body: bytes
    ) -> None:
        fingerprint = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")):
            fingerprint.update(part.encode() + b"\0")
        fingerprint.update(body)
        reservation = store.reserve(user, key, fingerprint.hexdigest())
        if reservation.outcome is Outcome.MISMATCH:
            await send_problem(
                send,
                422,
                "Unprocessable Content",
                "this Idempotency-Key was used with a different request; use a new key",
                "idempotency-key-reused",
            )
            return
        if reservation.outcome is Outcome.IN_FLIGHT:
            await send_problem(
                send, 409, "Conflict", "a request with this Idempotency-Key is still running; retry", "in-flight"
            )
            return
        if reservation.outcome is Outcome.REPLAY:
            stored = reservation.response
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
            headers += [(b"content-length", str(len(stored.body)).encode()), (b"idempotent-replayed", b"true")]
            await send({"type": "http.response.start", "status": stored.status, "headers": headers})
            await send({"type": "http.response.body", "body": stored.body})
            return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if bytes(k).decode("latin-1").lower() in REPLAYED_HEADERS
                ]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        completed = False
        try:
            await self.app(scope, receive, capture)
            if captured["status"] < 500:
                response = StoredResponse(captured["status"], captured["headers"], bytes(captured["body"]))
                store.complete(user, key, response)
                completed = True
        finally:
            if not completed:
                store.release(user, key)


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, or BodyTooLarge once it passes ``limit`` bytes."""
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks += message.get("body", b"")
        if len(chunks) > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            break
    return bytes(chunks)


def replaying_receive(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the buffered body over once, then waits on the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
