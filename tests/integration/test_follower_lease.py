"""`serve --workers N`: one worker follows the log; when it exits another takes over (``infrastructure.lease``)."""

from __future__ import annotations

import time
from pathlib import Path

from infrastructure.lease import FileLease


def wait_until(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the lease never moved"
        time.sleep(0.05)


def test_one_of_several_workers_follows_the_log_and_another_takes_over_when_it_exits(tmp_path: Path) -> None:
    lock = tmp_path / "follower.lock"
    running: list[str] = []

    def lease(name: str) -> FileLease:
        return FileLease(lock, lambda: running.append(name), lambda: running.remove(name), "log follower")

    first, second = lease("first"), lease("second")
    first.begin()
    wait_until(lambda: first.held)
    second.begin()
    time.sleep(1.5)  # the second has tried the lock at least once meanwhile
    assert running == ["first"] and not second.held
    first.release()
    wait_until(lambda: second.held)
    assert running == ["second"]
    second.release()
    assert running == []
