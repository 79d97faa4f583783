"""How a long-running arrears process sets Python's cyclic garbage collector.

Decoding stored events makes many short-lived objects (pydantic events, dicts) and keeps a page of them alive while
the views apply it; with Python's default thresholds (700, 10, 10) a collection of the oldest generation, which walks
every object the process holds (modules, the application, the aggregate cache), runs every few thousand events.
A rebuild of 105,537 events ran 18 of them and spent about a fifth of its CPU there (9.6 s against 7.7-8.1 s with
the setting below, `bench/bench_projections.py`; README, *Benchmarks*).

What this does, once per process after start-up: ``gc.freeze()`` moves what start-up made (modules, classes, the
composition root) out of the collector's sight, and the youngest generation is collected every 20,000 allocations
rather than 700. Objects freed by reference counting (nearly all of them: events hold no cycles) are freed as
before; only cyclic garbage waits longer, which the soak drill's memory bound watches.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: the collector's generation thresholds for arrears' processes (Python's defaults: 700, 10, 10)
THRESHOLDS = (20_000, 10, 10)


def tune_gc() -> None:
    """Freeze what start-up made and raise the youngest generation's threshold (idempotent)."""
    gc.collect()  # what start-up left as garbage is freed now rather than frozen
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


_pauses = 0
_was_enabled = True
_pausing = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while a rebuild replays the log (from any thread: overlapping pauses keep it
    paused until the last one ends; then it is as it was before the first).

    Even at the thresholds above a rebuild spent about 15% of its CPU in the youngest generation's collections (1.0 s
    of 6.1 s over 105,537 events): each page of decoded events stays alive while the views apply it, so every
    collection walks it. A rebuild makes next to no cyclic garbage (a full collection after one found 20 objects),
    and reference counting frees everything else as usual."""
    global _pauses, _was_enabled
    with _pausing:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pausing:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
