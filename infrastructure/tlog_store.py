"""The transparency log's tables: one leaf hash per stored event (written in the event's own transaction by the
recorders), the perfect subtrees of 256, 65,536, ... leaves (built when a checkpoint is published), and the signed
checkpoints. Proofs are made from 256-hash tiles of these, as C2SP tlog-tiles cuts a tree.

A leaf's bytes (the input to SHA-256(0x00 ‖ ...)) are, byte for byte::

    u64 position ‖ 16-byte aggregate id ‖ u64 version ‖ u32 len(topic) ‖ topic (UTF-8) ‖ u32 len(state) ‖ state

(big-endian integers; ``position`` is the event's log position: PostgreSQL's notification_id, SQLite's rowid;
``state`` the stored bytes, encrypted and compressed as stored). PostgreSQL computes the same bytes in SQL.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from infrastructure.merkle import NodeGetter, leaf_hash, perfect_root
from infrastructure.view_store import ViewTx

LEAVES = "tlog_leaves"
NODES = "tlog_nodes"
CHECKPOINTS = "tlog_checkpoints"
#: hashes per tile (C2SP tlog-tiles): a stored node every 8 levels
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT

#: the leaf bytes of a row of the events table, as PostgreSQL computes them in the insert functions
PG_LEAF_HASH = (
    "sha256('\\x00'::bytea || int8send({row}notification_id) || uuid_send({row}originator_id::uuid) || "
    "int8send({row}originator_version) || int4send(octet_length(convert_to({row}topic, 'UTF8'))) || "
    "convert_to({row}topic, 'UTF8') || int4send(octet_length({row}state)) || {row}state)"
)


def leaf_bytes(position: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The leaf bytes of a stored event (see the module's docstring)."""
    ident = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    encoded = topic.encode()
    return b"".join(
        (
            struct.pack(">Q", position),
            ident.bytes,
            struct.pack(">QI", version, len(encoded)),
            encoded,
            struct.pack(">I", len(state)),
            state,
        )
    )


def event_leaf_hash(position: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """SHA-256(0x00 ‖ leaf bytes) of a stored event."""
    return leaf_hash(leaf_bytes(position, originator_id, version, topic, state))


def leaves_ddl(blob: str, prefix: str = "") -> str:
    """The leaf table (``blob``: BLOB on SQLite, BYTEA on PostgreSQL)."""
    return (
        f"CREATE TABLE IF NOT EXISTS {prefix}{LEAVES} (leaf_index BIGINT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, "
        f"hash {blob} NOT NULL)"
    )


def tree_ddl(dialect: str) -> list[str]:
    """The node and checkpoint tables."""
    blob = "BYTEA" if dialect == "postgres" else "BLOB"
    return [
        leaves_ddl(blob),
        f"CREATE TABLE IF NOT EXISTS {NODES} (height INTEGER NOT NULL, idx BIGINT NOT NULL, hash {blob} NOT NULL, "
        "PRIMARY KEY (height, idx))",
        f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS} (size BIGINT PRIMARY KEY, note TEXT NOT NULL, "
        "published_at TEXT NOT NULL)",
    ]


def next_leaf_index(tx: ViewTx) -> int:
    """The index the next leaf takes (the tree's size)."""
    rows = tx.query(f"SELECT MAX(leaf_index) AS last FROM {LEAVES}")
    last = rows[0]["last"]
    return 0 if last is None else int(last) + 1


def append_leaves(tx: ViewTx, rows: Sequence[tuple[int, bytes]]) -> None:
    """Add leaves (position, leaf hash) at the end of the tree, in this order."""
    start = next_leaf_index(tx)
    tx.executemany(
        f"INSERT INTO {LEAVES} (leaf_index, position, hash) VALUES (?, ?, ?)",
        [(start + n, position, hashed) for n, (position, hashed) in enumerate(rows)],
    )


def leaf_rows(tx: ViewTx, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Leaves [start, end): (index, position, hash)."""
    rows = tx.query(
        f"SELECT leaf_index, position, hash FROM {LEAVES} WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
        [start, end],
    )
    return [(int(r["leaf_index"]), int(r["position"]), bytes(r["hash"])) for r in rows]


def iter_leaves(tx_factory: Any, end: int, page: int = 10_000) -> Iterator[tuple[int, int, bytes]]:
    """Leaves [0, end) in pages, each page read in its own transaction (``tx_factory``: ``store.reading``)."""
    start = 0
    while start < end:
        with tx_factory() as tx:
            rows = leaf_rows(tx, start, min(end, start + page))
        yield from rows
        if not rows:
            return
        start = rows[-1][0] + 1


def _stored(tx: ViewTx, height: int, start: int, end: int) -> list[bytes]:
    """The hashes at a tile height (0: leaves) with indexes [start, end), as stored (maybe fewer)."""
    if height == 0:
        return [row[2] for row in leaf_rows(tx, start, end)]
    rows = tx.query(
        f"SELECT hash FROM {NODES} WHERE height = ? AND idx >= ? AND idx < ? ORDER BY idx", [height, start, end]
    )
    return [bytes(r["hash"]) for r in rows]


def build_nodes(tx: ViewTx, size: int) -> int:
    """Store every perfect subtree of 256^k leaves (k ≥ 1) within the first ``size`` leaves; returns nodes added."""
    added, height, count = 0, TILE_HEIGHT, size >> TILE_HEIGHT
    while count:
        rows = tx.query(f"SELECT MAX(idx) AS last FROM {NODES} WHERE height = ?", [height])
        have = 0 if rows[0]["last"] is None else int(rows[0]["last"]) + 1
        for first in range(have, count, 64):  # 64 tiles below at a time
            last = min(count, first + 64)
            below = _stored(tx, height - TILE_HEIGHT, first * TILE_WIDTH, last * TILE_WIDTH)
            if len(below) != (last - first) * TILE_WIDTH:
                raise ValueError(f"the tree's level {height - TILE_HEIGHT} is missing hashes below node {first}")
            nodes = [
                (height, first + n, perfect_root(below[n * TILE_WIDTH : (n + 1) * TILE_WIDTH]))
                for n in range(last - first)
            ]
            tx.executemany(f"INSERT INTO {NODES} (height, idx, hash) VALUES (?, ?, ?)", nodes)
            added += len(nodes)
        height, count = height + TILE_HEIGHT, count >> TILE_HEIGHT
    return added


class Tiles:
    """The perfect subtrees of a stored tree, read a 256-hash tile at a time and kept for one use (a proof, a
    pack): ``node(h, i)`` is what ``infrastructure.merkle`` builds proofs from."""

    def __init__(self, tx: ViewTx) -> None:
        self.tx = tx
        self.tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, height: int, number: int) -> list[bytes]:
        """The hashes at a tile height with indexes [256·number, 256·number + 256), as far as stored."""
        found = self.tiles.get((height, number))
        if found is None:
            found = self.tiles[height, number] = _stored(
                self.tx, height, number * TILE_WIDTH, (number + 1) * TILE_WIDTH
            )
        return found

    def base(self, height: int, index: int) -> bytes:
        """A hash at a tile height (a multiple of 8), computed from the level below when it is not stored yet."""
        tile = self.tile(height, index >> TILE_HEIGHT)
        offset = index & (TILE_WIDTH - 1)
        if offset < len(tile):
            return tile[offset]
        if height == 0:
            raise LookupError(f"leaf {index} is not in the tree")
        return perfect_root([self.base(height - TILE_HEIGHT, (index << TILE_HEIGHT) + k) for k in range(TILE_WIDTH)])

    def node(self, height: int, index: int) -> bytes:
        """The perfect subtree of height ``height`` whose first leaf is index·2^height."""
        base = height - height % TILE_HEIGHT
        rise = height - base
        first = index << rise
        tile = self.tile(base, first >> TILE_HEIGHT)
        offset = first & (TILE_WIDTH - 1)
        hashes = tile[offset : offset + (1 << rise)]
        if len(hashes) < 1 << rise:
            hashes = [self.base(base, first + k) for k in range(1 << rise)]
        return perfect_root(hashes)

    @property
    def getter(self) -> NodeGetter:
        """``node`` as a function."""
        return self.node

    def prefetch(self, nodes: Iterable[tuple[int, int]]) -> None:
        """Read every tile these perfect subtrees lie in, in one statement (a proof then costs one round trip)."""
        wanted = set()
        for height, index in nodes:
            base = height - height % TILE_HEIGHT
            wanted.add((base, (index << (height - base)) >> TILE_HEIGHT))
        wanted -= set(self.tiles)
        if not wanted:
            return
        leaves = sorted(number for base, number in wanted if base == 0)
        nodes_wanted = sorted((base, number) for base, number in wanted if base > 0)
        parts, params = [], []
        if leaves:
            ranges = " OR ".join("(leaf_index >= ? AND leaf_index < ?)" for _ in leaves)
            parts.append(f"SELECT 0 AS height, leaf_index AS idx, hash FROM {LEAVES} WHERE {ranges}")
            params += [bound for n in leaves for bound in (n * TILE_WIDTH, (n + 1) * TILE_WIDTH)]
        if nodes_wanted:
            ranges = " OR ".join("(height = ? AND idx >= ? AND idx < ?)" for _ in nodes_wanted)
            parts.append(f"SELECT height, idx, hash FROM {NODES} WHERE {ranges}")
            params += [v for b, n in nodes_wanted for v in (b, n * TILE_WIDTH, (n + 1) * TILE_WIDTH)]
        found: dict[tuple[int, int], dict[int, bytes]] = {key: {} for key in wanted}
        for row in self.tx.query(" UNION ALL ".join(parts), params):
            height, index = int(row["height"]), int(row["idx"])
            found[height, index >> TILE_HEIGHT][index & (TILE_WIDTH - 1)] = bytes(row["hash"])
        for key, entries in found.items():
            self.tiles[key] = [entries[k] for k in range(len(entries)) if k in entries]

    def prove(self, make: Callable[[NodeGetter], list[bytes]]) -> list[bytes]:
        """A proof made by ``make`` from this tree's nodes, its tiles read first in one statement (a dry run
        finds which it needs)."""
        needed: list[tuple[int, int]] = []

        def record(height: int, index: int) -> bytes:
            needed.append((height, index))
            return bytes(32)

        make(record)
        self.prefetch(needed)
        return make(self.node)
