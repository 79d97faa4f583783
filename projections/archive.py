"""Export and restore the event log: JSON Lines an auditor can take away and check, and load into an empty database.

The file holds a header line, every stored event as stored (its log position, aggregate id, version, topic and
its bytes in base64, encrypted if the store encrypts), each aggregate's audit chain head (the sha256 chain of
``projections.audit_chain`` over exactly these bytes, checked against the source's audit trail on export), and a
closing line with the counts (a cut-off file is refused). With the transparency log, the export stops at a
checkpoint published for it and ends with every checkpoint up to it (signed by the log, cosigned by the witness).
Restoring checks the whole file before it commits anything (``archive_proof``): the chains against the heads, the
tree of the events against each checkpoint and the checkpoints' signatures; then it writes the events back at their
positions into an empty store (SQLite or PostgreSQL, whichever the export came from) with their leaves and the
checkpoints, so the restored log continues the same tree, and rebuilds every view. Snapshots, views and
Idempotency-Keys are not exported: they are rebuilt, or short-lived.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

import orjson

from infrastructure.progress import progress_bar, progress_enabled
from infrastructure.signed_note import Checkpoint, Note
from infrastructure.view_store import ViewStore, events_table
from projections.archive_proof import CHECKPOINT_INSERT, LEAF_INSERT, ArchiveError, RestoreProof, Trust
from projections.audit_chain import GENESIS, chain_hash
from projections.transparency import TransparencyLog

FORMAT = "arrears-export/1"
PAGE = 2000
#: without a progress bar, a log line every this many events
LOG_EVERY = 10_000


@dataclass
class ArchiveReport:
    """What an export or a restore did."""

    events: int = 0
    heads: int = 0
    #: aggregates whose chain head in the file differs from the source's audit trail (export)
    mismatched: list[str] = field(default_factory=list)
    #: each aggregate's last version and chain hash, as written (export) or read (restore)
    chain_heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: checkpoints written (export) or checked and kept (restore)
    checkpoints: int = 0


def _position_column(views: ViewStore) -> str:
    return "notification_id" if views.dialect == "postgres" else "rowid"  # SQLite's log position is the rowid


def _stored_events(store: Any, views: ViewStore, stop: int) -> Iterator[tuple[int, str, int, str, bytes]]:
    table, position = events_table(store), _position_column(views)
    start = 0
    while True:
        with views.reading() as tx:
            rows = tx.query(
                f"SELECT {position} AS position, originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {position} > ? AND {position} <= ? ORDER BY {position} LIMIT ?",
                [start, stop, PAGE],
            )
        for row in rows:
            originator = row["originator_id"]
            key = str(originator if isinstance(originator, UUID) else UUID(str(originator)))
            state = row["state"]
            if not isinstance(state, bytes | bytearray | memoryview) or not isinstance(row["topic"], str):
                raise ArchiveError(f"{key} v{row['originator_version']}: stored bytes unreadable; run audit verify")
            yield int(row["position"]), key, int(row["originator_version"]), row["topic"], bytes(state)
        if len(rows) < PAGE:
            return
        start = int(rows[-1]["position"])


def _head(views: ViewStore, table: str) -> int:
    with views.reading() as tx:
        rows = tx.query(f"SELECT MAX({_position_column(views)}) AS head FROM {table}")
    return int(rows[0]["head"] or 0)


class _Meter:
    """A progress bar on a terminal, a log line every LOG_EVERY events otherwise."""

    def __init__(self, description: str, total: int, log: Callable[[str], None]) -> None:
        self.description, self.total, self.log, self.done = description, total, log, 0
        self.bar = progress_bar(description, total) if progress_enabled() else None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.done % LOG_EVERY < n or self.done == self.total:
            self.log(f"{self.description}: {self.done} of {self.total} events")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _trail_hashes(views: ViewStore, heads: dict[str, tuple[int, str]]) -> dict[str, str]:
    """The audit trail's hash at each head's version."""
    found: dict[str, str] = {}
    keys = sorted(heads)
    for start in range(0, len(keys), 500):
        with views.reading() as tx:
            rows = tx.select_in("audit_trail", "originator_id", keys[start : start + 500])
        for row in rows:
            version, _ = heads[row["originator_id"]]
            if int(row["version"]) == version:
                found[row["originator_id"]] = row["hash"]
    return found


def export_log(
    store: Any,
    views: ViewStore,
    out: IO[bytes],
    log: Callable[[str], None] = _log,
    tlog: TransparencyLog | None = None,
) -> ArchiveReport:
    """Write the log up to its current head, with each chain's head checked against the source's audit trail
    (the audit view must be caught up to the head: ``ProjectionRuntime.catch_up``); with the transparency log, up to
    a checkpoint published now, and every checkpoint (with its cosignatures) at the end."""
    table = events_table(store)
    stop = _head(views, table)
    notes: list[str] = []
    if tlog is not None and tlog.signer is not None:
        newest = tlog.publish()
        size = Checkpoint.parse(Note.parse(newest).text).size
        stop = _leaf_position(views, size)
        notes = [note for note in tlog.checkpoints() if Checkpoint.parse(Note.parse(note).text).size <= size]
    with views.reading() as tx:
        total = int(tx.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {_position_column(views)} <= ?", [stop])[0]["n"])
    header = {"format": FORMAT, "events": total, "dialect": views.dialect, "exported_at": datetime.now(UTC).isoformat()}
    out.write(orjson.dumps(header) + b"\n")
    report = ArchiveReport()
    heads: dict[str, tuple[int, str]] = {}
    meter = _Meter("export", total, log)
    try:
        for position, key, version, topic, state in _stored_events(store, views, stop):
            _, previous = heads.get(key, (0, GENESIS))
            heads[key] = (version, chain_hash(previous, key, version, topic, state))
            line = {"position": position, "originator_id": key, "version": version, "topic": topic}
            out.write(orjson.dumps({**line, "state": base64.b64encode(state).decode()}) + b"\n")
            report.events += 1
            meter.advance()
    finally:
        meter.close()
    trail = _trail_hashes(views, heads)
    for key in sorted(heads):
        version, hashed = heads[key]
        out.write(orjson.dumps({"head": key, "version": version, "hash": hashed}) + b"\n")
        if trail.get(key) != hashed:
            report.mismatched.append(key)
    report.heads, report.chain_heads = len(heads), heads
    for note in notes:
        out.write(orjson.dumps({"checkpoint": note}) + b"\n")
    report.checkpoints = len(notes)
    closing: dict[str, Any] = {"end": FORMAT, "events": report.events, "heads": report.heads}
    if tlog is not None and tlog.verifier is not None:
        closing.update(checkpoints=len(notes), log_key=tlog.verifier.vkey)
        if tlog.witness is not None:
            closing["witness_key"] = tlog.witness.verifier.vkey
    out.write(orjson.dumps(closing) + b"\n")
    return report


def _leaf_position(views: ViewStore, size: int) -> int:
    """The log position of the last leaf of a tree of ``size`` leaves (0 for the empty tree)."""
    if size == 0:
        return 0
    with views.reading() as tx:
        rows = tx.query("SELECT position FROM tlog_leaves WHERE leaf_index = ?", [size - 1])
    return int(rows[0]["position"])


def _read(lines: IO[bytes]) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    first = lines.readline()
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError:
        raise ArchiveError("not an arrears export (its first line is not JSON)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError(f"not an arrears export of format {FORMAT}")

    def records() -> Iterator[dict[str, Any]]:
        for number, raw in enumerate(lines, start=2):
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise ArchiveError(f"line {number} is not JSON") from None
            yield record

    return header, records()


def restore_log(
    store: Any,
    views: ViewStore,
    source: IO[bytes],
    log: Callable[[str], None] = _log,
    trust: Trust | None = None,
) -> ArchiveReport:
    """Load an export into an empty store, at the events' own positions, in one transaction, checked before it
    commits: every chain against its head in the file, and (with ``trust``) the tree of the events against every
    checkpoint in the file, each signed by the log's key and cosigned by the witness's. A file that fails any check
    leaves the database empty (ForgedArchive). The restored log keeps the file's checkpoints and continues the same
    tree (its leaves are written with the events); the caller then rebuilds the views."""
    table = events_table(store)
    with views.reading() as tx:
        if tx.query(f"SELECT 1 AS found FROM {table} LIMIT 1"):
            raise ArchiveError("the database already holds events: restore only into an empty one")
    header, records = _read(source)
    postgres = views.dialect == "postgres"
    position = _position_column(views)
    insert = f"INSERT INTO {table} ({position}, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)"
    report = ArchiveReport()
    batch: list[tuple[Any, ...]] = []
    ended = False
    proof = RestoreProof(trust)
    meter = _Meter("restore", int(header.get("events", 0)), log)
    with views.transaction() as tx:
        try:
            for record in records:
                if ended:
                    raise ArchiveError("lines after the export's end")
                if "end" in record:
                    ended = True
                    if record.get("events") != report.events or record.get("heads") != len(report.chain_heads):
                        raise ArchiveError("the export's counts do not match its lines")
                elif "head" in record:
                    report.chain_heads[str(record["head"])] = (int(record["version"]), str(record["hash"]))
                elif "checkpoint" in record:
                    proof.checkpoints.append(str(record["checkpoint"]))
                else:
                    key = UUID(str(record["originator_id"]))
                    state = base64.b64decode(record["state"], validate=True)
                    proof.add(int(record["position"]), key, int(record["version"]), str(record["topic"]), state)
                    batch.append(
                        (
                            int(record["position"]),
                            key if postgres else key.hex,
                            int(record["version"]),
                            str(record["topic"]),
                            state,
                        )
                    )
                    report.events += 1
                if len(batch) >= PAGE or (ended and batch):
                    tx.executemany(insert, batch)
                    tx.executemany(LEAF_INSERT, proof.leaves)
                    meter.advance(len(batch))
                    batch.clear()
                    proof.leaves.clear()
            if not ended:
                raise ArchiveError("the export is cut off (no end line): nothing was restored")
            proof.check(tx, report.chain_heads)  # before anything commits: a forged file restores nothing
            tx.executemany(CHECKPOINT_INSERT, proof.kept())
            report.checkpoints = len(proof.checkpoints)
            if postgres and report.events:
                tx.execute(
                    "SELECT setval(pg_get_serial_sequence(?, 'notification_id'), "
                    f"(SELECT MAX(notification_id) FROM {table}))",
                    [table],
                )
        finally:
            meter.close()
    report.heads = len(report.chain_heads)
    return report


def check_heads(views: ViewStore, heads: dict[str, tuple[int, str]]) -> list[str]:
    """The aggregates whose rebuilt audit trail does not end in the head the export recorded."""
    trail = _trail_hashes(views, heads)
    return sorted(key for key, (_, hashed) in heads.items() if trail.get(key) != hashed)
