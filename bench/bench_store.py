"""Write-path and load benchmarks of the case ledger, on PostgreSQL and SQLite.

Prints, per store: commands per second (load a case, log a call, save) over 200 cases; the raw
single-row insert-transaction rate of the same database into a comparable table; their ratio; and
the time to load a case of 10 events vs one of 10,000 events (cold: snapshot + tail from the store;
warm: from the aggregate cache). Run: ``python bench/bench_store.py [--commands N] [--stores postgres,sqlite]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from application.bootstrap import Container, bootstrap
from application.commands import LogContact
from domain.act import Act
from domain.case.values import Channel, ContactOutcome
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case

PG_URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
CASES = 200


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def office_hours_clock() -> ManualClock:
    """A clock at 10:00 in Shanghai on a weekday, so the calls keep within the contact policy."""
    return ManualClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))


def command_runner(container: Container) -> Callable[[int], float]:
    """Opens CASES cases; returns a timer of ``n`` commands (load a case, log a call, save), round robin.

    Each case gets one call a day (the clock moves a day after every CASES calls), inside the contact
    policy's limits, so every command passes the policy's checks like a real collector's would.
    """
    app = container.app
    clock = container.clock
    assert isinstance(clock, ManualClock)
    case_ids = [open_case(app, n) for n in range(1, CASES + 1)]
    for case_id in case_ids:  # warm the cache as a running server's would be
        app.get_case(case_id)
    done = 0

    def run(commands: int) -> float:
        nonlocal done
        started = time.perf_counter()
        for n in range(done, done + commands):
            if n and n % CASES == 0:
                clock.advance(timedelta(days=1))
            app.handle(
                LogContact(
                    case_id=case_ids[n % CASES],
                    channel=Channel.PHONE,
                    party="Li Na",
                    outcome=ContactOutcome.CONNECTED,
                    actor=COLLECTOR,
                    summary=f"call {n}",
                    feedback="raising funds",
                )
            )
        done += commands
        return time.perf_counter() - started

    return run


def interleaved(timers: dict[str, Callable[[int], float]], total: int) -> dict[str, float]:
    """Rates of each timer, measured in alternating rounds so that disk and CPU noise hits all alike."""
    rounds = 10
    per_round = max(1, total // rounds)
    seconds = dict.fromkeys(timers, 0.0)
    for _ in range(rounds):
        for name, timer in timers.items():
            seconds[name] += timer(per_round)
    return {name: rate(per_round * rounds, spent) for name, spent in seconds.items()}


STATE = b'{"summary":"call","feedback":"raising funds"}' * 4


def postgres_raw_inserters(
    conn: psycopg.Connection[tuple[object, ...]], schema: str
) -> dict[str, Callable[[int], float]]:
    """Timers of ``n`` single-row INSERT transactions into a table shaped like the events table.

    Two forms: an explicit transaction (BEGIN; INSERT; COMMIT) and a lone INSERT in autocommit mode
    (its own transaction, one round trip), the stricter baseline.
    """
    conn.execute(
        f"CREATE TABLE {schema}.raw_insert (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
        " topic text, state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
    )
    durability = conn.execute("SELECT current_setting('synchronous_commit'), current_setting('fsync')").fetchone()
    print(f"  postgres synchronous_commit={durability[0]} fsync={durability[1]}")  # type: ignore[index]

    insert = (
        f"INSERT INTO {schema}.raw_insert (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
    )

    def in_transaction(rows: int) -> float:
        started = time.perf_counter()
        for n in range(rows):
            with conn.transaction():
                conn.execute(insert, (uuid.uuid4(), n, "domain.case.events:CallLogged", STATE))
        return time.perf_counter() - started

    def autocommit(rows: int) -> float:
        started = time.perf_counter()
        for n in range(rows):
            conn.execute(insert, (uuid.uuid4(), n, "domain.case.events:CallLogged", STATE))
        return time.perf_counter() - started

    return {"BEGIN; INSERT; COMMIT": in_transaction, "autocommit INSERT": autocommit}


def sqlite_raw_inserter(conn: sqlite3.Connection) -> dict[str, Callable[[int], float]]:
    """A timer of ``n`` single-row INSERT transactions into a SQLite file in WAL mode."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE raw_insert (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,"
        " PRIMARY KEY (originator_id, originator_version))"
    )

    def run(rows: int) -> float:
        started = time.perf_counter()
        for n in range(rows):
            conn.execute("BEGIN")
            conn.execute("INSERT INTO raw_insert VALUES (?, ?, ?, ?)", (str(uuid.uuid4()), n, "CallLogged", STATE))
            conn.execute("COMMIT")
        return time.perf_counter() - started

    return {"BEGIN; INSERT; COMMIT": run}


def median_seconds(action: Callable[[], object], repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def case_with_events(container: Container, n: int, events: int) -> uuid.UUID:
    """A case with exactly ``events`` events, written 500 per save."""
    case_id = open_case(container.app, n)
    case = container.app.get_case(case_id)
    for count in range(events - 1):
        case.add_note(f"note {count}", act=Act.of(COLLECTOR, None, container.clock.now()))
        if len(case.pending_events) == 500:
            container.store.save(case)
    container.store.save(case)
    assert container.app.get_case(case_id).version == events
    return case_id


def load_times(settings: Settings) -> dict[str, tuple[float, float]]:
    """Median (cold, warm) load times of cases of 10, 10,000 and 10,099 events.

    Cold: a process without the aggregate cache (latest snapshot + the events after it). Warm: from the
    cache, fast-forwarded from the store. 10,099 is the worst case at the default snapshot interval of 100.
    """
    sizes = {"10": 10, "10,000": 10_000, "10,099": 10_099}
    writer = bootstrap(settings)
    try:
        ids = {label: case_with_events(writer, 9000 + i, size) for i, (label, size) in enumerate(sizes.items())}
    finally:
        writer.close()
    cold = bootstrap(settings.model_copy(update={"aggregate_cache_size": 0}))
    warm = bootstrap(settings)
    try:
        times = {}
        for label, case_id in ids.items():
            warm.app.get_case(case_id)
            times[label] = (
                median_seconds(lambda case_id=case_id: cold.app.get_case(case_id)),
                median_seconds(lambda case_id=case_id: warm.app.get_case(case_id)),
            )
        return times
    finally:
        cold.close()
        warm.close()


def report(rates: dict[str, float], loads: dict[str, tuple[float, float]]) -> None:
    commands_per_s = rates.pop("commands")
    print(f"  commands/s (load, log a call, save; {CASES} cases): {commands_per_s:8.0f}")
    for name, raw_per_s in rates.items():
        print(
            f"  raw single-row insert transactions/s, {name + ':':23s} {raw_per_s:6.0f}"
            f"   commands / raw = {commands_per_s / raw_per_s:4.2f}"
        )
    for label, (cold, warm) in loads.items():
        print(f"  load a {label:>6}-event case: cold {cold * 1000:7.2f} ms   warm (cache) {warm * 1000:7.3f} ms")
    base = loads["10"][0]
    for label in ("10,000", "10,099"):
        print(f"  cold load, {label} vs 10 events: {loads[label][0] / base:5.2f} x")


def bench_postgres(commands: int) -> None:
    schema = f"bench_store_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        print(f"PostgreSQL ({PG_URL}, schema {schema})")
        settings = Settings(database_url=PG_URL, database_schema=schema)
        container = bootstrap(settings, office_hours_clock())
        try:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                rates = interleaved(
                    {"commands": command_runner(container), **postgres_raw_inserters(conn, schema)}, commands
                )
        finally:
            container.close()
        report(rates, load_times(settings))
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def bench_sqlite(commands: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print(f"SQLite ({path})")
        settings = Settings(database_url=f"sqlite:///{path}")
        container = bootstrap(settings, office_hours_clock())
        raw = sqlite3.connect(Path(folder) / "raw.db", isolation_level=None)
        try:
            rates = interleaved({"commands": command_runner(container), **sqlite_raw_inserter(raw)}, commands)
        finally:
            container.close()
            raw.close()
        report(rates, load_times(settings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=2000, help="commands (and raw inserts) to time")
    parser.add_argument("--stores", default="postgres,sqlite")
    args = parser.parse_args()
    stores = args.stores.split(",")
    if "postgres" in stores:
        bench_postgres(args.commands)
    if "sqlite" in stores:
        bench_sqlite(args.commands)


if __name__ == "__main__":
    main()
