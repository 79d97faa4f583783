"""A worker killed with SIGKILL in the middle of a catch-up resumes where its last committed batch ended:
after a restart every view equals the oracle (nothing doubled, nothing missed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from application.bootstrap import Container
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate


def start_worker(container: Container, log: Path) -> subprocess.Popen[bytes]:
    """`arrears worker` in its own process, with tiny batches and a pause after each."""
    settings = container.settings
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": settings.database_url,
        "ARREARS_DATABASE_SCHEMA": settings.database_schema,
        "ARREARS_PROJECTION_BATCH_SIZE": "5",
        "ARREARS_PROJECTION_THROTTLE_SECONDS": "0.01",
        "ARREARS_PROJECTION_POLL_SECONDS": "0.05",
        "ARREARS_SCHEDULER_TICK_SECONDS": "0",  # only the projections here: a tick would write events
    }
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"], env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=log.open("ab")
    )


positions_seen: list[dict[str, int]] = []


def positions(container: Container) -> dict[str, int]:
    found = {s.name: s.position for s in container.projections.status()}
    positions_seen[:] = [found]
    return found


def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out at {positions_seen}"
        time.sleep(0.02)


def test_sigkill_mid_catch_up_then_restart_equals_the_oracle(container: Container, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    sum(generate(container.app, cases=24, events_per_case=30, per_save=6))
    head = container.projections.head()

    worker = start_worker(container, log)
    wait_for(lambda: head // 4 < min(positions(container).values()))
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    stopped_at = positions(container)
    assert min(stopped_at.values()) > 0 and max(stopped_at.values()) < head, stopped_at  # killed mid catch-up

    worker = start_worker(container, log)  # restart: it resumes from each view's committed position
    try:
        wait_for(lambda: min(positions(container).values()) == head)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "failed at event" not in log.read_text()
    assert_views_equal_oracle(container)
