"""The bulk import: a CSV or JSON Lines file of enterprises, statements and loan records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from application.commands.base import Command

#: wraps the rows being applied, to show progress (e.g. a progress bar): (rows, how many) -> rows
Progress = Callable[[Iterable[Any], int], Iterable[Any]]


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportRecords(Command):
    """Import the text of a file; all or nothing (every bad row reported), idempotent on a repeat.

    ``format`` is ``csv`` or ``jsonl`` (None: detected from the text); ``kind`` is the records' kind for a
    CSV without a ``kind`` column. Answers with an ``ImportResult``.
    """

    text: str
    format: str | None = None
    kind: str | None = None
    name: str = ""
    progress: Progress | None = field(default=None, compare=False)
