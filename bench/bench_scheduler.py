"""One scheduler tick over 100,000 open cases with 1,000 deadlines due, end to end; the time per fired deadline
against one API write's time in the same run.

    .venv/bin/python bench/bench_scheduler.py [--store postgres|sqlite] [--open 100000] [--due 1000]

The ``--due`` cases are real: opened, given a deadline due in an hour (``notify:supervisor``: firing it
records ``DeadlineExpired`` and a task), then the clock moves two hours. The other open cases' deadlines
(not due for a year) are rows put straight into the deadlines view, which is all a tick reads of them.
The tick is timed end to end (catch up the deadlines view, read what is due, send each command, a second
read finding nothing left); the API write is ``POST /v1/cases/{id}/notes`` through the ASGI app in the same
process and store, median of 200.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from fastapi.testclient import TestClient

from api.auth import TokenCodec
from api.main import create_app
from application.bootstrap import Container, bootstrap
from application.commands import SetDeadline
from domain.base import Role
from infrastructure.clock import ManualClock
from infrastructure.secret_key import resolve_secret_key
from infrastructure.settings import Settings
from projections.base import utc_text
from tests.factories import SUPERVISOR, open_case

URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def settings_for(store: str, folder: Path, schema: str) -> Settings:
    """A fresh SQLite file, or a fresh PostgreSQL schema."""
    if store == "sqlite":
        return Settings(database_url=f"sqlite:///{folder / 'bench.db'}", secret_key="b" * 32)
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    return Settings(database_url=URL, database_schema=schema, secret_key="b" * 32)


def make_due(container: Container, due: int) -> None:
    """``due`` real cases, each with a deadline due in an hour."""
    app = container.app
    for n in range(1, due + 1):
        case_id = open_case(app, n=1, loan_id=f"LN-BENCH-{n:06d}")
        app.handle(
            SetDeadline(
                case_id=case_id,
                kind="callback",
                due_at=container.clock.now() + timedelta(hours=1),
                action="notify:supervisor",
                actor=SUPERVISOR,
            )
        )
        if n % 200 == 0:
            print(f"  {n} due cases made", flush=True)


def add_open_deadlines(settings: Settings, folder: Path, count: int) -> None:
    """``count`` other open cases' deadlines, due in a year, straight into the deadlines view."""
    later = utc_text(START + timedelta(days=365))
    rows = [
        (str(uuid.uuid4()), f"strategy-1-d{n}", "agreement", later, "escalate:high", "open", 1) for n in range(count)
    ]
    sql = "INSERT INTO {t} (case_id, deadline_id, kind, due_at, action, status, set_version) VALUES ({p})"
    if settings.database_schema:
        with psycopg.connect(URL) as conn, conn.cursor() as cur:
            table = f"{settings.database_schema}.deadlines"
            cur.executemany(sql.format(t=table, p=", ".join(["%s"] * 7)), rows)
            conn.commit()
    else:
        with sqlite3.connect(folder / "bench.db") as lite:
            lite.executemany(sql.format(t="deadlines", p=", ".join(["?"] * 7)), rows)


def api_write_seconds(settings: Settings, clock: ManualClock, samples: int = 200) -> float:
    """Median time of one POST /v1/cases/{id}/notes through the ASGI app."""
    token = TokenCodec(resolve_secret_key(settings)).issue("bench", Role.COLLECTOR.value, timedelta(hours=8))
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    with TestClient(create_app(settings, clock)) as client:
        case_id = str(open_case(client.app.state.services.app, n=2, loan_id="LN-BENCH-API"))  # type: ignore[attr-defined]
        for n in range(samples + 20):
            started = time.perf_counter()
            response = client.post(f"/v1/cases/{case_id}/notes", json={"text": f"note {n}"}, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 201, response.text
            if n >= 20:
                times.append(elapsed)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--open", type=int, default=100_000, help="open cases (default 100,000)")
    parser.add_argument("--due", type=int, default=1_000, help="of which have a deadline due (default 1,000)")
    parser.add_argument("--schema", default="bench_scheduler")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = settings_for(args.store, folder, args.schema)
        clock = ManualClock(START)
        container = bootstrap(settings, clock)
        try:
            print(f"{args.store}: {args.open:,} open cases, {args.due:,} with a deadline due")
            make_due(container, args.due)
            container.projections.catch_up()
            add_open_deadlines(settings, folder, args.open - args.due)
            clock.advance(timedelta(hours=2))
            report = container.scheduler.tick()
            assert report.count("fired") == args.due, (report.count("fired"), report.count("refused"))
            assert container.scheduler.tick().firings == []
        finally:
            container.close()
        write = api_write_seconds(settings, clock)
        per = report.seconds / args.due
        print(f"one tick, end to end: {report.seconds:.3f} s for {args.due:,} fired deadlines (target < 1 s)")
        print(f"per fired deadline:   {per * 1000:.2f} ms")
        print(f"one API write (POST /v1/cases/{{id}}/notes, median of 200): {write * 1000:.2f} ms")
        print(f"a fired deadline costs {per / write:.2f}x an API write")
        if args.store == "postgres":
            with psycopg.connect(URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE")


if __name__ == "__main__":
    main()
