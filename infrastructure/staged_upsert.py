"""A batch of upserts on PostgreSQL in three statements whatever its size: COPY the rows into a temporary table
shaped like the target, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` that empties it as it goes.

Why not multi-row ``VALUES`` (what this replaced): psycopg parses a statement's text for its placeholders on the
client, and a 1,000-row statement is too long for its cache, so every batch paid ~10 ms of Python per 1,000 rows
converting it (a rebuild's largest single cost after decoding). COPY streams the rows in psycopg's C formatter
(~0.7 ms per 1,000) and the server plans one statement (README, *Benchmarks*: the rebuild).

The rows must have one row per key (``view_store.merged_by_key``): ``ON CONFLICT DO UPDATE`` may not touch a row
twice in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: below this many rows a multi-row statement is cheaper than creating a stage (and its text stays short enough
#: for psycopg's cache); the live catch-up's small batches stay there, a rebuild's large ones come here
STAGE_MIN_ROWS = 100


def staged_upsert(
    cursor: Any,
    table: str,
    keys: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    add: bool,
) -> None:
    """Upsert ``rows`` (``add``: add the non-key columns to the stored ones) into ``table`` in the cursor's
    transaction; the target table is found on the transaction's search path."""
    stage = f"arrears_stage_{table}"
    names = ", ".join(columns)
    # made for this transaction and dropped at its end, so it always has the table's current shape (a view whose
    # DDL changed is recreated); the same transaction's next batch for the table finds it empty (the CTE below
    # takes every row it stages)
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DROP")
    stage = f"pg_temp.{stage}"
    with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    value = "{t}.{c} + excluded.{c}" if add else "excluded.{c}"
    updates = ", ".join(f"{c} = " + value.format(t=table, c=c) for c in columns if c not in keys)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    cursor.execute(
        f"WITH staged AS (DELETE FROM {stage} RETURNING {names}) "
        f"INSERT INTO {table} ({names}) SELECT {names} FROM staged ON CONFLICT ({', '.join(keys)}) {action}"
    )
