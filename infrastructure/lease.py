"""One process of several does a job: whoever holds an exclusive lock on a file (``flock``) does it; the others
wait for the lock, and one of them takes over within a second of the holder's exit (the kernel releases the lock
of a process that died)."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("arrears.lease")


class FileLease:
    """Runs ``start`` once this process holds the lock on ``path``, and ``stop`` at ``release()`` if it did."""

    def __init__(self, path: Path, start: Callable[[], None], stop: Callable[[], None], name: str) -> None:
        self.path = path
        self.start = start
        self.stop = stop
        self.name = name
        self._fd: int | None = None
        self._released = threading.Event()
        self._thread = threading.Thread(target=self._wait, name=f"lease-{name}", daemon=True)

    def begin(self) -> None:
        """Wait for the lock in the background; run ``start`` once it is held."""
        self._thread.start()

    @property
    def held(self) -> bool:
        """Whether this process holds the lock (and so runs the job)."""
        return self._fd is not None

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not self._released.is_set():
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    self._released.wait(1.0)
                    continue
                self._fd, fd = fd, -1
                log.info("process %d runs the %s", os.getpid(), self.name)
                self.start()
                return
        finally:
            if fd >= 0:
                os.close(fd)

    def release(self) -> None:
        """Stop waiting; if the lock is held, run ``stop`` and let the lock go."""
        self._released.set()
        self._thread.join(timeout=10)
        if self._fd is not None:
            try:
                self.stop()
            finally:
                os.close(self._fd)  # closing the descriptor releases the lock
                self._fd = None
