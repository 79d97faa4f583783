"""Processes starting together on a fresh PostgreSQL schema all start (the DDL takes turns under an advisory lock),
and `arrears serve --workers N` exits non-zero when a worker fails to start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import need_postgres, postgres_test_url

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10
PROCESSES = 4
#: one process of the API as far as its tables go: events, snapshots, tracking, views, idempotency keys
START = """
import sys, time
from api.services import build_services
from infrastructure.settings import Settings
url, schema, go = sys.argv[1], sys.argv[2], float(sys.argv[3])
settings = Settings(database_url=url, database_schema=schema, secret_key="k" * 40, pool_size=2)
time.sleep(max(0.0, go - time.time()))
build_services(settings, None).close()
"""


def drop(schema: str) -> None:
    with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.mark.drill
@pytest.mark.postgres
def test_processes_creating_a_fresh_schema_at_once_all_start(figures: Any) -> None:
    need_postgres()
    failures: list[str] = []
    slowest = 0.0
    for round_ in range(ROUNDS):
        schema = f"t_start_{uuid.uuid4().hex[:10]}"
        if round_ % 2:  # half the rounds on an empty schema made beforehand, half on one nobody made yet
            with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
        go = time.time() + 4  # every process imported and waiting: they all create at once
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", START, postgres_test_url(), schema, str(go)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        try:
            for process in processes:
                output, _ = process.communicate(timeout=120)
                if process.returncode != 0:
                    failures.append(f"round {round_}: exit {process.returncode}: {output.strip().splitlines()[-1:]}")
            slowest = max(slowest, time.time() - go)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
            drop(schema)
    figures(
        f"concurrent start: {ROUNDS} rounds x {PROCESSES} processes on a fresh schema, "
        f"{ROUNDS * PROCESSES - len(failures)} started, {len(failures)} failed; slowest round {slowest:.1f} s"
    )
    assert failures == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.mark.drill
def test_serve_with_workers_exits_non_zero_when_a_worker_fails_to_start(figures: Any) -> None:
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/test",
        "ARREARS_SECRET_KEY": "k" * 40,
        "ARREARS_DB_TIMEOUT_SECONDS": "1",
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--no-demo", "--workers", "2", "--port", str(closed_port())]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    figures(f"serve --workers 2 with no database: exit {result.returncode} after {time.monotonic() - started:.1f} s")
    assert result.returncode != 0, result.stderr[-2000:]
    assert "failed to start" in result.stderr
