"""Progress bars on a terminal; silence in CI and when output is piped."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_enabled() -> bool:
    """Bars only where a person is watching: a terminal, and not CI."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate, drawing a bar on stderr when a person is watching."""
    yield from tqdm(items, desc=description, total=total, disable=not progress_enabled(), unit="item")


def progress_bar(description: str, total: int | None = None, unit: str = "event") -> tqdm:
    """A bar advanced by hand (``bar.update(n)``), drawn only when a person is watching."""
    return tqdm(desc=description, total=total, disable=not progress_enabled(), unit=unit, unit_scale=True)
