"""Which database errors mean "retry later" (503), and the breaker that answers at once during an outage."""

from __future__ import annotations

import sqlite3
import time

import psycopg
import pytest
from eventsourcing.persistence import DataError, IntegrityError, OperationalError, ProgrammingError
from psycopg_pool import PoolTimeout

from infrastructure.outage import Breaker, DatabaseUnavailable, is_unavailable
from infrastructure.view_rows import NUL_STANDIN, pg_row


def wrapped(outer: type[Exception], inner: BaseException) -> Exception:
    try:
        raise outer(str(inner)) from inner
    except Exception as error:
        return error


@pytest.mark.parametrize(
    "error",
    [
        DatabaseUnavailable("down"),
        PoolTimeout("no connection"),
        psycopg.OperationalError("server closed the connection unexpectedly"),
        psycopg.errors.LockNotAvailable("lock timeout"),
        psycopg.InterfaceError("the connection is closed"),
        wrapped(OperationalError, psycopg.OperationalError("terminating connection due to administrator command")),
        wrapped(OperationalError, PoolTimeout("couldn't get a connection after 1.00 sec")),
        sqlite3.OperationalError("database is locked"),
        wrapped(OperationalError, sqlite3.OperationalError("database is locked")),
    ],
)
def test_outages_timeouts_and_held_locks_are_unavailable(error: BaseException) -> None:
    assert is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(OperationalError, sqlite3.OperationalError("no such table: timeline")),
        sqlite3.OperationalError("no such column: x"),
        wrapped(DataError, psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")),
        wrapped(ProgrammingError, psycopg.errors.UndefinedTable("relation does not exist")),
        IntegrityError("duplicate key"),
        TypeError("can't concat str to bytes"),
    ],
)
def test_bugs_and_bad_data_are_not(error: BaseException) -> None:
    assert not is_unavailable(error)


def test_the_breaker_answers_at_once_while_open_and_lets_one_probe_through() -> None:
    breaker = Breaker("test", probe_seconds=0.2)
    assert breaker.check() is False  # closed: everyone goes
    breaker.failed(PoolTimeout("x"))
    assert breaker.is_open
    with pytest.raises(DatabaseUnavailable):
        breaker.check()
    time.sleep(0.25)
    assert breaker.check() is True  # the probe
    with pytest.raises(DatabaseUnavailable):
        breaker.check()  # only one per interval
    breaker.succeeded()
    assert not breaker.is_open and breaker.check() is False


def test_postgres_view_rows_never_carry_nul() -> None:
    row = ("a\x00b", 1, None, ["x\x00", "y"], b"\x00bytes")
    assert pg_row(row) == [f"a{NUL_STANDIN}b", 1, None, [f"x{NUL_STANDIN}", "y"], b"\x00bytes"]
    clean = ("plain", 2)
    assert pg_row(clean) is clean  # the usual row is passed on untouched
