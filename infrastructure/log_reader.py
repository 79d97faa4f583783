"""Pages of the event log as plain rows, for projections: (position, originator id, version, topic, state).

eventsourcing's ``select_notifications`` builds a dict per row and a ``Notification`` per event; a rebuild reads
every event once per process, and those two objects cost about as much as decoding the event's JSON. These are the
same rows, in the same order, read with the same statement shape (positions after ``start``, ascending).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

#: one event of the log as projections read it
LogRow = tuple[int, UUID | str, int, str, bytes]


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def read_log(recorder: Any, start: int, limit: int, stop: int | None = None) -> list[LogRow]:
    """Up to ``limit`` events recorded after position ``start`` (and at or before ``stop``), in log order (retried
    as eventsourcing retries its own reads: the database going away for a moment is not an error of the log)."""
    bound = 2**62 if stop is None else stop
    if isinstance(recorder.datastore, PostgresDatastore):
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {schema}.{table} "
            "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, bound, limit), prepare=True)
            return curs.fetchall()
    with recorder.datastore.transaction(commit=False) as curs:  # SQLite: the rowid is the position
        curs.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
            (start, bound, limit),
        )
        as_id = recorder.convert_originator_id  # stored as hex text: back to the UUID eventsourcing reads
        return [(row[0], as_id(row[1]), row[2], row[3], row[4]) for row in curs.fetchall()]
