"""Recompute every hash chain from the events table and name each event altered, deleted, inserted or unreadable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple
from uuid import UUID

from infrastructure.view_store import ViewStore, events_table
from projections.audit_chain import GENESIS, chain_hash, seal_is_valid


class StoredRow(NamedTuple):
    """A row of the events table as it is, whatever it holds."""

    originator_id: str
    version: int
    topic: Any
    state: Any


def stored_rows(app: Any, store: ViewStore, case_id: UUID | None, page: int = 5000) -> Iterator[StoredRow]:
    """The events table's rows of one aggregate, or of the whole log in pages, read as they are: a verifier cannot
    trust them to hold what the recorder expects (it turns ``state`` into bytes and fails on anything else)."""
    table = events_table(app)
    columns = "originator_id, originator_version, topic, state"
    if case_id is not None:
        key: Any = case_id if store.dialect == "postgres" else case_id.hex
        with store.reading() as tx:
            rows = tx.query(f"SELECT {columns} FROM {table} WHERE originator_id = ? ORDER BY originator_version", [key])
        yield from (_row(row) for row in rows)
        return
    position = "notification_id" if store.dialect == "postgres" else "rowid"  # SQLite's log position is the rowid
    start = 0
    while True:
        with store.reading() as tx:
            rows = tx.query(
                f"SELECT {position} AS position, {columns} FROM {table} WHERE {position} > ? "
                f"ORDER BY {position} LIMIT ?",
                [start, page],
            )
        yield from (_row(row) for row in rows)
        if len(rows) < page:
            return
        start = int(rows[-1]["position"])


def _row(row: dict[str, Any]) -> StoredRow:
    originator = row["originator_id"]
    key = str(originator if isinstance(originator, UUID) else UUID(str(originator)))
    return StoredRow(key, int(row["originator_version"]), row["topic"], row["state"])


def unreadable(row: StoredRow) -> str | None:
    """Why a stored event cannot be hashed (its bytes are not bytes, or its topic not text), or None."""
    if row.state is None:
        return "stored bytes are missing (NULL)"
    if not isinstance(row.state, bytes | bytearray | memoryview):
        return f"stored bytes are not bytes (found {type(row.state).__name__}): replaced or unreadable"
    if not isinstance(row.topic, str):
        return f"stored topic is not text (found {type(row.topic).__name__})"
    return None


def verify_chains(app: Any, store: ViewStore, key: bytes | None, case_id: UUID | None = None) -> dict[str, Any]:
    """Compare the store with the audit trail: altered, deleted and inserted events, broken links, bad seals."""
    with store.reading() as tx:
        if case_id is None:
            links = tx.query("SELECT originator_id, version, hash, prev_hash FROM audit_trail")
            heads = tx.query("SELECT * FROM audit_heads")
        else:
            links = tx.query(
                "SELECT originator_id, version, hash, prev_hash FROM audit_trail WHERE originator_id = ?",
                [str(case_id)],
            )
            heads = tx.query("SELECT * FROM audit_heads WHERE originator_id = ?", [str(case_id)])
    chain = {(row["originator_id"], int(row["version"])): row for row in links}
    mismatches: list[dict[str, Any]] = []

    def name(kind: str, originator: str, version: int | None, detail: str) -> None:
        mismatches.append({"kind": kind, "case_id": originator, "version": version, "detail": detail})

    checked = 0
    seen: set[tuple[str, int]] = set()
    for event in stored_rows(app, store, case_id):
        checked += 1
        key_ = (event.originator_id, event.version)
        seen.add(key_)
        link = chain.get(key_)
        if link is None:
            name("inserted", *key_, "stored event is not in the audit chain")
            continue
        problem = unreadable(event)
        if problem is not None:
            name("unreadable", *key_, problem)
            continue
        again = chain_hash(link["prev_hash"], event.originator_id, event.version, event.topic, bytes(event.state))
        if again != link["hash"]:
            name("altered", *key_, "stored bytes no longer match the chained hash")
    for key_ in sorted(set(chain) - seen):
        name("deleted", *key_, "chained event is missing from the store")
    by_case: dict[str, list[dict[str, Any]]] = {}
    for link in chain.values():
        by_case.setdefault(link["originator_id"], []).append(link)
    for originator, rows in by_case.items():
        previous = GENESIS
        for row in sorted(rows, key=lambda r: int(r["version"])):
            if row["prev_hash"] != previous:
                name("chain_broken", originator, int(row["version"]), "link does not follow the previous hash")
            previous = row["hash"]
    for head in heads:
        originator, version = head["originator_id"], int(head["version"])
        last = chain.get((originator, version))
        if last is None or last["hash"] != head["hash"] or any((originator, v) in chain for v in (version + 1,)):
            name("head_mismatch", originator, version, "chain head does not match the trail")
        if not seal_is_valid(key, originator, version, head["hash"], head["seal"]):
            name("seal_invalid", originator, version, "the head's HMAC seal does not verify")
    mismatches.sort(key=lambda m: (m["case_id"], m["version"] or 0, m["kind"]))
    return {
        "ok": not mismatches,
        "checked_events": checked,
        "chains": len(heads),
        "sealed": key is not None,
        "mismatches": mismatches,
    }
