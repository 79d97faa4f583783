"""Benchmark the HTTP API on PostgreSQL: 100 concurrent clients logging contacts on 1,000 cases,
against the HTTP stack's own ceiling (GET /healthz) measured in the same rounds.

Starts `arrears serve` (uvicorn, one worker per core by default) on a dedicated PostgreSQL schema,
seeds the cases, warms up, then per round (``--rounds``, ``--seconds`` each measure), alternating
which goes first: GET /healthz closed loop (each client sends its next request when the last is
answered, on its own keep-alive connection) and POST /v1/cases/{id}/contacts closed loop; then the
writes open loop, offered at ``--open-share`` (60%) of that round's closed-loop write rate, its
latency counted from when each request was due. Per round: requests/s, latency, server CPU per
request, writes / healthz; then the medians of the rounds, the raw psycopg single-row insert rate
(before and after the load, for context) and the load average.

The workloads (``--workload``, default own):

- ``own``: each client is a collector (with a token of their own) working their own cases, 10 each,
  as collections assigns every case to one collector;
- ``shared``: every client picks any case at random, so every case is written through every server
  process (each then brings a case up to date with one extra query before deciding).

    python bench/bench_api.py [--workload own|shared] [--clients 100] [--cases 1000] [--rounds 3]
                              [--seconds 5] [--workers N] [--open-share 0.6] [--idempotency-keys]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.auth import TokenCodec  # noqa: E402
from application.app import CollectionsApp  # noqa: E402
from application.bootstrap import bootstrap  # noqa: E402
from application.commands import OpenCase, RegisterEnterprise  # noqa: E402
from bench.rounds import load_average, ratios, summary  # noqa: E402
from domain.base import Actor, Role  # noqa: E402
from domain.credit_code import complete_credit_code  # noqa: E402
from domain.enterprise.values import ContactPerson, Registration  # noqa: E402
from domain.money import Money  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402

DATABASE_URL = os.environ.get("ARREARS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN = Actor(user_id="bench.loader", role=Role.ADMIN)
#: an email: outside the phone limits (3 connected calls a day, 7 attempts a week) and the quiet hours,
#: so 30 s of load is all recorded rather than refused by the contact policy
CALL = {"channel": "email", "party": "Li Na", "outcome": "delivered", "summary": "reminder of the overdue amount"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(app: CollectionsApp, cases: int) -> list[str]:
    """Open ``cases`` cases, ten per enterprise."""
    ids = []
    for n in range(cases):
        code = complete_credit_code(f"9144000{n // 10:010d}")
        enterprise_id = app.enterprise_id_for(code)
        if n % 10 == 0:
            app.handle(
                RegisterEnterprise(
                    registration=Registration(
                        credit_code=code, name=f"Bench {n // 10}", registered_capital=Money.parse("1000000.00")
                    ),
                    contacts=(ContactPerson(name="Li Na", phone="+86 138 0000 0000"),),
                    actor=ADMIN,
                )
            )
        case_id = app.send(
            OpenCase(
                loan_id=f"BENCH-{n:05d}",
                enterprise_id=enterprise_id,
                principal=Money.parse("1000000.00"),
                outstanding=Money.parse("800000.00"),
                overdue_amount=Money.parse("100000.00"),
                overdue_since=date.today() - timedelta(days=30),
                actor=ADMIN,
            ),
            uuid.UUID,
        )
        ids.append(str(case_id))
    return ids


class Connection:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams.

    httpx's async pool could not load the server (it capped at ~80 requests/s even on /healthz with 100
    connections); this client adds almost nothing, so the figures are the server's.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
        """Send one request and read the whole response; its status."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.writer.write(head.encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        """Hang up."""
        if self.writer is not None:
            self.writer.close()


async def drive(
    port: int,
    tokens: list[str],
    case_ids: list[str],
    seconds: float,
    workload: str,
    keys: bool,
    healthz: bool = False,
    rate: float | None = None,
    every_case_once: bool = False,
) -> dict:
    """Clients, one per token, logging calls (or, with ``healthz``, asking GET /healthz), each on its own
    keep-alive connection: on its own share of the cases (``own``) or on any case (``shared``).

    Closed loop by default: each client sends its next request as soon as the last is answered. With
    ``rate`` (requests/s in all), each client sends on a fixed schedule instead, and a request's latency
    counts from when it was due, so a slow answer is not hidden by the requests it delayed."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + seconds
    body = json.dumps(CALL).encode()
    clients = len(tokens)

    async def one_client(n: int) -> None:
        rng = random.Random(n)
        cases = case_ids[n * len(case_ids) // clients : (n + 1) * len(case_ids) // clients]
        order = iter(cases if every_case_once else ())  # its own share, once (a warm-up)
        if workload == "shared":
            cases = case_ids
        headers = {"Authorization": f"Bearer {tokens[n]}", "Content-Type": "application/json"}
        connection = Connection("127.0.0.1", port)
        interval = clients / rate if rate else 0.0
        due = time.perf_counter() + rng.random() * interval  # clients' schedules spread over one interval
        try:
            while time.perf_counter() < deadline or every_case_once:
                case_id = next(order, None) if every_case_once else rng.choice(cases)
                if case_id is None:
                    break
                extra = {"Idempotency-Key": uuid.uuid4().hex} if keys else {}
                if rate:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    started, due = due, due + interval
                else:
                    started = time.perf_counter()
                if healthz:
                    status = await connection.request("GET", "/healthz", {})
                else:
                    status = await connection.request(
                        "POST", f"/v1/cases/{case_id}/contacts", {**headers, **extra}, body
                    )
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client(n) for n in range(clients)))
    return {"latencies": latencies, "statuses": statuses, "elapsed": time.perf_counter() - started}


def raw_insert_rate(schema: str, seconds: float) -> float:
    """Single-row INSERT transactions per second on one psycopg connection, into a table like the event table."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.raw_inserts (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, topic text NOT NULL, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        state = os.urandom(300)
        count = 0
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            conn.execute(
                f"INSERT INTO {schema}.raw_inserts (originator_id, originator_version, topic, state) "
                "VALUES (%s, 1, 'bench:Raw', %s)",
                (uuid.uuid4(), state),
            )
            count += 1
        return count / (time.perf_counter() - started)


def cpu_seconds(which: str, group: int) -> float:
    """CPU seconds (user + system) used so far by the server's processes (``which="server"``: the process
    group ``group``) or by PostgreSQL's (``which="postgres"``), read from /proc (Linux)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if (which == "server" and int(fields[2]) == group) or (which == "postgres" and name == "postgres"):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def summarize(result: dict) -> dict[str, float]:
    """Throughput, p99 latency and the share of answers with the expected status, of one drive."""
    latencies = sorted(result["latencies"])
    return {
        "rps": len(latencies) / result["elapsed"],
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "ok": max(result["statuses"].values()) / len(latencies),
        "count": len(latencies),
    }


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """``arrears serve`` on a free port, once it answers /readyz."""
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--no-demo", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):  # its workers create the idempotency table together (under the schema's DDL lock)
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server, port
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode} before it was ready (a worker failed)")
        time.sleep(0.1)
    raise SystemExit("the server did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=("own", "shared"), default="own")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per measure per round")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--raw-seconds", type=float, default=3)
    parser.add_argument(
        "--open-share", type=float, default=0.6, help="the open loop offers this share of the round's closed-loop rate"
    )
    parser.add_argument("--idempotency-keys", action="store_true", help="send a fresh Idempotency-Key on every POST")
    args = parser.parse_args()
    print(load_average())

    schema = f"bench_api_{secrets.token_hex(4)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    secret = secrets.token_urlsafe(48)
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": DATABASE_URL,
        "ARREARS_DATABASE_SCHEMA": schema,
        "ARREARS_SECRET_KEY": secret,
    }
    server = None
    figures: dict[str, list[float]] = {"healthz": [], "writes": [], "open_p99": [], "open_rps": []}
    cpu_per_write: list[float] = []
    try:
        print(f"PostgreSQL {DATABASE_URL}, schema {schema}")
        t0 = time.perf_counter()
        container = bootstrap(Settings(database_url=DATABASE_URL, database_schema=schema))
        try:
            case_ids = seed(container.app, args.cases)
        finally:
            container.close()
        print(f"seeded {len(case_ids)} cases in {time.perf_counter() - t0:.1f}s")
        raw_before = raw_insert_rate(schema, args.raw_seconds)
        server, port = start_server(env, args.workers)
        codec = TokenCodec(secret)
        tokens = [codec.issue(f"bench.collector.{n:03d}", "collector", timedelta(hours=1)) for n in range(args.clients)]
        handed = Settings().async_inserts  # the server reads the same environment
        print(
            f"server: {args.workers} uvicorn workers, port {port}; {args.clients} clients, {args.workload!r}; "
            f"inserts {'handed to an insert thread' if handed else 'awaited on the loop'} (ARREARS_ASYNC_INSERTS)"
        )
        load = (port, tokens, case_ids)
        keys = args.idempotency_keys
        # warm up: every case written once through the process that will write it (a cold load of a case, its
        # enterprise and its policy is not the steady state), then a few seconds of each load
        asyncio.run(drive(*load, 0, args.workload, keys, every_case_once=True))
        asyncio.run(drive(*load, args.warmup, args.workload, keys))
        asyncio.run(drive(*load, args.warmup, args.workload, keys, healthz=True))
        for number in range(1, args.rounds + 1):
            order = ("healthz", "writes") if number % 2 else ("writes", "healthz")
            this: dict[str, dict[str, float]] = {}
            for which in order:
                cpu_before = cpu_seconds("server", server.pid)
                result = asyncio.run(drive(*load, args.seconds, args.workload, keys, healthz=which == "healthz"))
                this[which] = summarize(result)
                this[which]["cpu_ms"] = (cpu_seconds("server", server.pid) - cpu_before) / this[which]["count"] * 1000
            offered = args.open_share * this["writes"]["rps"]
            this["open"] = summarize(asyncio.run(drive(*load, args.seconds, args.workload, keys, rate=offered)))
            figures["healthz"].append(this["healthz"]["rps"])
            figures["writes"].append(this["writes"]["rps"])
            figures["open_p99"].append(this["open"]["p99"])
            figures["open_rps"].append(offered)
            cpu_per_write.append(this["writes"]["cpu_ms"])
            print(
                f"round {number}: GET /healthz {this['healthz']['rps']:.0f}/s "
                f"(server CPU {this['healthz']['cpu_ms']:.2f} ms each); "
                f"POST contacts {this['writes']['rps']:.0f}/s, {this['writes']['ok']:.1%} recorded, "
                f"p50 {this['writes']['p50']:.1f} ms, p99 {this['writes']['p99']:.1f} ms "
                f"(server CPU {this['writes']['cpu_ms']:.2f} ms each); "
                f"writes / healthz {this['writes']['rps'] / this['healthz']['rps']:.2f}; "
                f"open loop at {offered:.0f}/s: {this['open']['rps']:.0f}/s answered, "
                f"p50 {this['open']['p50']:.1f} ms, p99 {this['open']['p99']:.1f} ms"
            )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    try:
        raw_after = raw_insert_rate(schema, args.raw_seconds)
    finally:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

    print()
    print(summary("GET /healthz (the HTTP stack's ceiling)", figures["healthz"], "/s", 0))
    print(summary("POST /v1/cases/{id}/contacts, closed loop", figures["writes"], "/s", 0))
    print(summary("writes / healthz", ratios(figures["writes"], figures["healthz"])) + "   target >= 0.60")
    print(summary("server CPU per write", cpu_per_write, "ms", 2))
    print(
        summary(f"open-loop p99 at {args.open_share:.0%} of the round's closed-loop rate", figures["open_p99"], "ms", 1)
        + "   target < 25 ms"
    )
    raw = max(raw_before, raw_after)
    print(
        f"raw psycopg single-row INSERT transactions (1 connection): {raw_before:.0f}/s before the load, "
        f"{raw_after:.0f}/s after; writes / raw (median) {statistics.median(figures['writes']) / raw:.2f}"
    )
    print(load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
