"""Recompute every hash chain from the events table and name each event altered, deleted or inserted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infrastructure.view_store import ViewStore
from projections.audit_chain import GENESIS, chain_hash, seal_is_valid


def stored_events(app: Any, case_id: UUID | None, page: int = 5000) -> Iterator[StoredEvent]:
    """The stored events of one aggregate, or of the whole log in pages."""
    if case_id is not None:
        yield from app.recorder.select_events(case_id)
        return
    start = 0
    while True:
        batch = app.recorder.select_notifications(start=start, limit=page, inclusive_of_start=False)
        yield from batch
        if len(batch) < page:
            return
        start = batch[-1].id


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
    for event in stored_events(app, case_id):
        checked += 1
        key_ = (str(event.originator_id), event.originator_version)
        seen.add(key_)
        link = chain.get(key_)
        if link is None:
            name("inserted", *key_, "stored event is not in the audit chain")
            continue
        again = chain_hash(link["prev_hash"], event.originator_id, event.originator_version, event.topic, event.state)
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
