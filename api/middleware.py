"""ASGI middleware: body size limit (413), Idempotency-Key replay, an unreachable
database while keys are kept (503), Prometheus metrics.

A key's reservation and completion are single short statements, run on the event loop like the writes
they guard (see ``api.deps``): off the thread pool they cost a third less CPU per keyed request. The request
runs under its key (``infrastructure.keyed_writes``): its writes commit with the key's record of them, so a
retry after a crash between the commit and the completion is rebuilt from that record, never written twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import TokenError, bearer_token
from api.metrics import observe_request
from api.route_template import route_template
from infrastructure.idempotency import Outcome, StoredResponse, principal
from infrastructure.keyed_writes import KeyedWrite, keyed
from infrastructure.outage import RETRY_AFTER_SECONDS, is_unavailable

PROBLEM_JSON = b"application/problem+json"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
#: response headers worth replaying (the rest are recomputed by the server)
REPLAYED_HEADERS = {"content-type", "etag", "location"}
log = logging.getLogger("arrears.api")


def header(scope: Scope, name: bytes) -> str | None:
    """A request header's value (latin-1), or None."""
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def send_problem(
    send: Send, status: int, title: str, detail: str, code: str, headers_: dict[str, str] | None = None, **extra: Any
) -> None:
    """Answer with a problem+json document."""
    body = orjson.dumps(
        {"type": f"urn:arrears:problem:{code}", "title": title, "status": status, "detail": detail, **extra}
    )
    headers = [(b"content-type", PROBLEM_JSON), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers_ or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_unavailable(send: Send) -> None:
    """Answer 503: the database cannot keep the Idempotency-Key now."""
    await send_problem(
        send,
        503,
        "Service Unavailable",
        "the database cannot be reached right now; retry in a moment",
        "database-unavailable",
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def send_too_large(send: Send, limit: int) -> None:
    """Answer 413."""
    await send_problem(send, 413, "Content Too Large", f"request bodies are limited to {limit} bytes", "too-large")


class BodyTooLarge(Exception):
    """The request body passed the limit."""


class ClientGone(Exception):
    """The client disconnected (or was disconnected, its body too slow) before its body arrived."""


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
            template = route_template(scope)  # replays and docs routes too, not "unmatched"
            status = status_seen[0] if status_seen else 500
            observe_request(scope["method"], template, status, time.perf_counter() - started)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = scope["app"].state.services
        limit = services.settings.max_body_bytes
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_too_large(send, limit)
            return
        try:
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await send_too_large(send, limit)
            return
        except ClientGone:  # a cut-off body is never acted on
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
        """The owner of the request's keys: its token's user in its token's role (None without a valid token)."""
        token = bearer_token(header(scope, b"authorization"))
        if token is None:
            return None
        try:
            caller = services.tokens.verify(token)
        except TokenError:
            return None
        return principal(caller.user_id, caller.role.value)

    async def idempotent(
        self, scope: Scope, receive: Receive, send: Send, store: Any, user: str, key: str, body: bytes
    ) -> None:
        fingerprint = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")):
            fingerprint.update(part.encode() + b"\0")
        fingerprint.update(body)
        try:
            reservation = store.reserve(user, key, fingerprint.hexdigest())
        except Exception as error:
            if not is_unavailable(error):
                raise
            log.debug("Idempotency-Key not reserved: %s", error)
            await send_unavailable(send)
            return
        if reservation.outcome is Outcome.MISMATCH:
            await send_problem(
                send,
                422,
                "Unprocessable Content",
                "this Idempotency-Key was used with a different request; use a new key",
                "idempotency-key-reused",
            )
            return
        if reservation.outcome is Outcome.UNREADABLE:
            await send_problem(
                send,
                409,
                "Conflict",
                "the record of this Idempotency-Key's first attempt does not verify (it was altered in the database); "
                "nothing was done: ask an operator to check the key's writes",
                "idempotency-record-unreadable",
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
        rebuilding = reservation.outcome is Outcome.REBUILD
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if bytes(k).decode("latin-1").lower() in REPLAYED_HEADERS
                ]
                if rebuilding:  # the first attempt's writes, handed back: nothing was written again
                    message = {**message, "headers": [*message.get("headers", []), (b"idempotent-replayed", b"true")]}
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        completed = False
        try:
            with keyed(KeyedWrite(user, key, fingerprint.hexdigest(), store.seal, replay=reservation.recorded or [])):
                await self.app(scope, receive, capture)
            if captured["status"] < 500:
                response = StoredResponse(captured["status"], captured["headers"], bytes(captured["body"]))
                try:
                    store.complete(user, key, response)
                    completed = True
                except Exception as error:  # answered already; the key stays reserved until its TTL
                    if not is_unavailable(error):
                        raise
                    completed = True
                    log.error("Idempotency-Key %r of %s answered but not kept: %s", key, user, error)
        finally:
            if not completed:
                release(store, user, key)


def release(store: Any, user: str, key: str) -> None:
    """Free a key whose request failed; with the database gone it stays reserved until its TTL runs out."""
    try:
        store.release(user, key)
    except Exception as error:
        if not is_unavailable(error):
            raise
        log.warning("Idempotency-Key %r of %s not released: %s", key, user, error)


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body; BodyTooLarge once it passes ``limit`` bytes, ClientGone when the client went away
    before its end."""
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
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
