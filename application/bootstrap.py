"""The composition root: settings → infrastructure → application, once per process."""

from __future__ import annotations

from dataclasses import dataclass

from application.app import CollectionsApp
from infrastructure.clock import Clock, SystemClock
from infrastructure.environment import eventsourcing_env
from infrastructure.settings import Settings
from infrastructure.view_store import view_store
from projections.catalogue import all_views
from projections.read_model import ReadModel
from projections.runtime import ProjectionRuntime


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    clock: Clock
    app: CollectionsApp
    #: the projections' runtime (catch_up(), start()/stop() to follow the log, rebuild(), status())
    projections: ProjectionRuntime
    #: the read interface served from the views
    read_model: ReadModel

    def close(self) -> None:
        """Stop following the log and release connections."""
        self.projections.stop()
        self.app.close()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Container:
    """Build the application from settings (environment variables by default)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    app = CollectionsApp(env=eventsourcing_env(settings), clock=clock, snapshot_interval=settings.snapshot_interval)
    audit_key = settings.audit_key.get_secret_value().encode() if settings.audit_key is not None else None
    store = view_store(app)
    runtime = ProjectionRuntime(
        app,
        store,
        all_views(audit_key),
        batch_size=settings.projection_batch_size,
        poll_seconds=settings.projection_poll_seconds,
        throttle_seconds=settings.projection_throttle_seconds,
    )
    read_model = ReadModel(store, runtime, app, audit_key)
    return Container(settings=settings, clock=clock, app=app, projections=runtime, read_model=read_model)
