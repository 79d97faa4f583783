"""A bank's book on one PostgreSQL: a log of ``--cases`` x ``--events-per-case`` events (10^5 x 100 = 10^7 by
default) written through the real write path, then what a bank would ask of it at that size.

    .venv/bin/python bench/bench_scale.py [--cases 100000] [--events-per-case 100] [--schema bench_scale]
                                          [--only generate,reads,tick,rebuild,catchup,disk] [--samples 400]
                                          [--catch-up-cases 1000] [--book-cases-per-year 100000]
                                          [--processes N]

The log is built in its own schema (``--schema``; database ``ARREARS_BENCH_DATABASE_URL``, default the test
server) by ``bench/scale_log.py``, with a progress bar (quiet when ``CI=true``); stopped, it goes on where it
stopped when run again. Then, each with the load average:

- reads, p50/p99 over ``--samples`` cases: timeline page (50 items), case view, a collector's worklist page, the
  ledger as of a past day (the case replayed from the store, its position and category that day), the evidence
  pack (audit check of the case, events as stored, compliance, HTML);
- one scheduler tick at the bench's ``now``, over every open case (1 % due, each deadline set by its own case's
  commands); the tick fires them, so a second run of ``tick`` finds nothing due (it says so);
- a rebuild of every view from the whole log: events/s and wall time;
- the catch-up of every view after ``--catch-up-cases`` more cases' events (written, then caught up: the log
  grows by that much each run);
- disk: bytes per event of the events table and of each of its indexes, and the table's growth per year for a book
  of ``--book-cases-per-year`` new cases.

``HOOKS`` names the measurements other work adds (``q=`` search, payoff, the transparency log's proofs): each is a
function of the bench's context returning a list of milliseconds, printed as p50/p99 like the reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from application.bootstrap import Container, bootstrap
from bench.rounds import load_average
from bench.scale_log import CHUNK, chunk_written, clock_start, log_events, unwritten, write_log
from domain.rules import local_date
from infrastructure.clock import ManualClock
from infrastructure.gc_tuning import tune_gc
from infrastructure.progress import progress_bar
from infrastructure.settings import Settings
from projections.base import utc_text
from projections.evidence import build_pack

URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: connections per process (and as many again in overflow): a shared server has 100 in all
POOL_SIZE = 4
STEPS = ["generate", "reads", "tick", "rebuild", "catchup", "disk"]


@dataclass
class Bench:
    """What a measurement needs: the process, the sampled cases and collectors, the arguments."""

    container: Container
    cases: list[UUID]
    collectors: list[str]
    args: argparse.Namespace


#: measurements other issues add once their features land: name → function of the bench → milliseconds per sample
HOOKS: dict[str, Callable[[Bench], list[float]] | None] = {
    "q= search (case list filtered by text)": None,
    "payoff quote": None,
    "transparency log inclusion proof": None,
    "transparency log consistency proof": None,
}


def pct(values: list[float], q: int) -> float:
    """The q-th percentile."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(label: str, millis: list[float]) -> None:
    """``label: p50 .. ms, p99 .. ms over N (load ...)``."""
    print(
        f"{label:44s} p50 {pct(millis, 50):8.2f} ms   p99 {pct(millis, 99):8.2f} ms   over {len(millis)}   "
        f"({load_average()})",
        flush=True,
    )


def timed_each(items: list[Any], action: Callable[[Any], object]) -> list[float]:
    """Milliseconds of ``action`` on each item."""
    millis = []
    for item in items:
        started = time.perf_counter()
        action(item)
        millis.append((time.perf_counter() - started) * 1000)
    return millis


def settings_for(schema: str) -> Settings:
    """The bench's settings: its own schema, no aggregate cache (a read replays from the store, as a cold one
    does), a small connection pool."""
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return Settings(  # type: ignore[call-arg]
        database_url=URL, database_schema=schema, aggregate_cache_size=0, pool_size=POOL_SIZE
    )


def generate(container: Container, cases: int, mean_events: int, processes: int) -> None:
    """Write the log, or the part of it a stopped run did not."""
    chunks = unwritten(container.app, -(-cases // CHUNK))
    have = log_events(container.app)
    if not chunks:
        print(f"log: complete, {have:,} events over {cases:,} cases")
        return
    print(f"log: {have:,} events written; writing {len(chunks)} chunks of {CHUNK} cases in {processes} processes")
    bar = progress_bar("writing the log", total=cases * mean_events, unit="event")
    bar.update(have)
    started, written = time.perf_counter(), 0
    for count in write_log(container.app, chunks, mean_events, container.settings, processes):
        bar.update(count)
        written += count
    bar.close()
    seconds = time.perf_counter() - started
    print(f"log: wrote {written:,} events in {seconds:.0f} s = {written / seconds:,.0f} events/s ({load_average()})")


def sample(container: Container, samples: int) -> tuple[list[UUID], list[str]]:
    """Cases spread over the log, and the collectors of the first of them."""
    with container.projections.store.reading() as tx:
        rows = tx.query("SELECT case_id, collector FROM case_progress ORDER BY case_id")
    step = max(1, len(rows) // samples)
    picked = rows[::step][:samples]
    collectors = sorted({str(r["collector"]) for r in picked if r["collector"]})
    return [UUID(str(r["case_id"])) for r in picked], collectors


def reads(bench: Bench) -> None:
    """p50/p99 of the reads a collector and an auditor make."""
    read, app = bench.container.read_model, bench.container.app
    zone = bench.container.settings.zone
    cases = bench.cases
    report("timeline page (50 items)", timed_each(cases, lambda c: read.timeline(c, limit=50)))
    report("case view", timed_each(cases, read.case_progress))
    pages = (bench.collectors * (len(cases) // max(1, len(bench.collectors)) + 1))[: len(cases)]
    report("worklist page (50 items)", timed_each(pages, lambda who: read.worklist(who, limit=50)))

    def ledger(case_id: UUID) -> None:
        case = app.get_case(case_id)
        day = local_date(case.opened_at + timedelta(days=60), case.timezone)
        case.position_as_of(day)
        case.judge(day)

    report("ledger as of a past day (cold replay)", timed_each(cases, ledger))
    now = bench.container.clock.now()
    few = cases[: max(2, len(cases) // 10)]
    report("evidence pack (one case, zipped)", timed_each(few, lambda c: build_pack(read, [c], now, zone, {}).zipped()))
    for name, hook in HOOKS.items():
        if hook is None:
            print(f"{name:44s} (not measured yet: the feature has not landed)")
        else:
            report(name, hook(bench))


def tick(bench: Bench) -> None:
    """One scheduler tick at ``now`` over every open case."""
    container = bench.container
    container.projections.catch_up(["deadlines"])
    with container.projections.store.reading() as tx:
        open_cases = tx.query("SELECT count(*) AS n FROM case_progress WHERE status = 'open'")[0]["n"]
        due = tx.query(
            "SELECT count(*) AS n FROM deadlines WHERE status = 'open' AND due_at <= ?",
            [utc_text(container.clock.now())],
        )[0]["n"]
    result = container.scheduler.tick()
    fired = result.count("fired")
    print(
        f"scheduler tick over {open_cases:,} open cases, {due:,} due: {result.seconds:.2f} s, {fired:,} fired, "
        f"{result.count('refused'):,} refused ({load_average()})"
        + ("" if fired else "   (nothing was due: an earlier run's tick fired them)"),
        flush=True,
    )


def rebuild(bench: Bench) -> None:
    """Every view dropped and rebuilt from the whole log."""
    events = log_events(bench.container.app)
    started = time.perf_counter()
    bench.container.projections.rebuild(None, show_progress=sys.stderr.isatty())
    seconds = time.perf_counter() - started
    print(
        f"rebuild of every view from {events:,} events: {seconds:.1f} s, {events / seconds:,.0f} events/s "
        f"({bench.container.settings.rebuild_processes_in_effect} processes; {load_average()})",
        flush=True,
    )


def catch_up(bench: Bench) -> None:
    """More cases written, then every view caught up."""
    container, args = bench.container, bench.args
    container.projections.catch_up()
    first = -(-args.cases // CHUNK)  # after the log's chunks: the extra ones earlier runs have not written
    while chunk_written(container.app, first):
        first += 1
    extra = list(range(first, first + -(-args.catch_up_cases // CHUNK)))
    written = sum(write_log(container.app, extra, args.events_per_case))
    started = time.perf_counter()
    container.projections.catch_up()
    seconds = time.perf_counter() - started
    print(
        f"catch-up of every view after {written:,} new events: {seconds:.2f} s, {written / seconds:,.0f} events/s "
        f"({load_average()})",
        flush=True,
    )


def disk(bench: Bench) -> None:
    """Bytes per event of the events table and each index; the table's growth per year of the book."""
    schema = bench.container.settings.database_schema
    events = log_events(bench.container.app)
    name = bench.container.store.recorder.events_table_name  # type: ignore[attr-defined]
    with psycopg.connect(URL) as conn:
        table = conn.execute(
            "SELECT c.oid, pg_relation_size(c.oid), pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
            (schema, name),
        ).fetchone()
        assert table is not None, f"no table {name} in schema {schema}"
        oid, heap, total = table
        indexes = conn.execute(
            "SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s ORDER BY 2 DESC",
            (oid,),
        ).fetchall()
        views = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname <> %s",
            (schema, name),
        ).fetchone()
    print(
        f"events table: {heap / events:,.0f} bytes/event (heap), {total / events:,.0f} bytes/event with indexes "
        f"and TOAST, over {events:,} events"
    )
    for name, size in indexes:
        print(f"  index {name}: {size / events:,.0f} bytes/event")
    print(
        f"every other table of the schema (views, snapshots, tracking): {(views[0] if views else 0) / events:,.0f} "
        "bytes/event"
    )
    per_year = bench.args.book_cases_per_year * bench.args.events_per_case
    print(
        f"growth per year for {bench.args.book_cases_per_year:,} new cases of {bench.args.events_per_case} events: "
        f"{per_year:,} events, {per_year * total / events / 1e9:,.1f} GB of events table with its indexes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events-per-case", type=int, default=100, help="the mean (cases are short and long)")
    parser.add_argument("--schema", default="bench_scale", help="the schema of this log (kept between runs)")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps of {','.join(STEPS)}")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument(
        "--processes", type=int, default=1, help="processes writing the log (each builds its chunks' cases)"
    )
    parser.add_argument("--catch-up-cases", type=int, default=1_000)
    parser.add_argument("--book-cases-per-year", type=int, default=100_000)
    args = parser.parse_args()
    steps = [s for s in args.only.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}: choose from {STEPS}")
    tune_gc()
    print(load_average())
    container = bootstrap(settings_for(args.schema), ManualClock(clock_start(args.events_per_case)))
    try:
        if "generate" in steps:
            generate(container, args.cases, args.events_per_case, args.processes)
        if set(steps) & {"reads", "tick"}:
            started = time.perf_counter()
            container.projections.catch_up()
            print(f"views caught up in {time.perf_counter() - started:.1f} s")
        cases, collectors = sample(container, args.samples)
        bench = Bench(container, cases, collectors, args)
        for name, step in (
            ("reads", reads),
            ("tick", tick),
            ("rebuild", rebuild),
            ("catchup", catch_up),
            ("disk", disk),
        ):
            if name in steps:
                step(bench)
    finally:
        container.close()


if __name__ == "__main__":
    main()
