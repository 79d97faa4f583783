"""Drill: 200 slow or idle connections and 8 oversized headers against `arrears serve` (a real process, on
127.0.0.1): every one is closed within the documented header timeout, memory stays bounded, and normal requests
are served meanwhile (their p99 is printed, never asserted)."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from datetime import timedelta

import httpx
import pytest

from api.auth import TokenCodec
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url
from tests.e2e.conftest import TEST_SECRET
from tests.integration.serving import Server

IDLE = 100  # connect and send nothing
TRICKLING = 100  # a request line, then one header line a second, never the end of the head
OVERSIZED = 8  # a 16 MiB header, never finished
OVERSIZED_BYTES = 16 * 1024 * 1024
#: the documented default (docs/reliability.md, ARREARS_HEADER_TIMEOUT_SECONDS); the drill runs with it
HEADER_TIMEOUT = Settings.model_fields["header_timeout_seconds"].default
#: the server starts a connection's clock when it accepts it; a burst of 200 connects is accepted within this
ACCEPT_SLACK = 1.0
#: what a memory bound means here: 8 unbounded headers alone would add 128 MiB
MEMORY_BOUND_MIB = 48

pytestmark = pytest.mark.drill


async def hold_open(port: int, mode: str, closed_after: list[float], answers: list[bytes]) -> None:
    """One hostile connection; records how long the server kept it open and the first bytes it answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    opened = time.monotonic()

    async def send() -> None:
        try:
            if mode == "trickle":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                for n in range(int(HEADER_TIMEOUT * 3)):
                    await asyncio.sleep(1)
                    writer.write(f"X-Trickle-{n}: {n}\r\n".encode())
                    await writer.drain()
            elif mode == "oversized":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
                chunk = b"a" * 65536
                for _ in range(OVERSIZED_BYTES // len(chunk)):
                    writer.write(chunk)
                    await writer.drain()
        except (ConnectionError, OSError):
            pass  # the server closed it: what the drill waits for

    sender = asyncio.create_task(send())
    answer = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), timeout=HEADER_TIMEOUT * 3):
            answer += chunk
    except (ConnectionError, OSError):
        pass
    closed_after.append(time.monotonic() - opened)
    answers.append(answer[:64])
    sender.cancel()
    writer.close()


async def hostile(port: int) -> dict[str, tuple[list[float], list[bytes]]]:
    results: dict[str, tuple[list[float], list[bytes]]] = {m: ([], []) for m in ("idle", "trickle", "oversized")}
    tasks = [hold_open(port, "idle", *results["idle"]) for _ in range(IDLE)]
    tasks += [hold_open(port, "trickle", *results["trickle"]) for _ in range(TRICKLING)]
    tasks += [hold_open(port, "oversized", *results["oversized"]) for _ in range(OVERSIZED)]
    await asyncio.gather(*tasks)
    return results


def serve_normally(base: str, token: str, stop: threading.Event, latencies: list[float], statuses: list[int]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.get("/v1/cases", params={"limit": 10})
            latencies.append(time.perf_counter() - started)
            statuses.append(response.status_code)
            time.sleep(0.02)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_slow_idle_and_oversized_clients_are_closed_within_the_header_timeout_with_memory_bounded(
    store, tmp_path, request, figures
) -> None:
    if store == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'slow.db'}", ""
    else:
        url, schema = postgres_test_url(), request.getfixturevalue("pg_schema")
    server = Server({"ARREARS_DATABASE_URL": url, "ARREARS_DATABASE_SCHEMA": schema}, workers=1)
    server.start()
    try:
        token = TokenCodec(TEST_SECRET).issue("drill.collector", "collector", ttl=timedelta(days=1))
        assert httpx.get(f"{server.base}/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        before = server.rss_kib()
        peak = [before]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak.append(server.rss_kib())
                time.sleep(0.2)

        latencies: list[float] = []
        statuses: list[int] = []
        threads = [
            threading.Thread(target=sample),
            threading.Thread(target=serve_normally, args=(server.base, token, stop, latencies, statuses)),
        ]
        for thread in threads:
            thread.start()
        try:
            results = asyncio.run(hostile(server.port))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    finally:
        server.stop()

    bound = HEADER_TIMEOUT + ACCEPT_SLACK
    for mode, (closed_after, _answers) in results.items():
        assert len(closed_after) == {"idle": IDLE, "trickle": TRICKLING, "oversized": OVERSIZED}[mode]
        assert max(closed_after) <= bound, f"a {mode} connection was open {max(closed_after):.1f} s"
    assert all(a.startswith(b"HTTP/1.1 431 ") for a in results["oversized"][1]), results["oversized"][1]
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in results["idle"][1])
    assert all(a in (b"",) or a.startswith(b"HTTP/1.1 408 ") for a in results["trickle"][1])
    grown_mib = (max(peak) - before) / 1024
    assert grown_mib < MEMORY_BOUND_MIB
    assert statuses and set(statuses) == {200}
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) >= 2 else latencies[0] * 1000
    slowest = {mode: max(closed_after) for mode, (closed_after, _) in results.items()}
    figures(
        f"{store}: RSS {before / 1024:.0f} MiB before, peak {max(peak) / 1024:.0f} MiB (+{grown_mib:.1f} MiB) with "
        f"{IDLE} idle + {TRICKLING} trickling + {OVERSIZED} x 16 MiB-header connections; longest open: "
        + ", ".join(f"{m} {s:.2f} s" for m, s in slowest.items())
        + f" (timeout {HEADER_TIMEOUT:g} s); {len(latencies)} normal GET /v1/cases meanwhile, p99 {p99:.1f} ms"
    )
