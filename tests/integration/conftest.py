"""Drills print their figures in a "drill figures" section at the end of the run (``figures``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

_FIGURES: list[str] = []


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Keep a line of a drill's figures for the terminal summary (and print it with -s)."""

    def record(line: str) -> None:
        print(f"\n{line}")
        _FIGURES.append(f"{request.node.name}: {line}")

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _FIGURES:
        terminalreporter.section("drill figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
