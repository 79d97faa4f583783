"""Rebuild throughput of every view vs eventsourcing's stock ProjectionRunner, and read latency, on PostgreSQL.

    .venv/bin/python bench/bench_projections.py [--cases 2000] [--events-per-case 50] [--rounds 3]
                                                [--stock-seconds 5] [--schema NAME] [--no-per-view]

The log (100,000 events over 2,000 cases by default) is built once in its own schema and kept between runs.
Per round, alternating which goes first: a rebuild of all views from the whole log (spread over
``ARREARS_REBUILD_PROCESSES`` processes, by default one per core), the same in one process, and the stock runner's one
counting view from scratch for ``--stock-seconds``; their ratios per round and the medians of the rounds. Then each
view rebuilt alone (events/s, slowest first), the timeline's read latency, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from application.bootstrap import bootstrap
from bench.rounds import alternate, load_average, ratios, summary
from infrastructure.clock import ManualClock
from infrastructure.environment import eventsourcing_env
from infrastructure.event_store import EventStore
from infrastructure.gc_tuning import tune_gc
from infrastructure.progress import progress_bar
from infrastructure.settings import Settings
from tests.projections.history import generate

URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


class CountingView(PostgresTrackingRecorder):
    """One simple view for the stock runner: events per aggregate."""

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"CREATE TABLE IF NOT EXISTS {self.datastore.schema}.stock_counts "
                "(originator_id TEXT PRIMARY KEY, events BIGINT NOT NULL)"
            )

    def count(self, originator_id: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"INSERT INTO {self.datastore.schema}.stock_counts VALUES (%s, 1) ON CONFLICT (originator_id) "
                "DO UPDATE SET events = stock_counts.events + 1",
                (str(originator_id),),
            )
            self._insert_tracking(curs, tracking)


class CountingProjection(Projection[CountingView]):
    name = "stockcount"

    def process_event(self, domain_event: DomainEventProtocol[Any], tracking: Tracking) -> None:  # type: ignore[override]
        self.view.count(domain_event.originator_id, tracking)


def build(settings: Settings, cases: int, per_case: int) -> None:
    container = bootstrap(settings, ManualClock(datetime(2028, 1, 1, tzinfo=UTC)))
    have = container.store.recorder.max_notification_id() or 0
    if have >= cases * per_case * 0.95:
        print(f"log: {have} events already built in schema {settings.database_schema}")
        container.close()
        return
    started = time.perf_counter()
    bar = progress_bar("building log", total=cases * per_case)
    for saved in generate(container.app, cases, per_case, per_save=400):
        bar.update(saved)
    bar.close()
    print(
        f"log: built {container.store.recorder.max_notification_id()} events in {time.perf_counter() - started:.0f} s"
    )
    container.close()


def rebuild_rate(settings: Settings, names: list[str] | None = None) -> float:
    """Events per second of a rebuild of the named views (all by default) from the whole log."""
    container = bootstrap(settings)
    try:
        started = time.perf_counter()
        events = container.projections.rebuild(names, show_progress=False)
        return events / (time.perf_counter() - started)
    finally:
        container.close()


def stock_rate(settings: Settings, limit_seconds: float) -> float:
    """Events per second of the stock runner's counting view, from scratch, over ``limit_seconds``."""
    done, elapsed = stock_runner(settings, limit_seconds)
    return done / elapsed


def stock_runner(settings: Settings, limit_seconds: float) -> tuple[int, float]:
    env = eventsourcing_env(settings)
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {settings.database_schema}.stock_counts")
        conn.execute(f"DROP TABLE IF EXISTS {settings.database_schema}.stockcount_tracking")
    runner = ProjectionRunner(
        application_class=EventStore, projection_class=CountingProjection, view_class=CountingView, env=env
    )
    started = time.perf_counter()
    with runner:
        time.sleep(limit_seconds)
        done = runner.view.max_tracking_id(runner.app.name) or 0
        elapsed = time.perf_counter() - started
    return done, elapsed


def latency(settings: Settings, samples: int = 400) -> tuple[list[float], list[float]]:
    container = bootstrap(settings)
    with container.projections.store.reading() as tx:
        ids = [r["case_id"] for r in tx.query("SELECT case_id FROM case_progress ORDER BY case_id LIMIT 5000")]
    step = max(1, len(ids) // samples)
    timeline, listing = [], []
    for case_id in ids[::step][:samples]:
        t = time.perf_counter()
        container.read_model.timeline(case_id, limit=50)
        timeline.append((time.perf_counter() - t) * 1000)
    for tier in ("low", "medium", "high") * (samples // 3):
        t = time.perf_counter()
        container.read_model.list_cases(tier=tier, status="open", limit=50)
        listing.append((time.perf_counter() - t) * 1000)
    container.close()
    return timeline, listing


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--events-per-case", type=int, default=50)
    parser.add_argument("--schema", help="default: bench_projections_CASESxEVENTS")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stock-seconds", type=float, default=5.0)
    parser.add_argument("--no-per-view", action="store_true", help="skip rebuilding each view alone")
    args = parser.parse_args()
    tune_gc()  # as `arrears projections rebuild` runs (the console script)
    schema = args.schema or f"bench_projections_{args.cases}x{args.events_per_case}"
    print(load_average())
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    settings = Settings(database_url=URL, database_schema=schema, aggregate_cache_size=0)
    build(settings, args.cases, args.events_per_case)

    processes = settings.rebuild_processes_in_effect
    one_process = settings.model_copy(update={"rebuild_processes": 1})

    def show(number: int, figures: dict[str, float]) -> None:
        print(
            f"round {number}: rebuild of all views {figures['ours']:,.0f} events/s ({processes} processes), "
            f"in one process {figures['one']:,.0f} events/s, stock runner (one counting view) "
            f"{figures['stock']:,.0f} events/s, ratio {figures['ours'] / figures['stock']:.1f}"
        )

    measures = {
        "ours": lambda: rebuild_rate(settings),
        "one": lambda: rebuild_rate(one_process),
        "stock": lambda: stock_rate(settings, args.stock_seconds),
    }
    figures = alternate(measures, args.rounds, show)
    print(
        summary(f"rebuild, all views, {processes} processes, events/s", figures["ours"], "/s", 0)
        + "   target >= 20,000"
    )
    print(summary("rebuild, all views, one process, events/s", figures["one"], "/s", 0))
    print(summary("stock runner, one counting view, events/s", figures["stock"], "/s", 0))
    print(summary("rebuild / stock", ratios(figures["ours"], figures["stock"]), "x", 1) + "   target >= 10")
    print(summary("one process / stock", ratios(figures["one"], figures["stock"]), "x", 1))
    if not args.no_per_view:
        container = bootstrap(settings)
        names = list(container.projections.views)
        container.close()
        per_view = {name: rebuild_rate(one_process, [name]) for name in names}
        for name, value in sorted(per_view.items(), key=lambda item: item[1]):
            print(f"  view {name:12s} rebuilt alone: {value:9,.0f} events/s")
    timeline, listing = latency(settings)
    print(f"timeline (50 items): p50 {pct(timeline, 50):.2f} ms, p99 {pct(timeline, 99):.2f} ms over {len(timeline)}")
    print(f"case list (tier+status, 50 items): p50 {pct(listing, 50):.2f} ms, p99 {pct(listing, 99):.2f} ms")
    print(load_average())


if __name__ == "__main__":
    main()
