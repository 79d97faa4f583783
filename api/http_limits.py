"""The HTTP protocol ``arrears serve`` runs: limits on what a client may hold open, and problem+json refusals.

uvicorn's httptools protocol has no limit on a request's head and no timeout before a request has arrived (its
keep-alive timer starts only after a first response): a client that opens a connection and sends nothing, trickles
a header line a second, or sends a never-ending header holds the connection (and, for the header, memory) for ever.
Here, per connection:

- the request line and headers may hold ``max_header_bytes``; past that the client gets ``431`` and is disconnected
  (counted per read: the parser never holds more than the limit plus one read of the socket);
- they must arrive within ``header_timeout_seconds`` of the connection opening (or of the request's first byte
  on a kept-alive connection); otherwise ``408`` and the connection closes;
- the body must arrive within ``body_timeout_seconds`` of the headers; otherwise the connection closes and the
  request is dropped (the app sees a disconnect and does nothing: ``api.middleware.read_body``);
- a request the parser refuses is answered ``400`` problem+json (uvicorn's own answer is ``text/plain``).

The limits come from the settings (``ARREARS_*``, read once per process: worker processes read the environment).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from api.http_protocol import CoalescingHttpToolsProtocol
from infrastructure.settings import Settings


@dataclass(frozen=True)
class ServerLimits:
    """What one connection may hold: head size, and how long its head and body may take to arrive."""

    max_header_bytes: int
    header_timeout_seconds: float
    body_timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        """The limits a process's settings name."""
        return cls(settings.max_header_bytes, settings.header_timeout_seconds, settings.body_timeout_seconds)


@cache
def server_limits() -> ServerLimits:
    """This process's limits, from the environment (once)."""
    return ServerLimits.from_settings(Settings())


def problem_response(status: int, title: str, detail: str, code: str) -> bytes:
    """A whole HTTP/1.1 problem+json response that closes the connection."""
    body = orjson.dumps({"type": f"urn:arrears:problem:{code}", "title": title, "status": status, "detail": detail})
    head = (
        f"HTTP/1.1 {status} {title}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


#: how long a refused connection stays open (reading and dropping) so its client can read the refusal
LINGER_SECONDS = 1.0


class HeadTooLarge(Exception):
    """A request's line and headers passed the limit."""


class GuardedHttpToolsProtocol(CoalescingHttpToolsProtocol):
    """The coalescing httptools protocol with a head size limit, head and body deadlines, and problem+json 400s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = server_limits()
        self._head_bytes = 0
        self._reading_head = True
        self._head_refused = False
        self._refused = False
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.limits.header_timeout_seconds, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:  # what a refused client goes on sending is dropped until the connection closes
            return
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._reading_head and self._head_bytes > self.limits.max_header_bytes and not self.transport.is_closing():
            self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        if self._deadline is None:  # a kept-alive connection's next request: its head has the same time
            self._arm(self.limits.header_timeout_seconds, self._head_timed_out)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:  # a large head that arrived in one read
            self._head_refused = True
            raise HeadTooLarge
        self._reading_head = False
        self._head_bytes = 0
        self._arm(self.limits.body_timeout_seconds, self._body_timed_out)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """The parser refused the request (or its head was too large): problem+json, then close."""
        if self._head_refused:
            self._refuse_head()
            return
        self._refuse(problem_response(400, "Bad Request", "the request is not valid HTTP/1.1", "malformed-request"))

    def _refuse_head(self) -> None:
        limit = self.limits.max_header_bytes
        detail = f"the request line and headers are limited to {limit} bytes together"
        self._refuse(problem_response(431, "Request Header Fields Too Large", detail, "headers-too-large"))

    def _refuse(self, response: bytes) -> None:
        """Answer, end our half of the connection, and close it ``LINGER_SECONDS`` later: closing at once, with the
        client's further bytes unread, would reset the connection and could destroy the answer before it is read."""
        self._disarm()
        self._refused = True
        self.transport.write(response)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def _head_timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # nothing of ours is being written
            seconds = self.limits.header_timeout_seconds
            detail = f"the request line and headers must arrive within {seconds:g} seconds"
            self.transport.write(problem_response(408, "Request Timeout", detail, "request-timeout"))
        self.transport.close()

    def _body_timed_out(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():  # the app sees a disconnect and drops the request
            self.transport.close()

    def _arm(self, seconds: float, then: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, then)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
