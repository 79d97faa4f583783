"""The composition root: settings → infrastructure → application, once per process."""

from __future__ import annotations

from dataclasses import dataclass

from application.app import CollectionsApp
from infrastructure.clock import Clock, SystemClock
from infrastructure.environment import eventsourcing_env
from infrastructure.settings import Settings


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    clock: Clock
    app: CollectionsApp

    def close(self) -> None:
        """Release connections."""
        self.app.close()


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Container:
    """Build the application from settings (environment variables by default)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    app = CollectionsApp(env=eventsourcing_env(settings), clock=clock, snapshot_interval=settings.snapshot_interval)
    return Container(settings=settings, clock=clock, app=app)
