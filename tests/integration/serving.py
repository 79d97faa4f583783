"""`arrears serve` as a drill runs it: started in its own process group, waited for, stopped or SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import TEST_SECRET
from tests.integration.private_postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """One `arrears serve --workers N` on a database, restartable on the same port."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.env = {**os.environ, "ARREARS_SECRET_KEY": TEST_SECRET, **env}
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> float:
        """Start and wait until /readyz answers 200; the seconds it took."""
        command = [sys.executable, "-m", "api.cli", "serve", "--no-demo", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--log-level", "error", "--no-access-log"]
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, start_new_session=True
        )
        while True:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, f"the server exited with {self.process.returncode}"
            assert time.monotonic() - started < timeout, "the server did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL every process of the server at once (no shutdown, no flush)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then wait."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def rss_kib(self) -> int:
        """Resident memory of the server's processes (parent and workers), in KiB."""
        assert self.process is not None
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[2]) != self.process.pid:  # process group id
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except (OSError, IndexError, ValueError):
                continue
        return total
