"""Rows as the views write them: the portable upsert's SQL text, the rows a multi-row upsert leaves (one per key),
and values PostgreSQL can store (its text holds no NUL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: what a NUL (U+0000) in text becomes in a PostgreSQL view row: PostgreSQL text cannot hold NUL, and an event
#: carrying one (recorded before the API refused them, or by another client) must not stop a view
NUL_STANDIN = "\ufffd"


def upsert_sql(table: str, keys: Sequence[str], columns: Sequence[str], add: bool = False, rows: int = 1) -> str:
    """``INSERT ... ON CONFLICT DO UPDATE`` of ``rows`` rows: the same text works on SQLite ≥ 3.24 and PostgreSQL."""
    value = "{t}.{c} + excluded.{c}" if add else "excluded.{c}"
    updates = ", ".join(f"{c} = " + value.format(t=table, c=c) for c in columns if c not in keys)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    placeholders = ", ".join(["(" + ", ".join("?" for _ in columns) + ")"] * rows)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} ON CONFLICT ({', '.join(keys)}) {action}"


#: rows per multi-row statement (PostgreSQL takes at most 65,535 parameters per statement)
MULTI_ROWS = 1000


def merged_by_key(
    keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]], add: bool
) -> list[Sequence[Any]] | None:
    """The rows an upsert (``add``: an increment) leaves behind, one per key: the last row of a key (``add``: the
    key's counters summed), which is what applying the rows one by one leaves (a key whose columns are all keys is
    ``DO NOTHING``: its rows are equal). None when that
    cannot be told in Python (a NULL key, which never conflicts; a counter that is not a number): apply them one by
    one then. One row per key is what a multi-row ``ON CONFLICT DO UPDATE`` requires."""
    at = [columns.index(k) for k in keys]
    merged: dict[tuple[Any, ...], list[Any] | Sequence[Any]] = {}
    for row in rows:
        key = tuple(row[i] for i in at)
        if None in key:
            return None
        if not add:
            merged.pop(key, None)  # a later row moves its key to the end, as a later statement would write it last
            merged[key] = row
            continue
        if any(type(row[i]) not in (int, float) for i in range(len(columns)) if i not in at):
            return None
        found = merged.get(key)
        if found is None:
            merged[key] = list(row)
        else:
            for i in range(len(columns)):
                if i not in at:
                    found[i] += row[i]  # type: ignore[index]
    return list(merged.values())


def pg_text(value: Any) -> Any:
    """A value PostgreSQL can store: text without NUL (see ``NUL_STANDIN``), lists alike, the rest as it is."""
    if type(value) is str:
        return value.replace("\x00", NUL_STANDIN) if "\x00" in value else value
    if isinstance(value, list | tuple):
        return [pg_text(item) for item in value]
    return value


def pg_row(row: Sequence[Any]) -> Sequence[Any]:
    """A row of values PostgreSQL can store (the same row when nothing needs changing, the usual case: every row of
    every view passes here, so the common kinds are told apart by their exact type first)."""
    for value in row:
        kind = type(value)
        if kind is str:
            if "\x00" in value:
                return [pg_text(item) for item in row]
        elif kind is not int and value is not None and isinstance(value, (list, tuple)):
            return [pg_text(item) for item in row]
    return row
