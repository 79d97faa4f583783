"""The transparency log's costs, on SQLite and PostgreSQL.

1. Append cost: commands per second (load a case, log a call, save) with the tree's leaf written in the recording
   transaction, against the same commands without it, in alternating rounds of the same run; their ratio.
2. Proof time: inclusion and consistency proofs (p50, p99) in trees of 10^6 and 10^7 leaves, built from synthetic
   leaves directly in the tree's tables (target: p99 < 5 ms).
3. Checkpoint and witness round: publishing a checkpoint after a batch of commands (build the new nodes, sign, have
   the local witness check the consistency proof and cosign), and the witness's part alone.

Run: ``python bench/bench_tlog.py [--rounds 5] [--seconds 2] [--stores sqlite,postgres] [--sizes 1000000,10000000]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from application.bootstrap import Container, bootstrap
from bench.bench_store import command_runner, office_hours_clock
from bench.rounds import alternate, load_average, rate_for, ratios, summary
from infrastructure import environment
from infrastructure.event_store import EventStore
from infrastructure.merkle import consistency_proof, inclusion_proof
from infrastructure.postgres_recorder import NO_LEAVES, LockedInsertPostgresRecorder
from infrastructure.settings import Settings
from infrastructure.signed_note import Checkpoint, Note
from infrastructure.tlog_store import LEAVES, Tiles, build_nodes, tree_ddl
from infrastructure.view_store import ViewStore, view_store

PG_URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


class NoLeavesRecorder(LockedInsertPostgresRecorder):
    """The PostgreSQL recorder without the tree's leaves: the comparison's baseline only."""

    leaves_sql = NO_LEAVES


@contextmanager
def database(store: str, tmp: Path, name: str, leaves: bool = True) -> Iterator[Settings]:
    """Settings for a fresh SQLite file or PostgreSQL schema (dropped afterwards)."""
    keys = {"log_key_file": tmp / f"{name}-log-key", "witness_dir": tmp / f"{name}-witness", "checkpoint_seconds": 0}
    if store == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp / name}.db", **keys)  # type: ignore[arg-type]
        return
    schema = f"bench_tlog_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Settings(database_url=PG_URL, database_schema=schema, **keys)  # type: ignore[arg-type]
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def build(settings: Settings, leaves: bool) -> Container:
    """A process whose recorder writes the tree's leaves, or (the baseline) does not."""
    if leaves or not settings.database_url.startswith("postgres"):
        container = bootstrap(settings, office_hours_clock())
        container.store.recorder.writes_leaves = leaves  # type: ignore[attr-defined]
        return container
    plain = environment.eventsourcing_env

    def without(s: Settings) -> dict[str, str]:
        return {**plain(s), "APPLICATION_RECORDER_TOPIC": f"{__name__}:NoLeavesRecorder"}

    environment.eventsourcing_env = without  # type: ignore[assignment]
    import application.bootstrap as composition

    composition.eventsourcing_env = without  # type: ignore[attr-defined]
    try:
        return bootstrap(settings, office_hours_clock())
    finally:
        environment.eventsourcing_env = plain  # type: ignore[assignment]
        composition.eventsourcing_env = plain  # type: ignore[attr-defined]


def append_cost(store: str, rounds: int, seconds: float, tmp: Path) -> None:
    with database(store, tmp, f"with-{store}") as with_tree, database(store, tmp, f"without-{store}") as without_tree:
        containers = {"with the tree": build(with_tree, True), "without": build(without_tree, False)}
        try:
            timers = {name: command_runner(c) for name, c in containers.items()}

            def show(number: int, figures: dict[str, float]) -> None:
                print(f"  round {number}: " + ", ".join(f"{n} {v:,.0f}/s" for n, v in figures.items()), flush=True)

            figures = alternate({n: (lambda t=t: rate_for(t, seconds)) for n, t in timers.items()}, rounds, show)
            leaves = containers["with the tree"].tlog.size()
            assert leaves > 0 and containers["without"].tlog.size() == 0, "the baseline wrote leaves"
        finally:
            for container in containers.values():
                container.close()
    print("  " + summary("commands/s with the tree's leaf in the transaction", figures["with the tree"], "/s", 0))
    print("  " + summary("commands/s without it", figures["without"], "/s", 0))
    print("  " + summary("with / without", ratios(figures["with the tree"], figures["without"])))


def fill(views: ViewStore, size: int) -> None:
    """``size`` synthetic leaves (position i + 1, hash SHA-256(i)) written straight into the leaf table."""
    chunk = 200_000
    for start in range(0, size, chunk):
        rows = [
            (i, i + 1, hashlib.sha256(i.to_bytes(8, "big")).digest()) for i in range(start, min(size, start + chunk))
        ]
        if views.dialect == "postgres":
            with views.transaction() as tx:
                cursor: Any = tx.cursor  # type: ignore[attr-defined]
                with cursor.copy(f"COPY {LEAVES} (leaf_index, position, hash) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            with views.transaction() as tx:
                tx.executemany(f"INSERT INTO {LEAVES} (leaf_index, position, hash) VALUES (?, ?, ?)", rows)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms over {len(ordered)}"


def proof_time(store: str, size: int, tmp: Path, samples: int = 1000) -> None:
    with database(store, tmp, f"proofs{size}-{store}") as settings:
        events = EventStore(env=environment.eventsourcing_env(settings))
        views = view_store(events)
        try:
            with views.transaction() as tx:
                for statement in tree_ddl(views.dialect):
                    tx.execute(statement)
            started = time.perf_counter()
            fill(views, size)
            filled = time.perf_counter() - started
            with views.transaction() as tx:
                build_nodes(tx, size)
            built = time.perf_counter() - started - filled
            print(f"  {size:,} leaves: written in {filled:.1f} s, their nodes built in {built:.1f} s", flush=True)
            trips = []
            for _ in range(samples):  # the machine's floor: a read transaction with one trivial statement
                begun = time.perf_counter()
                with views.reading() as tx:
                    tx.query("SELECT 1 AS one")
                trips.append(time.perf_counter() - begun)
            print(f"  a read transaction with SELECT 1, for scale: {percentiles(trips)}", flush=True)
            rng = random.Random(7)
            for kind, make in (
                ("inclusion", lambda: (lambda i: lambda node: inclusion_proof(node, i, size))(rng.randrange(size))),
                (
                    "consistency",
                    lambda: (lambda m: lambda node: consistency_proof(node, m, size))(rng.randrange(1, size)),
                ),
            ):
                times = []
                for _ in range(samples):
                    begun = time.perf_counter()
                    with views.reading() as tx:  # one request: its own read transaction and tiles
                        Tiles(tx).prove(make())
                    times.append(time.perf_counter() - begun)
                print(f"  {kind} proof at {size:,} leaves: {percentiles(times)}   target p99 < 5 ms", flush=True)
        finally:
            events.close()


def checkpoint_round(store: str, tmp: Path, batches: int = 20, per_batch: int = 200) -> None:
    with database(store, tmp, f"checkpoints-{store}") as settings:
        container = bootstrap(settings, office_hours_clock())
        try:
            run = command_runner(container)
            witness = container.tlog.witness
            assert witness is not None
            publish, witnessing = [], []
            for _ in range(batches):
                run(per_batch)
                begun = time.perf_counter()
                note = container.tlog.publish()
                publish.append(time.perf_counter() - begun)
                size = Checkpoint.parse(Note.parse(note).text).size
                begun = time.perf_counter()  # the witness's part alone, again: fetch its state, check, cosign
                held = witness.size()
                try:
                    witness.add_checkpoint(held, [], note)  # same size: its root compared, cosigned again
                except Exception as error:
                    print(f"  witness refused: {error}")
                witnessing.append(time.perf_counter() - begun)
            print(
                f"  checkpoint (build nodes, sign, witness) after {per_batch} commands, up to {size:,} leaves: "
                f"{percentiles(publish)}"
            )
            print(
                f"  witness round alone (read its state, verify signatures, cosign, write): {percentiles(witnessing)}"
            )
        finally:
            container.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--skip", default="", help="append,proofs,checkpoints: parts to leave out")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(",")) - {""}
    print(load_average())
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        for store in args.stores.split(","):
            print(f"{store}:", flush=True)
            if "append" not in skip:
                append_cost(store, args.rounds, args.seconds, tmp)
            if "checkpoints" not in skip:
                checkpoint_round(store, tmp)
            if "proofs" not in skip:
                for size in (int(float(s)) for s in args.sizes.split(",")):
                    proof_time(store, size, tmp)
    print(load_average())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
