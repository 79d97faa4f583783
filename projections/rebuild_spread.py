"""A rebuild spread over processes: this process replays one group of views while spawned processes replay the
others (``ProjectionRuntime.rebuild`` with ``rebuild_processes`` > 1; the groups come from ``base.view_groups``)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, wait
from typing import Any, Protocol


class Rebuilding(Protocol):
    """What this needs of the runtime."""

    def position(self, name: str) -> int: ...

    def catch_up_rebuilt(self, names: list[str], on_batch: Callable[[int], None] | None = None) -> int: ...


def rebuild_in_processes(
    runtime: Rebuilding, groups: list[list[str]], elsewhere: Callable[[list[str]], int], bar: Any
) -> int:
    """Replay the first group here and the rest elsewhere, at the same time; returns the events read here. The bar
    follows the slowest view. A failure in another process is raised here once every process has stopped."""
    everyone = [name for group in groups for name in group]

    def show() -> None:
        slowest = min(runtime.position(name) for name in everyone)
        if slowest > bar.n:
            bar.update(slowest - bar.n)

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no copy of this one's pools or threads
    with ProcessPoolExecutor(len(groups) - 1, mp_context=context) as others:
        running = [others.submit(elsewhere, group) for group in groups[1:]]
        read = runtime.catch_up_rebuilt(groups[0], lambda _: show())
        while not all(future.done() for future in running):
            wait(running, timeout=0.5)
            show()
        for future in running:
            future.result()
    show()
    return read
