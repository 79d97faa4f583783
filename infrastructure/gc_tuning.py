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

#: the collector's generation thresholds for arrears' processes (Python's defaults: 700, 10, 10)
THRESHOLDS = (20_000, 10, 10)


def tune_gc() -> None:
    """Freeze what start-up made and raise the youngest generation's threshold (idempotent)."""
    gc.collect()  # what start-up left as garbage is freed now rather than frozen
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
