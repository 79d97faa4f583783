"""The persistence module arrears gives eventsourcing for PostgreSQL (``PERSISTENCE_MODULE``): eventsourcing's factory
with the hardened datastore and recorders whose tables are created under the schema's DDL lock."""

from __future__ import annotations

from eventsourcing.postgres import PostgresAggregateRecorder, PostgresFactory
from eventsourcing.utils import Environment, EnvType

from infrastructure.postgres_datastore import ResilientPostgresDatastore, SchemaLockedCreate
from infrastructure.postgres_recorder import LockedInsertPostgresRecorder


class LockedCreateAggregateRecorder(SchemaLockedCreate, PostgresAggregateRecorder):
    """eventsourcing's aggregate recorder (the snapshots table), its table created under the DDL lock."""


class ArrearsPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory, configured from the same environment, with bounded waits
    (``DB_TIMEOUT_SECONDS``) and concurrency-safe table creation."""

    DB_TIMEOUT_SECONDS = "DB_TIMEOUT_SECONDS"
    aggregate_recorder_class = LockedCreateAggregateRecorder
    application_recorder_class = LockedInsertPostgresRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        timeout = float(self.env.get(self.DB_TIMEOUT_SECONDS) or 2.0)
        self.datastore = ResilientPostgresDatastore.replacing(self.datastore, timeout)
