"""Verification that cannot be bypassed: recompute the Merkle tree from the events table and compare it with the
newest checkpoint the witness cosigned (kept outside the database), then name each event that differs.

The leaves the recorders wrote with the events say, for each log position, which bytes were recorded there. When
the tree they make equals the witnessed root, they are authentic, and every difference between them and the events
table is named exactly (altered, deleted, inserted, moved). When the leaves were rewritten too, the witnessed root
still tells: the tree is refused, and the events before the witnessed size are named as unverifiable.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from infrastructure.merkle import CompactRange, ProofError, verify_inclusion
from infrastructure.signed_note import Checkpoint, NoteError, Verifier, open_checkpoint
from infrastructure.tlog_store import event_leaf_hash, iter_leaves, next_leaf_index
from infrastructure.view_store import ViewStore, events_table
from infrastructure.witness import Witnessed
from projections.audit_verify import StoredRow, unreadable
from projections.transparency import TransparencyLog, position_column

PAGE = 5000


@dataclass
class TreeCheck:
    """What comparing the events table with the witnessed tree found."""

    mismatches: list[dict[str, Any]] = field(default_factory=list)
    #: the witnessed checkpoint compared against (None: there was none)
    witnessed: Checkpoint | None = None
    witness_note: str = ""
    leaves: int = 0

    def name(
        self, kind: str, case_id: str, version: int | None, detail: str, position: int | None, index: int | None
    ) -> None:
        """Add a finding."""
        self.mismatches.append(
            {
                "kind": kind,
                "case_id": case_id,
                "version": version,
                "detail": detail,
                "position": position,
                "leaf_index": index,
            }
        )


def witnessed_checkpoint(tlog: TransparencyLog, check: TreeCheck) -> None:
    """Read the newest witnessed checkpoint from the witness itself (not the database) and check both signatures."""
    if tlog.witness is None or tlog.verifier is None:
        return
    try:
        latest: Witnessed | None = tlog.witness.latest()
    except (NoteError, OSError, ConnectionError) as error:
        check.name(
            "witness", "", None, f"the witness's checkpoint cannot be read or does not verify: {error}", None, None
        )
        return
    if latest is not None:
        check.witnessed, check.witness_note = latest.checkpoint, latest.note


def _events(app: Any, store: ViewStore, case_id: UUID | None) -> Iterator[tuple[int, str, int, Any, Any]]:
    """The events table's rows (position, aggregate id, version, topic, state), in log order, as they are."""
    table, column = events_table(app), position_column(store)
    where, params = "", []
    if case_id is not None:
        where, params = " AND originator_id = ?", [case_id if store.dialect == "postgres" else case_id.hex]
    start = -1
    while True:
        with store.reading() as tx:
            rows = tx.query(
                f"SELECT {column} AS position, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {column} > ?{where} ORDER BY {column} LIMIT ?",
                [start, *params, PAGE],
            )
        for row in rows:
            ident = row["originator_id"]
            key = str(ident if isinstance(ident, UUID) else UUID(str(ident)))
            yield int(row["position"]), key, int(row["originator_version"]), row["topic"], row["state"]
        if len(rows) < PAGE:
            return
        start = int(rows[-1]["position"])


def _hash(position: int, key: str, version: int, topic: Any, state: Any) -> bytes | None:
    if unreadable(StoredRow(key, version, topic, state)) is not None:
        return None
    return event_leaf_hash(position, key, version, topic, bytes(state))


def _trail_names(store: ViewStore, positions: list[int]) -> dict[int, tuple[str, int]]:
    """Which case and version the audit trail says was at each position (to name a deleted event)."""
    found: dict[int, tuple[str, int]] = {}
    for start in range(0, len(positions), 500):
        with store.reading() as tx:
            rows = tx.select_in("audit_trail", "position", positions[start : start + 500])
        found.update({int(r["position"]): (str(r["originator_id"]), int(r["version"])) for r in rows})
    return found


def check_tree(app: Any, store: ViewStore, tlog: TransparencyLog) -> TreeCheck:
    """Compare the whole events table with the leaves and the witnessed root; name every difference."""
    check = TreeCheck()
    witnessed_checkpoint(tlog, check)
    with store.reading() as tx:
        check.leaves = next_leaf_index(tx)
    limit = check.witnessed.size if check.witnessed is not None else 0
    from_events, from_leaves = CompactRange(), CompactRange()
    leaves = iter_leaves(store.reading, check.leaves)
    leaf = next(leaves, None)
    altered: list[tuple[int, int, bytes, str, int, Any, Any]] = []
    gone: list[tuple[int, int, bytes]] = []
    for position, key, version, topic, state in _events(app, store, None):
        while leaf is not None and leaf[1] < position:
            gone.append((leaf[1], leaf[0], leaf[2]))
            if from_leaves.size < limit:
                from_leaves.append(leaf[2])
            leaf = next(leaves, None)
        hashed = _hash(position, key, version, topic, state)
        if from_events.size < limit:
            from_events.append(hashed or b"")
        if leaf is None or leaf[1] != position:
            check.name(
                "inserted",
                key,
                version,
                "stored event has no leaf in the transparency log: it was not recorded through the application",
                position,
                None,
            )
            continue
        if from_leaves.size < limit:
            from_leaves.append(leaf[2])
        if hashed is None:  # not bytes at all: named as the chains name it
            problem = unreadable(StoredRow(key, version, topic, state)) or "unreadable"
            check.name("unreadable", key, version, problem, position, leaf[0])
        elif hashed != leaf[2]:
            altered.append((position, leaf[0], leaf[2], key, version, topic, state))
        leaf = next(leaves, None)
    while leaf is not None:
        gone.append((leaf[1], leaf[0], leaf[2]))
        if from_leaves.size < limit:
            from_leaves.append(leaf[2])
        leaf = next(leaves, None)
    _name_changes(store, check, altered, gone)
    if check.witnessed is not None:
        _compare_roots(check, from_events, from_leaves)
    return check


def _name_changes(store: ViewStore, check: TreeCheck, altered: list[Any], gone: list[tuple[int, int, bytes]]) -> None:
    """Name what differs: an event whose bytes match the leaf of another position was moved there (reordered),
    other differing events were altered, leaves left without an event were deleted (named from the audit trail)."""
    recorded = {position: hashed for position, _, hashed in gone}
    recorded.update({a[0]: a[2] for a in altered})
    names = _trail_names(store, [position for position, _, _ in gone])
    moved: set[int] = set()
    for position, index, _, key, version, topic, state in altered:
        origin = next(
            (p for p, hashed in recorded.items() if p != position and _hash(p, key, version, topic, state) == hashed),
            None,
        )
        if origin is None:
            check.name(
                "altered",
                key,
                version,
                "stored bytes no longer match the leaf recorded at this log position",
                position,
                index,
            )
        else:
            moved.add(origin)
            check.name(
                "reordered",
                key,
                version,
                f"moved: recorded at log position {origin}, now at {position}",
                position,
                index,
            )
    for position, index, _ in gone:
        if position in moved:
            continue
        case, version = names.get(position, ("", None))
        detail = "a leaf was recorded at this log position; its event is gone"
        if not case:
            detail += "; its audit trail row is gone too, so its case is unknown"
        check.name("deleted", case, version, detail, position, index)


def _compare_roots(check: TreeCheck, from_events: CompactRange, from_leaves: CompactRange) -> None:
    witnessed = check.witnessed
    assert witnessed is not None
    root = base64.b64encode(witnessed.root).decode()
    if from_events.size < witnessed.size:
        check.name(
            "shrunk",
            "",
            None,
            f"the events table holds {from_events.size} events, fewer than the "
            f"{witnessed.size} of the witnessed checkpoint: events were deleted",
            None,
            None,
        )
    elif from_events.root() != witnessed.root:
        detail = (
            f"the tree recomputed from the events table does not match the witnessed root {root} at size "
            f"{witnessed.size}"
        )
        if from_leaves.size == witnessed.size and from_leaves.root() != witnessed.root:
            detail += "; the stored leaves were rewritten too, so the events above are named from them alone"
        check.name("root_mismatch", "", None, detail, None, None)


def check_case(app: Any, store: ViewStore, tlog: TransparencyLog, case_id: UUID) -> TreeCheck:
    """One aggregate's events: each must equal the leaf at its position, and each leaf within the witnessed size
    must be in the witnessed tree (an inclusion proof from the stored tree, checked against the witnessed root)."""
    check = TreeCheck()
    witnessed_checkpoint(tlog, check)
    events = list(_events(app, store, case_id))
    with store.reading() as tx:
        check.leaves = next_leaf_index(tx)
        rows = tx.select_in("tlog_leaves", "position", [e[0] for e in events]) if events else []
    by_position = {int(r["position"]): (int(r["leaf_index"]), bytes(r["hash"])) for r in rows}
    within: list[tuple[int, bytes, str, int, int]] = []
    for position, key, version, topic, state in events:
        found = by_position.get(position)
        if found is None:
            check.name("inserted", key, version, "stored event has no leaf in the transparency log", position, None)
            continue
        problem = unreadable(StoredRow(key, version, topic, state))
        if problem is not None:
            check.name("unreadable", key, version, problem, position, found[0])
        elif _hash(position, key, version, topic, state) != found[1]:
            check.name(
                "altered",
                key,
                version,
                "stored bytes no longer match the leaf recorded at this log position",
                position,
                found[0],
            )
        elif check.witnessed is not None and found[0] < check.witnessed.size:
            within.append((found[0], found[1], key, version, position))
    if check.witnessed is not None and within:
        proofs = tlog.inclusions([w[0] for w in within], check.witnessed.size)
        for (index, hashed, key, version, position), proof in zip(within, proofs, strict=True):
            try:
                verify_inclusion(index, check.witnessed.size, hashed, proof, check.witnessed.root)
            except ProofError:
                check.name(
                    "not_in_tree",
                    key,
                    version,
                    "its leaf is not in the witnessed tree: the log's stored tree was rewritten",
                    position,
                    index,
                )
    return check


def verified_note(note: str, log_key: Verifier, witness_key: Verifier | None) -> Checkpoint:
    """A checkpoint note checked with the log's key (and the witness's, when given)."""
    checkpoint, parsed = open_checkpoint(note, log_key)
    if witness_key is not None:
        parsed.verify(witness_key)
    return checkpoint


def merged_findings(chains: list[dict[str, Any]], tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chains' findings and the tree's, one per (kind, case, version) (the tree's, naming the log position,
    where both found it), sorted by case and version."""

    def key(m: dict[str, Any]) -> tuple[Any, ...]:  # a finding of no known case is told apart by its position
        return (m["kind"], m["case_id"], m["version"]) if m["case_id"] else (m["kind"], m.get("position"))

    found = {key(m): m for m in chains}
    found.update({key(m): m for m in tree})
    return sorted(found.values(), key=lambda m: (m["case_id"], m["version"] or 0, m["kind"]))
