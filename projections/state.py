"""Helpers for views that keep per-key working state (JSON) and add up counters, batch by batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import orjson

from infrastructure.view_store import ViewTx


def state_table_ddl(table: str) -> str:
    """A key → JSON table."""
    return f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, data TEXT NOT NULL)"


def load_states(tx: ViewTx, table: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored states of these keys (missing keys are absent)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {row["key"]: orjson.loads(row["data"]) for row in tx.select_in(table, "key", wanted)}


def save_states(tx: ViewTx, table: str, states: dict[str, dict[str, Any]], keys: Iterable[str]) -> None:
    """Write back the states of these keys."""
    rows = [(k, orjson.dumps(states[k], option=orjson.OPT_SORT_KEYS).decode()) for k in sorted(set(keys))]
    tx.upsert(table, ("key",), ("key", "data"), rows)


def add_counts(
    tx: ViewTx,
    table: str,
    keys: tuple[str, ...],
    counters: dict[tuple[Any, ...], Counter[str]],
    columns: tuple[str, ...],
) -> None:
    """Add a batch's counts to the counter table."""
    rows = [(*key, *(counts.get(c, 0) for c in columns)) for key, counts in sorted(counters.items())]
    tx.increment(table, keys, (*keys, *columns), rows)
