"""What a long-running worker tells its log at a steady pace: how far the views have read, their lag, and what
else it did since the last line (scheduler ticks, say), so an operator reading a service log sees it is alive."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable

from projections.status import ProjectionStatus

log = logging.getLogger("arrears.worker")


class Heartbeat:
    """Logs one line every ``every`` seconds from a background thread.

    Other work in the process (the scheduler) reports what it did with ``count("deadlines expired", 3)``; each
    line names the counts since the previous line and then forgets them.
    """

    def __init__(
        self, status: Callable[[], list[ProjectionStatus]], every: float, logger: logging.Logger = log
    ) -> None:
        self.status = status
        self.every = every
        self.log = logger
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_lowest: int | None = None

    def count(self, what: str, n: int = 1) -> None:
        """Note that ``n`` of ``what`` happened (a hook for scheduler ticks and the like)."""
        with self._lock:
            self._counts[what] += n

    def line(self) -> str:
        """The line logged now: events read since the last line, the log's head and each view's position and lag."""
        found = self.status()
        if not found:
            return "no views"
        head = found[0].head
        lowest = min(s.position for s in found)
        read = "" if self._last_lowest is None else f"read {max(0, lowest - self._last_lowest)} events; "
        self._last_lowest = lowest
        behind = [s for s in found if s.lag or s.failed_position is not None]
        if not behind:
            views = f"all {len(found)} views caught up"
        else:
            views = ", ".join(
                f"{s.name} FAILED at {s.failed_position}" if s.failed_position is not None else f"{s.name} lag {s.lag}"
                for s in behind
            )
        with self._lock:
            counts, self._counts = self._counts, Counter()
        extra = "".join(f"; {what}: {n}" for what, n in sorted(counts.items()))
        return f"{read}log head {head}; {views}{extra}"

    def beat(self) -> None:
        """Log one line now (a failure to read the status is logged, not raised)."""
        try:
            self.log.info(self.line())
        except Exception as error:  # the database may be away; the worker's own loop says so too
            self.log.warning("status unavailable: %s", error)

    def start(self) -> None:
        """Log a first line now and then one every ``every`` seconds until ``stop()``."""
        self.beat()
        self._thread = threading.Thread(target=self._run, name="arrears-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(self.every):
            self.beat()

    def stop(self) -> None:
        """Stop, with a last line."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
            self.beat()
