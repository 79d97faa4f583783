"""Bulk view writes (issue 15 item 2): a batch's upserts and increments, staged by COPY or written as multi-row
statements on PostgreSQL, leave exactly what applying the rows one by one leaves, duplicates of a key in one batch
included; and exactly once: the rows and the tracking position commit together or not at all. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from application.bootstrap import Container
from infrastructure.staged_upsert import STAGE_MIN_ROWS
from infrastructure.view_rows import MULTI_ROWS, merged_by_key

DDL = [
    "CREATE TABLE IF NOT EXISTS bulk_rows (k TEXT NOT NULL, n BIGINT NOT NULL, v TEXT, PRIMARY KEY (k, n))",
    "CREATE TABLE IF NOT EXISTS bulk_counts (k TEXT PRIMARY KEY, c BIGINT NOT NULL, d BIGINT NOT NULL)",
]


def rows_of(container: Container, table: str) -> list[dict[str, Any]]:
    with container.projections.store.reading() as tx:
        return tx.query(f"SELECT * FROM {table} ORDER BY 1, 2")


@pytest.mark.parametrize("size", [STAGE_MIN_ROWS // 2, MULTI_ROWS * 2 + 50], ids=["multi-row", "staged"])
def test_a_batch_with_repeated_keys_leaves_what_one_by_one_leaves(container: Container, size: int) -> None:
    store = container.projections.store
    upserts = [(f"case-{i % 700}", i % 3, f"value {i}") for i in range(size)]
    increments = [(f"case-{i % 300}", 1, i) for i in range(size // 2 + 10)]
    with store.transaction() as tx:
        for statement in DDL:
            tx.execute(statement)
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), [("case-1", 1, "before")])
        tx.increment("bulk_counts", ("k",), ("k", "c", "d"), [("case-1", 5, 5)])
    with store.transaction() as tx:
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), upserts)
        tx.increment("bulk_counts", ("k",), ("k", "c", "d"), increments)
    expected_rows: dict[tuple[str, int], str] = {("case-1", 1): "before"}
    for k, n, v in upserts:
        expected_rows[(k, n)] = v
    expected_counts: dict[str, list[int]] = {"case-1": [5, 5]}
    for k, c, d in increments:
        expected_counts.setdefault(k, [0, 0])
        expected_counts[k][0] += c
        expected_counts[k][1] += d
    found_rows = {(r["k"], int(r["n"])): r["v"] for r in rows_of(container, "bulk_rows")}
    found_counts = {r["k"]: [int(r["c"]), int(r["d"])] for r in rows_of(container, "bulk_counts")}
    assert found_rows == expected_rows
    assert found_counts == expected_counts


def test_a_failing_batch_writes_nothing_and_keeps_the_position(container: Container) -> None:
    store = container.projections.store
    with store.transaction() as tx:
        for statement in DDL:
            tx.execute(statement)
        tx.register("bulk-test")
    with pytest.raises(Exception), store.transaction() as tx:  # noqa: B017 (the driver's own error class)
        tx.claim("bulk-test", 0)
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), [("a", 1, "x"), ("b", 2, "y")])
        tx.track("bulk-test", 10)
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), [("c", None, "z"), ("d", 1, "w")])  # NOT NULL
    with pytest.raises(Exception), store.transaction() as tx:  # noqa: B017
        tx.claim("bulk-test", 0)
        tx.track("bulk-test", 10)
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), [(f"k{i}", i, "x") for i in range(STAGE_MIN_ROWS)])
        tx.upsert("bulk_rows", ("k", "n"), ("k", "n", "v"), [("late", None, "z"), ("d", 1, "w")])  # NOT NULL
    assert rows_of(container, "bulk_rows") == []
    assert store.position("bulk-test") == 0


def test_rows_that_cannot_be_merged_in_python_are_left_one_by_one() -> None:
    assert merged_by_key(("k",), ("k", "v"), [(None, 1), (None, 2)], add=False) is None  # NULL keys never conflict
    assert merged_by_key(("k",), ("k", "c"), [("a", None), ("a", 1)], add=True) is None  # NULL + 1 is NULL in SQL
    assert merged_by_key(("k",), ("k", "v"), [("a", 1), ("b", 2), ("a", 3)], add=False) == [("b", 2), ("a", 3)]
    assert merged_by_key(("k",), ("k", "c"), [("a", 1), ("b", 2), ("a", 3)], add=True) == [["a", 4], ["b", 2]]
