"""eventsourcing's PostgreSQL datastore, hardened: bounded waits and a breaker for outages (``infrastructure.outage``),
and tables created under an advisory lock, so processes starting together on a fresh schema do not collide.

Two processes running ``CREATE TABLE IF NOT EXISTS`` (or eventsourcing's ``CREATE TYPE``) at the same moment can both
pass the "not exists" check and then fail on the catalogue's unique index (``duplicate key value violates unique
constraint "pg_type_typname_nsp_index"``). Every arrears DDL transaction first takes
``pg_advisory_xact_lock`` on one key per schema, so they run one after another, and the later ones find the objects
there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing import persistence as es
from eventsourcing.postgres import PostgresDatastore, PostgresRecorder
from psycopg import errors as pg
from psycopg.sql import SQL, Identifier
from psycopg.types.composite import register_composite

from infrastructure.outage import Breaker, drainer, guarded_connection, harden_pool

_DDL_LOCK = "SELECT pg_advisory_xact_lock(hashtext(%s))"
#: psycopg errors → eventsourcing's, most specific first (as eventsourcing's own datastore maps them)
_TRANSLATED: list[tuple[type[psycopg.Error], type[es.PersistenceError]]] = [
    (psycopg.InterfaceError, es.InterfaceError),
    (psycopg.OperationalError, es.OperationalError),
    (psycopg.DataError, es.DataError),
    (psycopg.IntegrityError, es.IntegrityError),
    (psycopg.InternalError, es.InternalError),
    (psycopg.ProgrammingError, es.ProgrammingError),
    (psycopg.NotSupportedError, es.NotSupportedError),
    (psycopg.DatabaseError, es.DatabaseError),
    (psycopg.Error, es.PersistenceError),
]


def lock_ddl(cursor: Any, schema: str) -> None:
    """Take the schema's DDL lock for the rest of the cursor's transaction (other creators wait for the commit)."""
    cursor.execute(_DDL_LOCK, (f"arrears:ddl:{schema}",))


def ensure_schema(cursor: Any, schema: str) -> None:
    """Create the schema unless it exists (asking first: CREATE SCHEMA needs a privilege a user of an existing
    schema may lack). Call it holding the DDL lock."""
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
    if cursor.fetchone() is None:
        cursor.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))


class SchemaLockedCreate(PostgresRecorder):
    """A recorder whose ``create_table`` runs every statement in one transaction under the schema's DDL lock.

    eventsourcing creates composite types in transactions of their own (there is no ``CREATE TYPE IF NOT EXISTS``)
    and the tables in another; here a type that exists already is skipped inside a savepoint instead.
    """

    def create_table(self) -> None:
        """Create the recorder's types, tables, indexes and functions (safe when other processes do it too)."""
        with self.datastore.transaction(commit=True) as curs:
            lock_ddl(curs, self.datastore.schema)
            ensure_schema(curs, self.datastore.schema)
            self._under_ddl_lock(curs)
            for statement in self.sql_create_statements:
                if "CREATE TYPE" in statement.as_string():
                    try:
                        with curs.connection.transaction():  # a savepoint
                            curs.execute(statement, prepare=False)
                    except pg.DuplicateObject:
                        pass
            self._create_table(curs)
        self.datastore.register_type_adapters()

    def _under_ddl_lock(self, curs: Any) -> None:
        """Look again at what exists, now that no one else is creating it (what was seen before may be stale)."""


class ResilientPostgresDatastore(PostgresDatastore):
    """A datastore whose connections are waited for at most ``db_timeout`` seconds, and not at all while the
    server is known to be unreachable (503 at once; one probe every half second finds it back)."""

    def __init__(self, *args: Any, db_timeout: float, **kwargs: Any) -> None:
        kwargs["connect_timeout"] = db_timeout
        super().__init__(*args, **kwargs)
        harden_pool(self.pool, db_timeout)
        where = f"{kwargs.get('host', '')}:{kwargs.get('port', '')}/{kwargs.get('dbname', '')}"
        self.breaker = Breaker(f"PostgreSQL {where}")
        self._drain = drainer()

    @classmethod
    def replacing(cls, old: PostgresDatastore, db_timeout: float) -> ResilientPostgresDatastore:
        """The same datastore (as eventsourcing's factory configured it from the environment), hardened."""
        options = old.pool.kwargs if isinstance(old.pool.kwargs, dict) else {}
        new = cls(
            dbname=options.get("dbname", ""),
            host=options.get("host", ""),
            port=options.get("port", 5432),
            user=options.get("user", ""),
            password=options.get("password", ""),
            idle_in_transaction_session_timeout=old.idle_in_transaction_session_timeout,
            pool_size=old.pool.min_size,
            max_overflow=old.pool.max_size - old.pool.min_size,
            max_waiting=old.pool.max_waiting,
            conn_max_age=old.pool.max_lifetime,
            pre_ping=old.pre_ping,
            lock_timeout=old.lock_timeout,
            schema=old.schema,
            pool_open_timeout=old.pool_open_timeout,
            get_password_func=old.pool.get_password_func,
            single_row_tracking=old.single_row_tracking,
            originator_id_type=old.originator_id_type,
            enable_db_functions=old.enable_db_functions,
            db_timeout=db_timeout,
        )
        old.close()
        return new

    @contextmanager
    def get_connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection with the type adapters registered; psycopg's errors become eventsourcing's."""
        try:
            wait = self.pool_open_timeout is not None
            self.pool.open(wait, self.pool_open_timeout or 30.0)
            with guarded_connection(self.pool, self.breaker, self._drain) as conn:
                for info in self.psycopg_type_adapters.values():
                    if not conn.adapters.types.get(info.oid):
                        register_composite(info, conn)
                yield conn
        except psycopg.Error as error:
            translated = next(target for source, target in _TRANSLATED if isinstance(error, source))
            raise translated(str(error)) from error
