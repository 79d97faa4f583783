"""Figures that survive a noisy machine: every measure against its own baseline, in alternating rounds.

A shared 2-core machine with other test runs on it moves any single figure by 2x from one minute to
the next. A ratio to a baseline measured in the same round, alternating which goes first, moves far
less: the noise of that round hits both. Each bench here prints, per round, the measure, its baseline
and their ratio; then the median of the rounds' ratios (and their range), and the load average.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence

#: a timer: runs ``n`` operations and returns the seconds they took
Timer = Callable[[int], float]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the number of cores, as a line for the report."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} cores"


def rate_for(timer: Timer, seconds: float, chunk: int = 20) -> float:
    """Operations per second of ``timer`` run in chunks for about ``seconds``."""
    done, spent = 0, 0.0
    while spent < seconds:
        spent += timer(chunk)
        done += chunk
    return done / spent


def alternate(
    measures: dict[str, Callable[[], float]],
    rounds: int,
    on_round: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, list[float]]:
    """Each measure once per round, the order reversed every other round (so neither always goes first
    after a pause); every measure's figures, one per round."""
    figures: dict[str, list[float]] = {name: [] for name in measures}
    names = list(measures)
    for round_number in range(rounds):
        order = names if round_number % 2 == 0 else names[::-1]
        this_round = {name: measures[name]() for name in order}
        for name in names:
            figures[name].append(this_round[name])
        if on_round is not None:
            on_round(round_number + 1, {name: this_round[name] for name in names})
    return figures


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """The per-round ratios of two measures taken in the same rounds."""
    return [n / d if d else float("inf") for n, d in zip(numerators, denominators, strict=True)]


def summary(label: str, values: Sequence[float], unit: str = "x", digits: int = 2) -> str:
    """``label: median M (range a - b over N rounds)``."""
    low, high = min(values), max(values)
    median = statistics.median(values)
    return (
        f"{label}: median {median:.{digits}f} {unit} (range {low:.{digits}f} - {high:.{digits}f} over "
        f"{len(values)} rounds)"
    )


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started
