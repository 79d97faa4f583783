"""Which HTTP protocol keeps slow and oversized clients in check: uvicorn's httptools protocol (what `serve` ran
before), uvicorn's h11 protocol with its own head limit (``h11_max_incomplete_event_size=16384``), and `serve`'s
guarded protocol (``api/http_limits.py``).

For each, in a process of its own on SQLite (127.0.0.1 only): 100 idle connections, 100 that trickle a header line
a second, and 8 that send a 16 MiB header never finished; after ``--wait`` seconds it prints how many of each are
still open, what the oversized ones were answered, and the server's RSS before and at its peak.

    python bench/bench_slow_clients.py [--wait 15] [--protocols httptools,h11,guarded]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = """
import sys, uvicorn
from api.http_limits import GuardedHttpToolsProtocol
from api.main import create_app
kind, port = sys.argv[1], int(sys.argv[2])
options = {"httptools": {"http": "httptools"}, "h11": {"http": "h11", "h11_max_incomplete_event_size": 16384},
           "guarded": {"http": GuardedHttpToolsProtocol}}[kind]
uvicorn.run(create_app(run_scheduler=True), host="127.0.0.1", port=port, log_level="error", **options)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def connection(port: int, mode: str, wait: float, outcome: dict[str, list[str]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def send() -> None:
        try:
            if mode == "trickle":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                for n in range(int(wait) + 5):
                    await asyncio.sleep(1)
                    writer.write(f"X-T-{n}: {n}\r\n".encode())
                    await writer.drain()
            elif mode == "oversized":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
                for _ in range(256):
                    writer.write(b"a" * 65536)
                    await writer.drain()
        except OSError:
            pass

    sender = asyncio.create_task(send())
    try:
        answer = await asyncio.wait_for(reader.read(64), timeout=wait)
        outcome[mode].append(answer[:12].decode("latin-1") or "closed")
    except TimeoutError:
        outcome[mode].append("open")
    except OSError:
        outcome[mode].append("reset")
    sender.cancel()
    writer.close()


async def hostile(port: int, wait: float) -> dict[str, list[str]]:
    outcome: dict[str, list[str]] = {"idle": [], "trickle": [], "oversized": []}
    modes = ["idle"] * 100 + ["trickle"] * 100 + ["oversized"] * 8
    await asyncio.gather(*(connection(port, mode, wait, outcome) for mode in modes))
    return outcome


def run(kind: str, wait: float) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ARREARS_DATABASE_URL": f"sqlite:///{tmp}/b.db", "ARREARS_SCHEDULER_TICK_SECONDS": "0"}
        process = subprocess.Popen([sys.executable, "-c", SERVER, kind, str(port)], cwd=ROOT, env=env)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            time.sleep(1)
            before = rss_kib(process.pid)
            peak = [before]
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    peak.append(rss_kib(process.pid))
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample)
            sampler.start()
            outcome = asyncio.run(hostile(port, wait))
            stop.set()
            sampler.join()
        finally:
            process.terminate()
            process.wait(timeout=30)
    still_open = {mode: answers.count("open") for mode, answers in outcome.items()}
    oversized = sorted(set(outcome["oversized"]))
    print(
        f"{kind:>9}: RSS {before / 1024:.0f} -> peak {max(peak) / 1024:.0f} MiB; still open after {wait:g} s: "
        f"idle {still_open['idle']}/100, trickle {still_open['trickle']}/100, oversized {still_open['oversized']}/8; "
        f"oversized answered {oversized}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait", type=float, default=15.0)
    parser.add_argument("--protocols", default="httptools,h11,guarded")
    args = parser.parse_args()
    for kind in args.protocols.split(","):
        run(kind, args.wait)


if __name__ == "__main__":
    main()
