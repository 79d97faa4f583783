"""Where projections keep their views: the app's own database, through an eventsourcing TrackingRecorder.

Views write portable SQL with ``?`` placeholders; the dialect differences (placeholders, ``IN`` lists,
bulk inserts, dropping tables, text PostgreSQL cannot hold, locks) live here. A view's rows and its tracking
position commit in one transaction (``ViewStore.transaction``), so a crash never double-counts or skips an event.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, cast

from eventsourcing.application import Application
from eventsourcing.persistence import OperationalError, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteTrackingRecorder, SQLiteTransaction

from infrastructure.postgres_datastore import SchemaLockedCreate, lock_ddl
from infrastructure.staged_upsert import STAGE_MIN_ROWS, staged_upsert
from infrastructure.view_rows import MULTI_ROWS, merged_by_key, pg_row, upsert_sql

Row = dict[str, Any]
#: SQLite allows at most 999 bound parameters in old builds; keep IN lists well below
IN_CHUNK = 500
#: after a column in a CREATE INDEX, makes it serve ``prefix_match``: text_pattern_ops on PostgreSQL (any collation);
#: nothing on SQLite (BINARY collation orders by code point). _TOP: a text starting with p sorts below p + _TOP
PATTERN_OPS, _TOP = "/*pattern_ops*/", "\U0010ffff"


class ViewTx(Protocol):
    """One open transaction on the view database."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement written with ``?`` placeholders."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of a query written with ``?`` placeholders, as dicts."""

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per parameter row."""

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append many rows fast (COPY on PostgreSQL)."""

    def upsert(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert or replace rows by their key columns."""

    def select_in(self, table: str, key: str, values: Sequence[Any], where: str = "") -> list[Row]:
        """Rows whose ``key`` is one of ``values``."""

    def increment(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Add the rows' counters (the non-key columns) to the stored ones, inserting missing rows."""

    def track(self, name: str, position: int) -> None:
        """Record that projection ``name`` has processed the log up to ``position``."""

    def claim(self, name: str, expected: int) -> None:
        """Lock projection ``name``'s position for this transaction; PositionMoved unless it is ``expected``."""

    def register(self, name: str) -> None:
        """Give projection ``name`` a tracking position of 0 unless it has one."""

    def forget(self, name: str) -> None:
        """Remove projection ``name``'s tracking position."""

    def lock_ddl(self) -> None:
        """Hold the database's DDL lock until this transaction ends (other processes creating tables wait)."""

    def prefix_match(self, column: str, prefix: str) -> tuple[str, list[str]]:
        """``column`` starts with ``prefix`` (SQL and parameters): a range on an index made with ``PATTERN_OPS``."""
        ...


class PositionMoved(RuntimeError):
    """Another runtime (or a rebuild) moved a projection's position since it was read: re-read and go on."""


class _Tx:
    """Shared behaviour of both dialects' transactions."""

    tracking_table = "tracking"
    lock_clause = ""

    def __init__(self, cursor: Any, recorder: Any) -> None:
        self.cursor = cursor
        self.recorder = recorder

    def sql(self, text: str) -> str:
        return text

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(sql), tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(self.sql(sql), tuple(params))
        return [dict(row) for row in self.cursor.fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self.sql(sql), rows)

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        placeholders = ", ".join("?" for _ in columns)
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)

    def upsert(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.executemany(upsert_sql(table, keys, columns), rows)

    def increment(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.executemany(upsert_sql(table, keys, columns, add=True), rows)

    def select_in(self, table: str, key: str, values: Sequence[Any], where: str = "") -> list[Row]:
        found: list[Row] = []
        values = list(values)
        extra = f" AND {where}" if where else ""
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            found += self.query(f"SELECT * FROM {table} WHERE {key} IN ({marks}){extra}", chunk)
        return found

    def track(self, name: str, position: int) -> None:
        self.recorder._insert_tracking(self.cursor, Tracking(application_name=name, notification_id=position))

    def claim(self, name: str, expected: int) -> None:
        rows = self.query(
            f"SELECT notification_id FROM {self.tracking_table} WHERE application_name = ?{self.lock_clause}", [name]
        )
        current = int(rows[0]["notification_id"] or 0) if rows else None
        if current != expected:
            raise PositionMoved(f"{name} is at {current}, not {expected}")

    def register(self, name: str) -> None:
        self.execute(
            f"INSERT INTO {self.tracking_table} (application_name, notification_id) VALUES (?, 0) "
            "ON CONFLICT (application_name) DO NOTHING",
            [name],
        )

    def forget(self, name: str) -> None:
        self.execute(f"DELETE FROM {self.tracking_table} WHERE application_name = ?", [name])

    def lock_ddl(self) -> None:
        pass  # SQLite: a write transaction is already exclusive

    def prefix_match(self, column: str, prefix: str) -> tuple[str, list[str]]:
        return f"({column} >= ? AND {column} < ?)", [prefix, prefix + _TOP]


class _SqliteTx(_Tx):
    pass


_QMARK = re.compile(r"\?")


class _PostgresTx(_Tx):
    lock_clause = " FOR UPDATE"

    def __init__(self, cursor: Any, recorder: Any) -> None:
        super().__init__(cursor, recorder)
        self.tracking_table = recorder.tracking_table_name

    def sql(self, text: str) -> str:
        return _QMARK.sub("%s", text.replace("%", "%%")).replace(PATTERN_OPS, "text_pattern_ops")

    def prefix_match(self, column: str, prefix: str) -> tuple[str, list[str]]:
        return f"({column} ~>=~ ? AND {column} ~<~ ?)", [prefix, prefix + _TOP]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(sql), pg_row(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(self.sql(sql), pg_row(params))
        return [dict(row) for row in self.cursor.fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self.sql(sql), [pg_row(row) for row in rows])

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(pg_row(row))

    def lock_ddl(self) -> None:
        lock_ddl(self.cursor, self.recorder.datastore.schema)

    def upsert(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._multi_row(table, keys, columns, rows, add=False)

    def increment(self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._multi_row(table, keys, columns, rows, add=True)

    def _multi_row(
        self, table: str, keys: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[Any]], add: bool
    ) -> None:
        """A batch's upserts in a few statements rather than one per row: a large batch (a rebuild's) staged by COPY
        (``staged_upsert``), a small one in multi-row statements (one per ``MULTI_ROWS`` keys)."""
        merged = merged_by_key(keys, columns, rows, add) if len(rows) > 1 else rows
        if merged is None:
            self.executemany(upsert_sql(table, keys, columns, add), rows)
            return
        if len(merged) >= STAGE_MIN_ROWS:
            staged_upsert(self.cursor, table, keys, columns, [pg_row(row) for row in merged], add)
            return
        per = max(1, min(MULTI_ROWS, 65_535 // len(columns)))
        for start in range(0, len(merged), per):
            chunk = merged[start : start + per]
            params = [value for row in chunk for value in pg_row(row)]
            self.cursor.execute(self.sql(upsert_sql(table, keys, columns, add, rows=len(chunk))), params)

    def select_in(self, table: str, key: str, values: Sequence[Any], where: str = "") -> list[Row]:
        extra = f" AND {where}" if where else ""
        return self.query(f"SELECT * FROM {table} WHERE {key} = ANY(?){extra}", [list(values)])


class ViewStore(Protocol):
    """The view database of one process."""

    dialect: str

    @contextmanager
    def transaction(self) -> Iterator[ViewTx]:
        """A write transaction, committed on success."""
        yield  # type: ignore[misc]

    @contextmanager
    def reading(self) -> Iterator[ViewTx]:
        """A read-only transaction."""
        yield  # type: ignore[misc]

    def position(self, name: str) -> int:
        """How far projection ``name`` has processed the log (0: nothing yet)."""
        ...


class _ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's SQLite transaction, begun IMMEDIATE: the write lock is taken (waiting up to the busy timeout)
    before the first read. A deferred transaction that reads and then writes fails at once with "database is locked"
    when another process committed in between (SQLite cannot upgrade a stale read snapshot, and does not wait)."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            cursor.sqlite_cursor.close()
            raise OperationalError(error) from error
        return cursor


class SqliteViewStore(SQLiteTrackingRecorder):
    """Views in the application's SQLite file, on its connection pool."""

    dialect = "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[ViewTx]:
        """A write transaction (holding the write lock from its start), committed on success."""
        with (
            self.datastore.get_connection(commit=True) as conn,
            _ImmediateTransaction(conn, commit=True) as cursor,
            cursor,
        ):
            yield _SqliteTx(cursor, self)

    @contextmanager
    def reading(self) -> Iterator[ViewTx]:
        """A read-only transaction."""
        with self.datastore.transaction(commit=False) as cursor:
            yield _SqliteTx(cursor, self)

    def position(self, name: str) -> int:
        """How far projection ``name`` has processed the log (0: nothing yet)."""
        return self.max_tracking_id(name) or 0


#: how long a view's write transaction may sit between two statements (its Python at work) before the server ends it
VIEW_IDLE_SECONDS = 120


class PostgresViewStore(PostgresTrackingRecorder, SchemaLockedCreate):
    """Views in the application's PostgreSQL schema, on its connection pool."""

    dialect = "postgres"

    def _under_ddl_lock(self, curs: Any) -> None:
        """eventsourcing decides whether to create the tracking table (and record its ``__migration__`` row) from a
        look taken before the DDL lock; another process may have created both since: look again."""
        curs.execute("SELECT to_regclass(%s) AS found", (f'"{self.datastore.schema}"."{self.tracking_table_name}"',))
        row = curs.fetchone()
        self.tracking_table_exists = row is not None and row["found"] is not None
        previous = None
        if self.tracking_table_exists:
            curs.execute(self.max_tracking_id_statement, (self.table_migration_identifier,))
            found = curs.fetchone()
            previous = found["max"] if found else None
        self.tracking_migration_previous = self.tracking_migration_current = previous

    @contextmanager
    def transaction(self) -> Iterator[ViewTx]:
        """A write transaction, committed on success. Between its statements a view computes in Python, which on a
        loaded machine has taken longer than the connection's idle-in-transaction timeout (eventsourcing's 5 s): the
        server closed a rebuild's 10,000-event batch, which then crawled through one event per transaction. So the
        view's own transactions allow ``VIEW_IDLE_SECONDS``."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"SET LOCAL search_path TO {self.datastore.schema}; "
                f"SET LOCAL idle_in_transaction_session_timeout = '{VIEW_IDLE_SECONDS}s'"
            )
            yield _PostgresTx(cursor, self)

    @contextmanager
    def reading(self) -> Iterator[ViewTx]:
        """A read-only transaction."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SET LOCAL search_path TO {self.datastore.schema}")
            yield _PostgresTx(cursor, self)

    def position(self, name: str) -> int:
        """How far projection ``name`` has processed the log (0: nothing yet)."""
        return self.max_tracking_id(name) or 0


def view_store(app: Application[Any]) -> ViewStore:
    """The view store on the application's own database and connection pool."""
    recorder_class: type[Any] = PostgresViewStore if "postgres" in type(app.factory).__module__ else SqliteViewStore
    store: Any = app.factory.tracking_recorder(recorder_class)
    return cast(ViewStore, store)


def events_table(app: Application[Any]) -> str:
    """The qualified name of the application's events table."""
    recorder: Any = app.recorder
    if "postgres" in type(recorder).__module__:
        return f"{recorder.datastore.schema}.{recorder.events_table_name}"
    return str(recorder.events_table_name)
