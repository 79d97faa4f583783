"""The transparency log: one RFC 9162 Merkle tree over the whole event log (its leaves written with the events, see
``infrastructure.tlog_store``), signed checkpoints (C2SP tlog-checkpoint in a signed note), cosigned by a witness
that keeps its state outside the database, and the proofs anyone can check with the public keys alone."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from infrastructure.log_keys import WitnessClient
from infrastructure.merkle import EMPTY_ROOT, consistency_proof, inclusion_proof, range_hash
from infrastructure.signed_note import Checkpoint, Note, Signer, Verifier
from infrastructure.tlog_store import (
    CHECKPOINTS,
    LEAVES,
    Tiles,
    build_nodes,
    event_leaf_hash,
    leaf_bytes,
    leaf_rows,
    next_leaf_index,
    tree_ddl,
)
from infrastructure.view_store import ViewStore, ViewTx, events_table
from infrastructure.witness import WitnessConflict

log = logging.getLogger("arrears.tlog")


class TransparencyError(ValueError):
    """A request the log cannot answer (a size it has not reached, no signing key, ...)."""


def position_column(store: ViewStore) -> str:
    """The events table's log position: notification_id on PostgreSQL, the rowid on SQLite."""
    return "notification_id" if store.dialect == "postgres" else "rowid"


class TransparencyLog:
    """Publishes checkpoints, has them witnessed, and answers proofs and leaves."""

    def __init__(self, events: Any, store: ViewStore, signer: Signer | None, witness: WitnessClient | None) -> None:
        self.events = events
        self.store = store
        self.signer = signer
        self.witness = witness
        with store.transaction() as tx:
            tx.lock_ddl()
            for statement in tree_ddl(store.dialect):
                tx.execute(statement)
            self._backfill(tx)

    def _backfill(self, tx: ViewTx) -> None:
        """A database recorded before the transparency log existed (events, no leaf yet): give every event its
        leaf, in log order, once, with the events table locked (the next writer's leaves follow these)."""
        table, column = events_table(self.events), position_column(self.store)
        if tx.query(f"SELECT 1 AS found FROM {LEAVES} LIMIT 1") or not tx.query(
            f"SELECT 1 AS found FROM {table} LIMIT 1"
        ):
            return
        if self.store.dialect == "postgres":
            tx.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        log.warning("the transparency log has no leaves yet: writing one for every event already recorded")
        start, index = -1, 0
        while True:
            rows = tx.query(
                f"SELECT {column} AS position, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {column} > ? ORDER BY {column} LIMIT 5000",
                [start],
            )
            leaves = [
                (
                    index + n,
                    int(r["position"]),
                    event_leaf_hash(
                        int(r["position"]),
                        r["originator_id"],
                        int(r["originator_version"]),
                        str(r["topic"]),
                        bytes(r["state"]),
                    ),
                )
                for n, r in enumerate(rows)
            ]
            tx.executemany(f"INSERT INTO {LEAVES} (leaf_index, position, hash) VALUES (?, ?, ?)", leaves)
            index += len(rows)
            if len(rows) < 5000:
                return
            start = int(rows[-1]["position"])

    @property
    def verifier(self) -> Verifier | None:
        """The log's public key (None without a signing key)."""
        return None if self.signer is None else self.signer.verifier

    def size(self) -> int:
        """Leaves recorded so far."""
        with self.store.reading() as tx:
            return next_leaf_index(tx)

    # --- checkpoints ---------------------------------------------------------------------------

    def publish(self) -> str:
        """Sign a checkpoint of the tree as it is now (the newest one again if nothing was recorded since), have the
        witness cosign it, and return the note with every signature."""
        if self.signer is None:
            raise TransparencyError("no log signing key: set ARREARS_LOG_KEY or ARREARS_LOG_KEY_FILE")
        with self.store.transaction() as tx:
            if self.store.dialect == "postgres":  # one publisher at a time
                tx.execute(f"LOCK TABLE {CHECKPOINTS} IN EXCLUSIVE MODE")
            size = next_leaf_index(tx)
            build_nodes(tx, size)
            newest = _newest(tx)
            if newest is not None and newest[0] == size:
                note = newest[1]
            else:
                checkpoint = Checkpoint(self.signer.name, size, self._root(tx, size))
                note = checkpoint.text() + "\n" + self.signer.sign(checkpoint.text())
                tx.execute(
                    f"INSERT INTO {CHECKPOINTS} (size, note, published_at) VALUES (?, ?, ?)",
                    [size, note, datetime.now(UTC).isoformat()],
                )
        return self.witness_checkpoint(note) if self.witness is not None else note

    def witness_checkpoint(self, note: str) -> str:
        """Send a checkpoint to the witness (with the consistency proof from the size it holds) and store its
        cosignature; WitnessAlarm when it finds a fork or a shrink."""
        assert self.witness is not None
        checkpoint = Checkpoint.parse(Note.parse(note).text)
        old = self.witness.size()
        for _ in range(2):
            proof = self.consistency(old, checkpoint.size) if 0 < old < checkpoint.size else []
            try:
                line = self.witness.add_checkpoint(old, proof, note)
                break
            except WitnessConflict as conflict:  # it holds another size than it said a moment ago
                old = conflict.size
        else:
            raise TransparencyError("the witness keeps changing the size it holds")
        cosigned = Note.parse(note).with_line(line).lines()
        with self.store.transaction() as tx:
            tx.execute(f"UPDATE {CHECKPOINTS} SET note = ? WHERE size = ?", [cosigned, checkpoint.size])
        return cosigned

    def newest(self) -> str | None:
        """The newest checkpoint note stored (with its cosignatures), or None before the first."""
        with self.store.reading() as tx:
            newest = _newest(tx)
        return None if newest is None else newest[1]

    def checkpoints(self) -> list[str]:
        """Every checkpoint stored, oldest first."""
        with self.store.reading() as tx:
            rows = tx.query(f"SELECT note FROM {CHECKPOINTS} ORDER BY size")
        return [str(r["note"]) for r in rows]

    def _root(self, tx: ViewTx, size: int) -> bytes:
        return EMPTY_ROOT if size == 0 else range_hash(Tiles(tx).getter, 0, size)

    def root(self, size: int) -> bytes:
        """The root of the tree's first ``size`` leaves, from the stored tree."""
        with self.store.reading() as tx:
            self._check_size(tx, size)
            return self._root(tx, size)

    # --- proofs and leaves ---------------------------------------------------------------------

    def _check_size(self, tx: ViewTx, size: int) -> None:
        have = next_leaf_index(tx)
        if not 0 <= size <= have:
            raise TransparencyError(f"the log has {have} leaves; size {size} is out of range")

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
        with self.store.reading() as tx:
            self._check_size(tx, size)
            if not 0 <= index < size:
                raise TransparencyError(f"leaf {index} is not in a tree of {size} leaves")
            return Tiles(tx).prove(lambda node: inclusion_proof(node, index, size))

    def inclusions(self, indexes: Sequence[int], size: int) -> list[list[bytes]]:
        """Several inclusion proofs in the same tree, sharing the tiles read."""
        with self.store.reading() as tx:
            self._check_size(tx, size)
            tiles = Tiles(tx)
            tiles.prefetch(_needed(indexes, size))
            return [inclusion_proof(tiles.getter, index, size) for index in indexes]

    def consistency(self, old: int, new: int) -> list[bytes]:
        """The consistency proof from the tree of ``old`` leaves to the one of ``new``."""
        with self.store.reading() as tx:
            self._check_size(tx, new)
            if not 0 <= old <= new:
                raise TransparencyError(f"no consistency proof from size {old} to size {new}")
            return Tiles(tx).prove(lambda node: consistency_proof(node, old, new))

    def leaves(self, start: int, end: int) -> list[dict[str, Any]]:
        """Leaves [start, end): index, position, leaf hash and the leaf bytes (recomputed from the events table)."""
        with self.store.reading() as tx:
            rows = leaf_rows(tx, start, end)
            by_position = self._events_at(tx, [position for _, position, _ in rows])
        found = []
        for index, position, hashed in rows:
            event = by_position.get(position)
            found.append(
                {
                    "index": index,
                    "position": position,
                    "leaf_hash": base64.b64encode(hashed).decode(),
                    "leaf": None if event is None else base64.b64encode(leaf_bytes(position, *event)).decode(),
                }
            )
        return found

    def _events_at(self, tx: ViewTx, positions: list[int]) -> dict[int, tuple[UUID, int, str, bytes]]:
        column = position_column(self.store)
        table = events_table(self.events)
        found: dict[int, tuple[UUID, int, str, bytes]] = {}
        for start in range(0, len(positions), 500):
            chunk = positions[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = tx.query(
                f"SELECT {column} AS position, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {column} IN ({marks})",
                chunk,
            )
            for row in rows:
                ident = row["originator_id"]
                found[int(row["position"])] = (
                    ident if isinstance(ident, UUID) else UUID(str(ident)),
                    int(row["originator_version"]),
                    str(row["topic"]),
                    bytes(row["state"]),
                )
        return found

    def case_leaves(self, case_id: UUID) -> list[dict[str, Any]]:
        """An aggregate's events as leaves: version, position, leaf index and leaf bytes, in version order."""
        column, table = position_column(self.store), events_table(self.events)
        key: Any = case_id if self.store.dialect == "postgres" else case_id.hex
        with self.store.reading() as tx:
            rows = tx.query(
                f"SELECT e.{column} AS position, e.originator_version AS version, e.topic, e.state, l.leaf_index "
                f"FROM {table} e LEFT JOIN {LEAVES} l ON l.position = e.{column} "
                "WHERE e.originator_id = ? ORDER BY e.originator_version",
                [key],
            )
        return [
            {
                "version": int(r["version"]),
                "position": int(r["position"]),
                "index": None if r["leaf_index"] is None else int(r["leaf_index"]),
                "leaf": leaf_bytes(int(r["position"]), case_id, int(r["version"]), str(r["topic"]), bytes(r["state"])),
            }
            for r in rows
        ]


def _needed(indexes: Sequence[int], size: int) -> list[tuple[int, int]]:
    """The perfect subtrees the inclusion proofs of these leaves are made of."""
    needed: list[tuple[int, int]] = []

    def record(height: int, index: int) -> bytes:
        needed.append((height, index))
        return bytes(32)

    for index in indexes:
        inclusion_proof(record, index, size)
    return needed


def _newest(tx: ViewTx) -> tuple[int, str] | None:
    rows = tx.query(f"SELECT size, note FROM {CHECKPOINTS} ORDER BY size DESC LIMIT 1")
    return None if not rows else (int(rows[0]["size"]), str(rows[0]["note"]))
