"""The FastAPI application: ``create_app()`` wires routers, errors and middleware; the lifespan bootstraps once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from api.docs import install_offline_docs
from api.errors import install_error_handlers
from api.matrix import api_routes
from api.middleware import ApiMiddleware
from api.openapi import openapi_document
from api.routers import ROUTERS
from api.services import Bootstrap, Services, build_services
from application.bootstrap import bootstrap
from infrastructure.clock import Clock
from infrastructure.gc_tuning import tune_gc
from infrastructure.scheduling import PeriodicRunner
from infrastructure.settings import Settings

log = logging.getLogger("arrears.api")
DESCRIPTION = """Collections case tracking for corporate overdue loans.

Send `Authorization: Bearer <token>` (get one with `.venv/bin/arrears token issue --user U --role R`).
Errors are `application/problem+json` (RFC 9457). Case responses carry `ETag: "<version>"`;
writes accept `If-Match`. POSTs accept `Idempotency-Key`. Amounts are decimal strings, times
ISO 8601 with an offset, ids UUIDs."""


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    bootstrap_fn: Bootstrap = bootstrap,
    services: Services | None = None,
    run_scheduler: bool = False,
) -> FastAPI:
    """The API; the composition root runs once, in the lifespan.

    Tests pass settings, a clock or a bootstrap function; or services they built (and will close) themselves.
    ``run_scheduler`` (``arrears serve``) ticks the deadline scheduler every ``scheduler_tick_seconds`` and publishes a
    witnessed checkpoint of the transparency log every ``checkpoint_seconds``.
    """

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        if services is not None:
            api.state.services = services
            yield
            return
        built = build_services(settings, clock, bootstrap_fn)
        api.state.services = built
        limit_threads(built.settings.api_threads)
        seconds = built.settings.scheduler_tick_seconds
        ticker = PeriodicRunner(built.container.scheduler.tick, seconds) if run_scheduler and seconds > 0 else None
        checkpoints = built.container.checkpoint_runner() if run_scheduler else None
        runners = [runner for runner in (ticker, checkpoints) if runner is not None]
        try:
            for runner in runners:
                runner.start()
            yield
        finally:
            for runner in runners:
                runner.stop()
            built.close()

    api = FastAPI(
        title="arrears",
        version="1",
        summary="Event-sourced corporate overdue-loan collections",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from an installed package instead of a CDN: api.docs
        redoc_url=None,
    )
    install_offline_docs(api)
    install_error_handlers(api, api_routes)
    api.add_middleware(ApiMiddleware)
    for router in ROUTERS:
        api.include_router(router)
    api.openapi = lambda: openapi_document(api)  # type: ignore[method-assign]
    return api


def create_serving_app() -> FastAPI:
    """The app ``arrears serve --workers N`` runs in each worker process: the API and the scheduler."""
    tune_gc()
    return create_app(run_scheduler=True)


def limit_threads(threads: int) -> None:
    """Reads and imports run in the thread pool (writes run on the event loop, see ``api.deps``); a few
    threads per process keep them from crowding the loop out of the GIL."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
