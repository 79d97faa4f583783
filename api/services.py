"""What the API process holds: built once in the lifespan from the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.auth import TokenCodec
from application.app import CollectionsApp
from application.bootstrap import Container, bootstrap
from infrastructure.clock import Clock
from infrastructure.idempotency import IdempotencyStore, idempotency_store
from infrastructure.secret_key import resolve_secret_key
from infrastructure.settings import Settings

Bootstrap = Callable[[Settings | None, Clock | None], Container]


@dataclass
class Services:
    """The container plus the API's own infrastructure."""

    container: Container
    idempotency: IdempotencyStore
    tokens: TokenCodec

    @property
    def app(self) -> CollectionsApp:
        """The application."""
        return self.container.app

    @property
    def settings(self) -> Settings:
        """The settings."""
        return self.container.settings

    def close(self) -> None:
        """Release connections."""
        self.idempotency.close()
        self.container.close()


def build_services(settings: Settings | None, clock: Clock | None, bootstrap_fn: Bootstrap = bootstrap) -> Services:
    """Call the composition root once and add the API's read model, idempotency store and token codec."""
    container = bootstrap_fn(settings, clock)
    try:
        container.projections.catch_up()  # a fresh process answers its first read without a backlog
        return Services(
            container=container,
            idempotency=idempotency_store(container.settings),
            tokens=TokenCodec(resolve_secret_key(container.settings)),
        )
    except BaseException:
        container.close()
        raise
