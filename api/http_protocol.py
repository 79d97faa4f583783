"""uvicorn's httptools protocol, sending each response in one write instead of two.

uvicorn writes a response's status line and headers when the app starts the response, and the body
when the app sends it: two ``send()`` system calls, two TCP segments, and two wake-ups of the client.
For the API's small JSON answers those calls were a fifth of a write request's CPU (bench/bench_api.py).
Here the writes made while the app runs are gathered and handed to the socket together, once the
event loop gets back to its queue (or at once, past ``FLUSH_BYTES``, so a large body keeps flow control).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: gathered bytes beyond which they are written at once
FLUSH_BYTES = 64 * 1024


class CoalescingTransport:
    """A transport that gathers the writes of one turn of the event loop into one write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Gather ``data``; the first write of a turn schedules the flush."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Hand what was gathered to the socket in one write."""
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending, self._size = [], 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def write_eof(self) -> None:
        """Write what is gathered, then end the sending half of the connection."""
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        """Write what is gathered, then close."""
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` over a ``CoalescingTransport``: pass as ``uvicorn.run(http=...)``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())
        super().connection_made(coalescing)  # type: ignore[arg-type]
