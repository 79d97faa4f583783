"""Shared fixtures: the same scenarios run on SQLite and on PostgreSQL (one schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from application.app import CollectionsApp
from application.bootstrap import Container, bootstrap
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: the moment every test starts at (a Monday, 10:00 in Shanghai)
TEST_START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
STORES = ["sqlite", "postgres"]


def postgres_required() -> bool:
    """In CI a missing PostgreSQL is a failure, not a skip."""
    return os.environ.get("ARREARS_REQUIRE_POSTGRES", "") not in ("", "0")


def postgres_test_url() -> str:
    """The PostgreSQL server tests use."""
    return os.environ.get("ARREARS_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


_postgres_problem: str | None = None
_postgres_checked = False


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (checked once per run)."""
    global _postgres_checked, _postgres_problem
    if not _postgres_checked:
        _postgres_checked = True
        try:
            psycopg.connect(postgres_test_url(), connect_timeout=3).close()
        except psycopg.Error as error:
            _postgres_problem = f"PostgreSQL at {postgres_test_url()} is not reachable: {error}".strip()
    return _postgres_problem


def need_postgres() -> None:
    """Skip (or, with ARREARS_REQUIRE_POSTGRES=1, fail) when PostgreSQL is not there."""
    problem = postgres_unavailable()
    if problem is not None:
        if postgres_required():
            pytest.fail(f"ARREARS_REQUIRE_POSTGRES is set but {problem}")
        pytest.skip(f"{problem} (set ARREARS_TEST_DATABASE_URL to point at one)")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped after the test."""
    need_postgres()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    yield name
    with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def settings_for(store: str, tmp_path: Path, request: pytest.FixtureRequest, **overrides: object) -> Settings:
    """Settings for a store: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if store == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_path / 'arrears.db'}", **overrides)  # type: ignore[arg-type]
    schema = request.getfixturevalue("pg_schema")
    keys: dict[str, object] = {"log_key_file": tmp_path / "log-key", "witness_dir": tmp_path / "witness"}
    return Settings(database_url=postgres_test_url(), database_schema=schema, **{**keys, **overrides})  # type: ignore[arg-type]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    """Each test that uses a store runs once on SQLite and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def settings(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for the store under test."""
    return settings_for(store, tmp_path, request)


@pytest.fixture
def clock() -> ManualClock:
    """A clock tests move by hand."""
    return ManualClock(TEST_START)


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    """The whole process, built by the composition root."""
    built = bootstrap(settings, clock)
    yield built
    built.close()


@pytest.fixture
def app(container: Container) -> CollectionsApp:
    """The application under test."""
    return container.app


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ARREARS_REQUIRE_POSTGRES=1 (CI), any skipped test fails the run."""
    if not postgres_required():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        reporter.write_line(f"ARREARS_REQUIRE_POSTGRES: {len(skipped)} test(s) skipped; failing the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
