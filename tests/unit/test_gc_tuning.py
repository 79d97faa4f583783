"""A long-running arrears process (the console script, each ``serve`` worker) sets the collector once: start-up
frozen out of its sight, the youngest generation collected every 20,000 allocations; a rebuild pauses it."""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import Any

from application.bootstrap import Container
from infrastructure.gc_tuning import THRESHOLDS, collector_paused, tune_gc


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


def test_the_collector_is_paused_while_any_pause_lasts_then_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still lasts
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_a_rebuild_pauses_the_collector_and_restores_it(container: Container) -> None:
    seen: list[bool] = []
    runtime = container.projections
    catch_up = runtime._catch_up

    def watching(*args: Any, **kwargs: Any) -> int:
        seen.append(gc.isenabled())
        return catch_up(*args, **kwargs)

    runtime._catch_up = watching  # type: ignore[method-assign]
    runtime.rebuild(["timeline"], show_progress=False)
    assert seen == [False]
    assert gc.isenabled()
