"""Cold loads of long cases vs a 10-event case, on SQLite and PostgreSQL, in alternating rounds.

A cold load (a process without the case in its aggregate cache) reads the latest snapshot and replays
the events after it. The worst case is a long case whose latest snapshot is as far behind as the
snapshot policy allows: this bench builds it so (10,000 events in large saves, then single-event saves
up to the last version before the next snapshot would be taken) and prints how many events its cold
load replays, read from the store, so the figure cannot flatter the policy.

Per round: the median of ``--samples`` cold loads of each case, the two cases taking turns load by load; the
ratio long / 10-event per round; the median of the rounds' ratios; the load average.

    python bench/bench_cold_load.py [--rounds 5] [--samples 30] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from application.bootstrap import Container, bootstrap
from bench.rounds import load_average, ratios, summary, timed
from domain.act import Act
from domain.case.aggregate import CollectionCase
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case

PG_URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
LONG = 10_000


def note(container: Container, case: CollectionCase, n: int) -> None:
    case.add_note(f"note {n}", act=Act.of(COLLECTOR, None, container.clock.now()))


def worst_case(container: Container, n: int) -> uuid.UUID:
    """A case of LONG events written 500 per save, then single-event saves up to the last version before
    the snapshot policy would take the next snapshot (the most events a cold load can replay)."""
    case_id = open_case(container.app, n)
    case = container.app.get_case(case_id)
    while case.version < LONG:
        note(container, case, case.version)
        if len(case.pending_events) == 500 or case.version == LONG:
            container.store.save(case)
    interval = container.store.snapshotting_intervals[CollectionCase]
    while (case.version + 1) % interval != 0:
        note(container, case, case.version)
        container.store.save(case)
    return case_id


def short_case(container: Container, n: int, events: int = 10) -> uuid.UUID:
    case_id = open_case(container.app, n)
    case = container.app.get_case(case_id)
    while case.version < events:
        note(container, case, case.version)
    container.store.save(case)
    return case_id


def replayed(container: Container, case_id: uuid.UUID) -> tuple[int, int]:
    """(the case's version, the events after its latest snapshot): what a cold load replays."""
    assert container.store.snapshots is not None
    snapshots = container.store.snapshots.recorder.select_events(case_id, desc=True, limit=1)
    since = snapshots[0].originator_version if snapshots else 0
    version = container.app.get_case(case_id).version
    return version, version - since


def bench(settings: Settings, rounds: int, samples: int) -> None:
    writer = bootstrap(settings)
    try:
        short, long = short_case(writer, 9001), worst_case(writer, 9002)
        for label, case_id in (("short", short), ("long", long)):
            version, tail = replayed(writer, case_id)
            print(f"  {label} case: {version} events, {tail} after its latest snapshot")
    finally:
        writer.close()
    cold = bootstrap(settings.model_copy(update={"aggregate_cache_size": 0}))
    try:

        def one_round() -> dict[str, float]:
            """``samples`` cold loads of each case, taking turns (so a burst of noise hits both)."""
            times: dict[str, list[float]] = {"short": [], "long": []}
            for n in range(samples):
                for label in ("short", "long") if n % 2 == 0 else ("long", "short"):
                    times[label].append(timed(lambda label=label: cold.app.get_case(ids[label])) * 1000)
            return {label: statistics.median(values) for label, values in times.items()}

        ids = {"short": short, "long": long}
        figures: dict[str, list[float]] = {"short": [], "long": []}
        for number in range(1, rounds + 1):
            medians = one_round()
            for label, value in medians.items():
                figures[label].append(value)
            print(
                f"  round {number}: 10-event {medians['short']:.3f} ms, long {medians['long']:.3f} ms, "
                f"ratio {medians['long'] / medians['short']:.2f}"
            )
    finally:
        cold.close()
    print("  " + summary("cold load, 10-event case", figures["short"], "ms", 3))
    print("  " + summary("cold load, worst-case long case", figures["long"], "ms", 3))
    print("  " + summary("long / 10-event", ratios(figures["long"], figures["short"])) + "   target <= 3")
    print("  " + load_average())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=30, help="cold loads per case per round (their median)")
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    print(load_average())
    for store in args.stores.split(","):
        if store == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                print(f"SQLite ({folder}/bench.db)")
                bench(Settings(database_url=f"sqlite:///{folder}/bench.db"), args.rounds, args.samples)
        elif store == "postgres":
            schema = f"bench_cold_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            try:
                print(f"PostgreSQL ({PG_URL}, schema {schema})")
                bench(Settings(database_url=PG_URL, database_schema=schema), args.rounds, args.samples)
            finally:
                with psycopg.connect(PG_URL, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
