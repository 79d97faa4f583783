"""The PostgreSQL event recorder with a one-round-trip insert.

eventsourcing's recorder sends ``SET LOCAL lock_timeout``, ``LOCK TABLE``, ``NOTIFY`` and the
``INSERT`` in a pipelined transaction with several syncs. This recorder does the same work, in the
same order and under the same EXCLUSIVE table lock (so notification ids commit in order and
followers never skip a gap), inside one server-side function called in one statement. Its statements,
and those selecting an aggregate's events, are composed once per shape rather than on every call.

Each insert also writes its events' transparency-log leaves (``infrastructure.tlog_store``), hashed in SQL in the
same statement, so no event is recorded without its leaf and no leaf without its event.

A write made under an Idempotency-Key calls the keyed variant, which also writes the key's row (what the
unit of work returned, ``infrastructure.keyed_writes``) in the same transaction: one round trip still.

The event loop of an API process hands its inserts to a thread and awaits them (``infrastructure.async_insert``),
grouped the same way.

Commands of a process's threads that are ready to insert while another insert is under way are inserted together
by the group variant, in one transaction (``infrastructure.group_insert``): their events from parallel arrays,
their key rows likewise.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, cast
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Connection
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from infrastructure.async_insert import AsyncInserter, Queued
from infrastructure.group_insert import GroupInserter, Pending, split_ids
from infrastructure.keyed_writes import KEYS_TABLE, KeyRow, key_row
from infrastructure.postgres_datastore import SchemaLockedCreate
from infrastructure.read_set import STALE_SQLSTATE, Reads, StaleFacts, checked_reads, read_text, stale
from infrastructure.tlog_store import LEAVES, PG_LEAF_HASH, leaves_ddl

#: the body of a function that inserts events (``{insert}``: from its parameters), locked, the facts its commands
#: read checked (``infrastructure.read_set``: none of the aggregates read has an event past the version read), notified
_INSERT = (
    "SET LOCAL lock_timeout = '{lock_timeout}s'; "
    "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
    "IF read_ids <> '' AND EXISTS (SELECT 1 FROM unnest(string_to_array(read_ids, ',')::{id_type}[], "
    "string_to_array(read_versions, ',')::bigint[]) AS r(i, v) "
    "CROSS JOIN LATERAL (SELECT 1 FROM {schema}.{table} t WHERE t.originator_id = r.i "
    "AND t.originator_version > r.v LIMIT 1) AS later) THEN "  # an index probe per fact (a plain join was a scan)
    "RAISE EXCEPTION 'a fact read changed' USING ERRCODE = '" + STALE_SQLSTATE + "'; END IF; "
    "NOTIFY {channel}; "
    "RETURN QUERY WITH added AS (INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
)
#: the end of the events' INSERT without leaves (for ``bench/bench_tlog.py``'s comparison only)
NO_LEAVES = "RETURNING notification_id) SELECT notification_id FROM added ORDER BY notification_id; "
#: after the events' INSERT (``added``, returning their rows): their transparency-log leaves, at the next indexes
#: (the table lock serialises writers), then their notification ids
_LEAVES = (
    "RETURNING notification_id, originator_id, originator_version, topic, state), "
    "leaves AS (INSERT INTO {schema}.{leaves} (leaf_index, position, hash) "
    "SELECT (SELECT COALESCE(MAX(leaf_index), -1) FROM {schema}.{leaves}) "
    "+ row_number() OVER (ORDER BY notification_id), "
    "notification_id, " + PG_LEAF_HASH.format(row="") + " FROM added) "
    "SELECT notification_id FROM added ORDER BY notification_id; "
)
#: the key's row, written after the events in the same function (so in their transaction)
_KEY = (
    "INSERT INTO {schema}.{keys} (user_id, idem_key, request_hash, created_at, outcome) "
    "VALUES (key_user, key_id, key_hash, extract(epoch from clock_timestamp()), key_outcome) "
    "ON CONFLICT (user_id, idem_key) DO UPDATE SET outcome = EXCLUDED.outcome; "
)
_KEY_PARAMS = ", key_user text, key_id text, key_hash text, key_outcome bytea"
#: the facts read (aggregate ids and versions, comma-separated: dumping two lists cost a tenth of a command's
#: Python), the last parameters of every insert function of one command
_READ_PARAMS = ", read_ids text, read_versions text"
#: the facts read, as arguments
_READ_ARGS = ", %s, %s"
#: a group of commands' events and key rows, as parallel arrays (arrays of scalars dump fast)
_GROUP = (
    "CREATE OR REPLACE FUNCTION {schema}.{group}(ids {id_type}[], versions bigint[], topics text[], states bytea[], "
    "cmds int[], key_users text[], key_ids text[], key_hashes text[], key_outcomes bytea[], key_cmds int[], "
    "read_ids {id_type}[], read_versions bigint[], read_cmds int[]) "
    "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ DECLARE lost int[]; BEGIN "
    "SET LOCAL lock_timeout = '{lock_timeout}s'; "
    "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
    # the commands that cannot be recorded as decided: a version of theirs taken, or a fact they read moved on
    "SELECT coalesce(array_agg(DISTINCT c), ARRAY[]::int[]) INTO lost FROM ("
    "SELECT e.c FROM unnest(ids, versions, cmds) AS e(i, v, c) CROSS JOIN LATERAL (SELECT 1 FROM {schema}.{table} t "
    "WHERE t.originator_id = e.i AND t.originator_version = e.v LIMIT 1) AS taken UNION ALL "
    "SELECT r.c FROM unnest(read_ids, read_versions, read_cmds) AS r(i, v, c) CROSS JOIN LATERAL (SELECT 1 FROM "
    "{schema}.{table} t WHERE t.originator_id = r.i AND t.originator_version > r.v LIMIT 1) AS moved) AS losers; "
    "NOTIFY {channel}; "
    "RETURN QUERY WITH added AS (INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
    "SELECT i, v, tp, st FROM unnest(ids, versions, topics, states, cmds) AS e(i, v, tp, st, c) "
    "WHERE NOT (c = ANY(lost)) {leaves_sql}"
    "RETURN QUERY SELECT (-1 - c)::bigint FROM unnest(lost) AS c; "  # each left out, as -1 - its index
    "IF cardinality(key_users) > 0 THEN "
    "INSERT INTO {schema}.{keys} (user_id, idem_key, request_hash, created_at, outcome) "
    "SELECT u, k, h, extract(epoch from clock_timestamp()), o FROM unnest(key_users, key_ids, key_hashes, "
    "key_outcomes, key_cmds) AS given(u, k, h, o, c) WHERE NOT (c = ANY(lost)) "
    "ON CONFLICT (user_id, idem_key) DO UPDATE SET outcome = EXCLUDED.outcome; "
    "END IF; END; $BODY$"
)
#: the group function's arguments (typed where an empty array would have no type of its own)
_GROUP_ARGS = "%s, %s, %s, %s, %s::int[], %s, %s, %s, %s, %s::int[], %s::{id_type}[], %s::bigint[], %s::int[]"


class LockedInsertPostgresRecorder(SchemaLockedCreate, PostgresApplicationRecorder):
    """Inserts a command's events, locked and notified, in a single round trip (tables created under the DDL lock)."""

    #: what follows the events' INSERT in every insert function: their leaves (``bench/bench_tlog.py`` measures a
    #: subclass without them, to price the tree on the write path)
    leaves_sql = _LEAVES

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_create_statements.append(  # the transparency log's leaves, written by the insert functions
            SQL(leaves_ddl("BYTEA", "{schema}.")).format(schema=Identifier(self.datastore.schema))
        )
        self.locked_insert_function = f"{self.events_table_name}_locked_insert"
        self.check_identifier_length(self.locked_insert_function)
        many = "events {schema}.{event}[]"
        one = "event_originator_id {id_type}, event_version bigint, event_topic text, event_state bytea"
        from_many = "SELECT originator_id, originator_version, topic, state FROM unnest(events) " + self.leaves_sql
        # the usual command records one event: scalar parameters dump much faster than an array of composites
        from_one = "VALUES (event_originator_id, event_version, event_topic, event_state) " + self.leaves_sql
        self.keyed_insert_function = f"{self.events_table_name}_keyed_insert"
        self.check_identifier_length(self.keyed_insert_function)
        for function, params, insert, key in (
            ("{function}", many, from_many, ""),
            ("{function}", one, from_one, ""),
            ("{keyed}", many + _KEY_PARAMS, from_many, _KEY),
            ("{keyed}", one + _KEY_PARAMS, from_one, _KEY),
        ):
            self.sql_create_statements.append(
                SQL(
                    "CREATE OR REPLACE FUNCTION {schema}." + function + "(" + params + _READ_PARAMS + ") "
                    "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN " + _INSERT + insert + key + "END; $BODY$"
                ).format(
                    schema=Identifier(self.datastore.schema),
                    function=Identifier(self.locked_insert_function),
                    keyed=Identifier(self.keyed_insert_function),
                    event=Identifier(self.stored_event_type_name),
                    id_type=Identifier(self.datastore.originator_id_type),
                    lock_timeout=self.datastore.lock_timeout,
                    table=Identifier(self.events_table_name),
                    keys=Identifier(KEYS_TABLE),
                    leaves=Identifier(LEAVES),
                    channel=Identifier(self.channel_name),
                )
            )
        self.sql_locked_insert = self._call(self.locked_insert_function, 1)
        self.sql_locked_insert_one = self._call(self.locked_insert_function, 4)
        self.sql_keyed_insert = self._call(self.keyed_insert_function, 5)
        self.sql_keyed_insert_one = self._call(self.keyed_insert_function, 8)
        self.group_insert_function = f"{self.events_table_name}_group_insert"
        self.check_identifier_length(self.group_insert_function)
        self.sql_create_statements.append(
            SQL(_GROUP.replace("{leaves_sql}", self.leaves_sql)).format(
                schema=Identifier(self.datastore.schema),
                group=Identifier(self.group_insert_function),
                id_type=Identifier(self.datastore.originator_id_type),
                lock_timeout=self.datastore.lock_timeout,
                table=Identifier(self.events_table_name),
                keys=Identifier(KEYS_TABLE),
                leaves=Identifier(LEAVES),
                channel=Identifier(self.channel_name),
            )
        )
        self.sql_group_insert = SQL("SELECT * FROM {schema}.{function}(" + _GROUP_ARGS + ")").format(
            schema=Identifier(self.datastore.schema),
            function=Identifier(self.group_insert_function),
            id_type=Identifier(self.datastore.originator_id_type),
        )
        self._sql_text: dict[Hashable, bytes] = {}
        #: groups the inserts of this process's threads (``infrastructure.group_insert``)
        self.group = GroupInserter(self._insert_once, self._insert_group, final=(IntegrityError, StaleFacts))
        #: inserts the event loop hands over and awaits (``infrastructure.async_insert``)
        self.handed_over = AsyncInserter(self._insert_alone, self._insert_group)

    def _call(self, function: str, arguments: int) -> Composed:
        """``SELECT * FROM function(...)`` with this many arguments, then the facts read (``_READ_ARGS``)."""
        return SQL("SELECT * FROM {schema}.{function}(" + ", ".join(["%s"] * arguments) + _READ_ARGS + ")").format(
            schema=Identifier(self.datastore.schema),
            function=Identifier(function),
            id_type=Identifier(self.datastore.originator_id_type),
        )

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert the events, in a group with other threads' if some are ready (``infrastructure.group_insert``),
        else alone; returns their notification ids."""
        if not stored_events:
            return []
        key, reads = key_row(), checked_reads()
        grouped = self.group.insert(stored_events, key, reads)
        if grouped is not None:
            return grouped
        return self._insert_alone(stored_events, key, reads)

    def submit_events(self, stored_events: Sequence[StoredEvent]) -> Queued:
        """Hand the events (with the key row they commit with and the reads they check) to this process's insert
        thread; the future answers their notification ids (``infrastructure.async_insert``)."""
        return self.handed_over.submit(stored_events, key_row(), checked_reads())

    def _insert_group(self, group: Sequence[Pending]) -> list[list[int] | None]:
        """Insert a group of commands' events and key rows in one statement (one transaction); a command whose
        version is taken or whose facts read moved on is left out (None): it is then inserted alone, to find out."""
        events = [(n, event) for n, pending in enumerate(group) for event in pending.events]
        keys = [(n, pending.key) for n, pending in enumerate(group) if pending.key is not None]
        reads = [(n, read) for n, pending in enumerate(group) for read in (pending.reads or {}).items()]
        arrays = (
            [e.originator_id for _, e in events],
            [e.originator_version for _, e in events],
            [e.topic for _, e in events],
            [e.state for _, e in events],
            [n for n, _ in events],
            [key.user_id for _, key in keys],
            [key.key for _, key in keys],
            [key.request_hash for _, key in keys],
            [key.outcome for _, key in keys],
            [n for n, _ in keys],
            [aggregate_id for _, (aggregate_id, _version) in reads],
            [version for _, (_aggregate_id, version) in reads],
            [n for n, _ in reads],
        )
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self._text(conn, "group", lambda: self.sql_group_insert), arrays, prepare=True)
            return split_ids(group, [row[0] for row in curs.fetchall()])

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_alone(
        self, stored_events: Sequence[StoredEvent], key: KeyRow | None, reads: Reads | None = None
    ) -> Sequence[int] | None:
        """``_insert_once``, retried while the database is unreachable."""
        return self._insert_once(stored_events, key, reads)

    def _insert_once(
        self, stored_events: Sequence[StoredEvent], key: KeyRow | None, reads: Reads | None = None
    ) -> Sequence[int] | None:
        """Insert one command's events in one statement (its own transaction); returns their notification ids, or
        StaleFacts when a fact its decision read has changed (``infrastructure.read_set``)."""
        keyed: tuple[Any, ...] = () if key is None else (key.user_id, key.key, key.request_hash, key.outcome)
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            if len(stored_events) == 1:
                event = stored_events[0]
                params: tuple[Any, ...] = (event.originator_id, event.originator_version, event.topic, event.state)
                shape, statement = (
                    ("one+key", self.sql_keyed_insert_one) if keyed else ("one", self.sql_locked_insert_one)
                )
            else:
                rows = [
                    self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                    for e in stored_events
                ]
                params = (rows,)
                shape, statement = ("many+key", self.sql_keyed_insert) if keyed else ("many", self.sql_locked_insert)
            try:
                arguments = params + keyed + read_text(reads)
                curs.execute(self._text(conn, shape, lambda: statement), arguments, prepare=True)
            except psycopg.Error as error:
                if error.sqlstate == STALE_SQLSTATE:
                    raise stale(reads or {}) from error
                raise
            return [row[0] for row in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """An aggregate's events, as eventsourcing selects them, with each shape of the statement composed once
        (bringing a cached aggregate up to date is on the write path while other processes write it too)."""
        params: list[Any] = [originator_id, *(bound for bound in (gt, lte, limit) if bound is not None)]
        shape = (gt is not None, lte is not None, desc, limit is not None)
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self._text(conn, shape, lambda: self._select_statement(*shape)), params, prepare=True)
            return [
                # a NULL state (an altered store) reaches the mapper, which names the event (UnreadableEvent)
                StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2], state=_bytes(row[3]))
                for row in curs.fetchall()
            ]

    def _select_statement(self, gt: bool, lte: bool, desc: bool, limit: bool) -> Composed:
        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} WHERE originator_id = %s"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        if gt:
            statement += SQL(" AND originator_version > %s")
        if lte:
            statement += SQL(" AND originator_version <= %s")
        statement += SQL(" ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC")
        if limit:
            statement += SQL(" LIMIT %s")
        return statement

    def _text(self, conn: Connection[Any], shape: Hashable, compose: Callable[[], Composed]) -> bytes:
        """A statement of this shape as bytes, composed once (composing costs more than the insert's own Python)."""
        text = self._sql_text.get(shape)
        if text is None:
            text = self._sql_text[shape] = compose().as_bytes(conn)
        return text


def _bytes(value: Any) -> bytes:
    """A bytea column's value as bytes (NULL passed on as None, for the mapper to refuse by name)."""
    return bytes(value) if value is not None else cast(bytes, None)
