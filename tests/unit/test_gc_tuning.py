"""A long-running arrears process (the console script, each ``serve`` worker) sets the collector once: start-up
frozen out of its sight, the youngest generation collected every 20,000 allocations."""

from __future__ import annotations

import gc
import subprocess
import sys

from infrastructure.gc_tuning import THRESHOLDS, tune_gc


def test_tune_gc_freezes_start_up_and_raises_the_threshold() -> None:
    before = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_console_script_runs_tuned() -> None:
    probe = "import gc, sys; from api import cli; cli.main = lambda: print(gc.get_threshold()) or 0; cli.console_main()"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(THRESHOLDS)
