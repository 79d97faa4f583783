"""The transparency log's tables: one leaf hash per stored event (written in the event's own transaction by the
recorders), the tree's tiles as C2SP tlog-tiles cuts it (``tlog_tiles``: level L, number n holds the 256 hashes of
the subtrees of 256^L leaves numbered 256n..256n+255, concatenated; built when a checkpoint is published; the last
tile of each level above 0 partial), and the signed checkpoints. A proof reads the few tiles it needs in one
statement.

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

from infrastructure.merkle import HASH_SIZE, NodeGetter, leaf_hash, perfect_root
from infrastructure.view_store import ViewTx

LEAVES = "tlog_leaves"
TILES = "tlog_tiles"
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
        f"CREATE TABLE IF NOT EXISTS {TILES} (level INTEGER NOT NULL, idx BIGINT NOT NULL, hashes {blob} NOT NULL, "
        "PRIMARY KEY (level, idx))",
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


def _tile_rows(tx: ViewTx, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[bytes]]:
    """Stored tiles (level, number) → their hashes, read in one statement."""
    ordered = sorted(set(keys))
    found: dict[tuple[int, int], list[bytes]] = {}
    for start in range(0, len(ordered), 200):  # SQLite bounds an expression's depth
        chunk = ordered[start : start + 200]
        where = " OR ".join("(level = ? AND idx = ?)" for _ in chunk)
        rows = tx.query(f"SELECT level, idx, hashes FROM {TILES} WHERE {where}", [v for key in chunk for v in key])
        found.update({(int(r["level"]), int(r["idx"])): split(bytes(r["hashes"])) for r in rows})
    return found


def split(blob: bytes) -> list[bytes]:
    """A tile's concatenated hashes, one by one."""
    return [blob[k : k + HASH_SIZE] for k in range(0, len(blob), HASH_SIZE)]


def _leaf_tile(tx: ViewTx, number: int) -> list[bytes]:
    """The leaf hashes of a level-0 tile not stored as a tile (the right edge), from the leaf table."""
    return [row[2] for row in leaf_rows(tx, number * TILE_WIDTH, (number + 1) * TILE_WIDTH)]


def build_nodes(tx: ViewTx, size: int) -> int:
    """Store the tiles of the first ``size`` leaves: every full level-0 tile (256 leaf hashes), and every tile of the
    levels above (the roots of the full tiles below: level L holds the subtrees of 256^L leaves), the last of each
    level partial and rewritten as it grows. Returns the tiles written."""
    written, level, below = 0, 0, size
    while below >= TILE_WIDTH or (level > 0 and below > 0):
        count = below  # entries at this level
        rows = tx.query(f"SELECT idx, hashes FROM {TILES} WHERE level = ? ORDER BY idx DESC LIMIT 1", [level])
        have = 0 if not rows else int(rows[0]["idx"]) * TILE_WIDTH + len(bytes(rows[0]["hashes"])) // HASH_SIZE
        if level == 0:
            full = count // TILE_WIDTH
            for number in range(have // TILE_WIDTH, full):
                hashes = _leaf_tile(tx, number)
                if len(hashes) != TILE_WIDTH:
                    raise ValueError(f"the leaf table is missing hashes in tile {number}")
                tx.execute(f"INSERT INTO {TILES} (level, idx, hashes) VALUES (?, ?, ?)", [0, number, b"".join(hashes)])
                written += 1
        elif have < count:
            entries = split(bytes(rows[0]["hashes"])) if rows and have % TILE_WIDTH else []
            below_tiles = _tile_rows(tx, [(level - 1, j) for j in range(have, count)])
            for j in range(have, count):
                tile = below_tiles.get((level - 1, j))
                if tile is None or len(tile) != TILE_WIDTH:
                    raise ValueError(f"tile {level - 1}/{j} is missing or partial")
                entries.append(perfect_root(tile))
                if len(entries) == TILE_WIDTH or j == count - 1:
                    number = j // TILE_WIDTH
                    tx.execute(f"DELETE FROM {TILES} WHERE level = ? AND idx = ?", [level, number])
                    tx.execute(
                        f"INSERT INTO {TILES} (level, idx, hashes) VALUES (?, ?, ?)", [level, number, b"".join(entries)]
                    )
                    written += 1
                    entries = []
        level, below = level + 1, below // TILE_WIDTH
    return written


class Tiles:
    """The perfect subtrees of a stored tree, read a 256-hash tile at a time (C2SP tlog-tiles) and kept for one use
    (a proof, a pack): ``node(h, i)`` is what ``infrastructure.merkle`` builds proofs from."""

    def __init__(self, tx: ViewTx) -> None:
        self.tx = tx
        self.tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, number: int) -> list[bytes]:
        """The hashes of tile ``number`` of a level (height 8·level), as far as stored."""
        found = self.tiles.get((level, number))
        if found is None:
            self.prefetch_tiles([(level, number)])
            found = self.tiles[level, number]
        return found

    def prefetch_tiles(self, keys: Iterable[tuple[int, int]]) -> None:
        """Read these tiles (level, number) in one statement, with the leaf hashes of the rightmost level-0 tile
        asked for (the tree's right edge, seldom a stored tile yet); another level-0 tile not stored whole is read
        from the leaf table after."""
        wanted = set(keys) - set(self.tiles)
        if not wanted:
            return
        edge = max((number for level, number in wanted if level == 0), default=None)
        ordered = sorted(wanted)
        where = " OR ".join("(level = ? AND idx = ?)" for _ in ordered)
        statement = f"SELECT level, idx, hashes FROM {TILES} WHERE {where}"
        params: list[int] = [v for key in ordered for v in key]
        if edge is not None:
            statement += f" UNION ALL SELECT -1 AS level, leaf_index AS idx, hash AS hashes FROM {LEAVES} "
            statement += "WHERE leaf_index >= ? AND leaf_index < ?"
            params += [edge * TILE_WIDTH, (edge + 1) * TILE_WIDTH]
        edge_hashes: list[tuple[int, bytes]] = []
        for row in self.tx.query(statement, params):
            if int(row["level"]) < 0:
                edge_hashes.append((int(row["idx"]), bytes(row["hashes"])))
            else:
                self.tiles[int(row["level"]), int(row["idx"])] = split(bytes(row["hashes"]))
        if edge is not None and (0, edge) not in self.tiles:
            self.tiles[0, edge] = [hashed for _, hashed in sorted(edge_hashes)]
        for level, number in sorted(wanted - set(self.tiles)):
            self.tiles[level, number] = _leaf_tile(self.tx, number) if level == 0 else []

    def base(self, height: int, index: int) -> bytes:
        """A hash at a tile height (a multiple of 8), computed from the level below when it is not stored yet."""
        tile = self.tile(height // TILE_HEIGHT, index >> TILE_HEIGHT)
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
        tile = self.tile(base // TILE_HEIGHT, first >> TILE_HEIGHT)
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
        """Read every tile these perfect subtrees lie in, in one statement (a proof then costs a round trip or two)."""
        keys = set()
        for height, index in nodes:
            base = height - height % TILE_HEIGHT
            keys.add((base // TILE_HEIGHT, (index << (height - base)) >> TILE_HEIGHT))
        self.prefetch_tiles(keys)

    def prove(self, make: Callable[[NodeGetter], list[bytes]]) -> list[bytes]:
        """A proof made by ``make`` from this tree's nodes, its tiles read first in one statement (a dry run
        finds which it needs)."""
        needed: list[tuple[int, int]] = []

        def record(height: int, index: int) -> bytes:
            needed.append((height, index))
            return bytes(HASH_SIZE)

        make(record)
        self.prefetch(needed)
        return make(self.node)
