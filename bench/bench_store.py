"""Write-path and load benchmarks of the case ledger, on PostgreSQL and SQLite.

Prints, per store: commands per second (load a case, log a call, save) over 200 cases and the raw
single-row insert-transaction rate of the same database into a comparable table, measured in
alternating rounds; per round and as the median of the rounds, their ratio; and the load average.
Cold loads of long cases: ``bench/bench_cold_load.py``.
Run: ``python bench/bench_store.py [--rounds 5] [--seconds 2] [--stores postgres,sqlite]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
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
from bench.rounds import Timer, alternate, load_average, rate_for, ratios, summary
from domain.case.values import Channel, ContactOutcome
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, open_case

PG_URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
CASES = 200
#: the SQLite commands timed again on a store whose snapshot interval (100) the bench's cases never reach
UNSNAPSHOTTED = "commands without snapshots"


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


def measure_rounds(timers: dict[str, Timer], rounds: int, seconds: float) -> dict[str, list[float]]:
    """Each timer's rate per round, run for ``seconds`` in alternating rounds, each round printed."""

    def show(number: int, figures: dict[str, float]) -> None:
        commands = figures["commands"]
        parts = ", ".join(f"{name} {rate:6.0f}/s" for name, rate in figures.items())
        raws = [rate for name, rate in figures.items() if not name.startswith("commands")]
        print(f"  round {number}: {parts}; commands / raw {' / '.join(f'{commands / r:4.2f}' for r in raws)}")

    measures = {name: (lambda timer=timer: rate_for(timer, seconds)) for name, timer in timers.items()}
    return alternate(measures, rounds, show)


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


def report(figures: dict[str, list[float]]) -> None:
    commands = figures.pop("commands")
    print("  " + summary(f"commands/s (load, log a call, save; {CASES} cases)", commands, "/s", 0))
    if UNSNAPSHOTTED in figures:
        unsnapshotted = figures.pop(UNSNAPSHOTTED)
        print("  " + summary(f"commands/s, {UNSNAPSHOTTED}", unsnapshotted, "/s", 0))
        print("  " + summary("commands / commands without snapshots", ratios(commands, unsnapshotted)))
    for name, raw in figures.items():
        print("  " + summary(f"raw single-row insert transactions/s, {name}", raw, "/s", 0))
        print("  " + summary(f"commands / raw ({name})", ratios(commands, raw)) + "   target >= 0.90")
    print("  " + load_average())


def bench_postgres(rounds: int, seconds: float) -> None:
    schema = f"bench_store_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        print(f"PostgreSQL ({PG_URL}, schema {schema})")
        settings = Settings(database_url=PG_URL, database_schema=schema)
        container = bootstrap(settings, office_hours_clock())
        try:
            with psycopg.connect(PG_URL, autocommit=True) as conn:
                figures = measure_rounds(
                    {"commands": command_runner(container), **postgres_raw_inserters(conn, schema)}, rounds, seconds
                )
        finally:
            container.close()
        report(figures)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def bench_sqlite(rounds: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print(f"SQLite ({path})")
        settings = Settings(database_url=f"sqlite:///{path}")
        container = bootstrap(settings, office_hours_clock())
        # the same commands with snapshots every 100 events, which these cases never reach: what snapshots cost
        rare = Settings(database_url=f"sqlite:///{Path(folder) / 'rare.db'}", snapshot_interval=100)
        without = bootstrap(rare, office_hours_clock())
        raw = sqlite3.connect(Path(folder) / "raw.db", isolation_level=None)
        try:
            timers = {
                "commands": command_runner(container),
                UNSNAPSHOTTED: command_runner(without),
                **sqlite_raw_inserter(raw),
            }
            figures = measure_rounds(timers, rounds, seconds)
        finally:
            container.close()
            without.close()
            raw.close()
        report(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (the median is reported)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per measure per round")
    parser.add_argument("--stores", default="postgres,sqlite")
    args = parser.parse_args()
    stores = args.stores.split(",")
    print(load_average())
    if "postgres" in stores:
        bench_postgres(args.rounds, args.seconds)
    if "sqlite" in stores:
        bench_sqlite(args.rounds, args.seconds)


if __name__ == "__main__":
    main()
