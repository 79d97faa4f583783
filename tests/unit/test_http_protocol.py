"""The coalescing transport under uvicorn's protocol: one write per turn of the event loop."""

from __future__ import annotations

import asyncio
from typing import Any

from api.http_protocol import FLUSH_BYTES, CoalescingTransport


class RecordingTransport:
    """Keeps what is written, as a socket's transport would send it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000)}.get(name, default)


def coalescing() -> tuple[CoalescingTransport, RecordingTransport]:
    inner = RecordingTransport()
    return CoalescingTransport(inner, asyncio.get_running_loop()), inner  # type: ignore[arg-type]


def test_a_response_head_and_body_written_in_one_turn_go_out_in_one_write() -> None:
    async def scenario() -> list[bytes]:
        transport, inner = coalescing()
        transport.write(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert inner.writes == []  # nothing yet: the loop has not had its turn
        await asyncio.sleep(0)
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")  # the next response, in a later turn
        await asyncio.sleep(0)
        return inner.writes

    assert asyncio.run(scenario()) == [
        b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\n\r\n",
    ]


def test_a_large_body_is_written_at_once_and_closing_writes_what_is_gathered() -> None:
    async def scenario() -> RecordingTransport:
        transport, inner = coalescing()
        transport.write(b"head")
        transport.write(b"x" * FLUSH_BYTES)
        assert inner.writes == [b"head" + b"x" * FLUSH_BYTES]  # flow control sees big bodies at once
        transport.write(b"tail")
        transport.close()
        assert inner.writes[-1] == b"tail" and inner.closed
        await asyncio.sleep(0)  # the scheduled flush finds nothing more to write
        return inner

    inner = asyncio.run(scenario())
    assert len(inner.writes) == 2


def test_everything_else_is_the_socket_transport_s() -> None:
    async def scenario() -> Any:
        transport, _ = coalescing()
        return transport.get_extra_info("peername")

    assert asyncio.run(scenario()) == ("127.0.0.1", 5000)
