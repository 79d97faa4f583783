"""Views served from a real streaming replica (``ARREARS_READ_DATABASE_URL``), reading the caller's own writes.

The replica is a second PostgreSQL cluster streaming from the test server (``.ci/replica.sh``, run by ``.ci/run``);
each test's schema, made on the primary, reaches it by replication.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pydantic import ValidationError

from application.bootstrap import Container, bootstrap
from domain.errors import NotFoundError
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.conftest import TEST_START, need_postgres, postgres_required, postgres_test_url
from tests.factories import open_case

pytestmark = pytest.mark.postgres

DEFAULT_TEST_REPLICA_URL = "postgresql://postgres@127.0.0.1:5433/test"


def replica_test_url() -> str:
    """The streaming replica of the test server."""
    return os.environ.get("ARREARS_TEST_REPLICA_URL", DEFAULT_TEST_REPLICA_URL)


def need_replica() -> None:
    """Skip (or, with ARREARS_REQUIRE_POSTGRES=1, fail) unless a standby of the test server answers."""
    need_postgres()
    try:
        with psycopg.connect(replica_test_url(), connect_timeout=3) as conn:
            row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        problem = None if row and row[0] else f"{replica_test_url()} is not a standby (pg_is_in_recovery() is false)"
    except psycopg.Error as error:
        problem = f"no replica reachable at {replica_test_url()}: {error}".strip()
    if problem is not None:
        if postgres_required():
            pytest.fail(f"ARREARS_REQUIRE_POSTGRES is set but {problem} (start one with .ci/replica.sh)")
        pytest.skip(f"{problem} (start one with .ci/replica.sh, or set ARREARS_TEST_REPLICA_URL)")


def replicated(pg_schema: str, read_url: str, wait_seconds: float) -> Container:
    """A process on the test server's schema whose views are read from ``read_url``."""
    settings = Settings(
        database_url=postgres_test_url(),
        database_schema=pg_schema,
        read_database_url=read_url,
        replica_wait_seconds=wait_seconds,
    )  # type: ignore[call-arg]
    return bootstrap(settings, ManualClock(TEST_START))


@pytest.fixture
def on_replica(pg_schema: str) -> Iterator[Container]:
    """A process reading its views from the replica (waiting up to 30 s for it: a loaded machine's replay)."""
    need_replica()
    container = replicated(pg_schema, replica_test_url(), wait_seconds=30)
    yield container
    container.close()


def test_a_case_just_opened_is_read_back_from_the_replica(on_replica: Container) -> None:
    replica = on_replica.replica
    assert replica is not None
    case_id = open_case(on_replica.app, 1)

    progress = on_replica.read_model.case_progress(case_id)
    timeline = on_replica.read_model.timeline(case_id)
    listed = on_replica.read_model.list_cases()

    assert progress.case_id == str(case_id) and progress.outstanding == "6000000.00"
    assert [item.type for item in timeline.items][:1] == ["CaseOpened"]
    assert [item.case_id for item in listed.items] == [str(case_id)]
    assert (replica.replica_reads, replica.fallbacks) == (3, 0)
    with replica.reading() as tx:  # the read transaction the read model was given: on the standby, with the write
        rows = tx.query("SELECT pg_is_in_recovery() AS standby, current_setting('port') AS port")
        seen = tx.query("SELECT outstanding_fen FROM case_progress WHERE case_id = ?", [str(case_id)])
    assert rows == [{"standby": True, "port": str(psycopg.conninfo.conninfo_to_dict(replica_test_url())["port"])}]
    assert seen == [{"outstanding_fen": 600_000_000}]


def test_an_unknown_case_is_still_not_found_on_the_replica(on_replica: Container) -> None:
    open_case(on_replica.app, 1)
    with pytest.raises(NotFoundError):
        on_replica.read_model.timeline(uuid.uuid4())


def test_a_replica_whose_replay_is_paused_is_passed_over_and_the_write_is_read_from_the_primary(
    pg_schema: str,
) -> None:
    need_replica()
    container = replicated(pg_schema, replica_test_url(), wait_seconds=0.2)
    replica = container.replica
    assert replica is not None
    try:
        first = open_case(container.app, 1)
        assert container.read_model.case_progress(first).case_id == str(first)
        with psycopg.connect(replica_test_url(), autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
            try:
                second = open_case(container.app, 2)
                progress = container.read_model.case_progress(second)
            finally:
                standby.execute("SELECT pg_wal_replay_resume()")
        assert progress.case_id == str(second)
        assert replica.fallbacks >= 1
    finally:
        container.close()


def test_a_read_url_that_is_not_a_standby_is_read_from_the_primary(pg_schema: str) -> None:
    container = replicated(pg_schema, postgres_test_url(), wait_seconds=0.1)
    replica = container.replica
    assert replica is not None
    try:
        case_id = open_case(container.app, 1)
        assert container.read_model.case_progress(case_id).case_id == str(case_id)
        assert (replica.replica_reads, replica.fallbacks) == (0, 1)
    finally:
        container.close()


@pytest.mark.parametrize(
    ("database_url", "read_url", "says"),
    [
        ("sqlite:///x.db", "postgresql://postgres@127.0.0.1:5433/test", "needs ARREARS_DATABASE_URL on PostgreSQL"),
        ("postgresql://postgres@127.0.0.1/test", "sqlite:///y.db", "must be a postgresql:// URL"),
    ],
)
def test_a_read_database_that_cannot_be_a_replica_is_refused_at_start(
    database_url: str, read_url: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=says):
        Settings(database_url=database_url, read_database_url=read_url)  # type: ignore[call-arg]
