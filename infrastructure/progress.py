"""Progress: a bar on a terminal; periodic log lines otherwise (a service log, a pipe, CI), so a long seed, import
or rebuild shows it is moving wherever its output goes."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")
log = logging.getLogger("arrears.progress")


def progress_enabled() -> bool:
    """Bars only where a person is watching: a terminal, and not CI."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


def log_interval() -> float:
    """Seconds between progress lines when no bar is drawn (``ARREARS_PROGRESS_LOG_SECONDS``, default 10)."""
    try:
        return max(0.0, float(os.environ.get("ARREARS_PROGRESS_LOG_SECONDS", "10")))
    except ValueError:
        return 10.0


class ProgressLog:
    """Counts like a bar but writes a line every ``interval`` seconds, and a last one when it ran long enough to
    have written any (a short run stays silent)."""

    def __init__(self, description: str, total: int | None, unit: str, interval: float | None = None) -> None:
        self.description = description
        self.total = total
        self.unit = unit
        self.interval = log_interval() if interval is None else interval
        self.n = 0
        self.disable = False
        self.started = self.last = time.monotonic()
        self.lines = 0

    def update(self, n: int = 1) -> None:
        """Count ``n`` more; write a line if the interval has passed."""
        self.n += n
        now = time.monotonic()
        if not self.disable and now - self.last >= self.interval:
            self.last = now
            self.write(self.line(now))

    def line(self, now: float) -> str:
        """``rebuilding audit: 12000/50000 events (24%), 3000/s``."""
        elapsed = max(now - self.started, 1e-9)
        share = f" ({100 * self.n // self.total}%)" if self.total else ""
        done = f"{self.n}/{self.total}" if self.total is not None else str(self.n)
        return f"{self.description}: {done} {self.unit}s{share}, {self.n / elapsed:.0f}/s"

    def close(self) -> None:
        """A last line (only after a run long enough to have written one)."""
        if self.lines and not self.disable:
            elapsed = time.monotonic() - self.started
            self.write(f"{self.description}: done, {self.n} {self.unit}s in {elapsed:.1f}s")
            self.disable = True

    def write(self, text: str) -> None:
        """Through logging when the process has set it up (the server, the worker), else a stamped stderr line."""
        self.lines += 1
        if logging.getLogger().hasHandlers() and log.isEnabledFor(logging.INFO):
            log.info(text)
        else:
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            print(f"{stamp} {text}", file=sys.stderr, flush=True)


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate, drawing a bar on stderr when a person is watching, else writing a line now and then."""
    if progress_enabled():
        yield from tqdm(items, desc=description, total=total, unit="item")
        return
    counter = ProgressLog(description, total, "item")
    try:
        for item in items:
            yield item
            counter.update()
    finally:
        counter.close()


def progress_bar(description: str, total: int | None = None, unit: str = "event") -> Any:
    """A bar advanced by hand (``bar.update(n)``, ``bar.close()``; ``bar.disable = True`` silences it), drawn when a
    person is watching, else periodic log lines."""
    if progress_enabled():
        return tqdm(desc=description, total=total, unit=unit, unit_scale=True)
    return ProgressLog(description, total, unit)
