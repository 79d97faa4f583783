"""The FastAPI application: ``create_app()`` wires routers, errors and middleware; the lifespan bootstraps once."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

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
from infrastructure.lease import FileLease
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
    ``run_scheduler`` (``arrears serve``) makes the process a whole server: it follows the log (every view kept
    current without ``arrears worker``), ticks the deadline scheduler every ``scheduler_tick_seconds``, publishes a
    witnessed checkpoint of the transparency log every ``checkpoint_seconds`` and purges Idempotency-Keys past their
    retention every ``PURGE_SECONDS``.
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
        runners = serving_runners(built) if run_scheduler else []
        follower = log_follower(built) if run_scheduler else None
        try:
            if follower is not None:
                follower.begin()  # the views follow the log in this process (or in a sibling worker)
            for runner in runners:
                runner.start()
            yield
        finally:
            for runner in runners:
                runner.stop()
            if follower is not None:
                follower.release()
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


#: how often a serving process forgets Idempotency-Keys past their retention
PURGE_SECONDS = 3600.0


def serving_runners(services: Services) -> list[PeriodicRunner]:
    """What a serving process runs besides requests: the deadline scheduler's tick, the purge of old keys and the
    transparency log's checkpoints."""
    runners = [PeriodicRunner(lambda: purge_keys(services), PURGE_SECONDS, name="idempotency-purge")]
    seconds = services.settings.scheduler_tick_seconds
    if seconds > 0:
        runners.append(PeriodicRunner(services.container.scheduler.tick, seconds))
    checkpoints = services.container.checkpoint_runner()  # the transparency log's witnessed checkpoints
    if checkpoints is not None:
        runners.append(checkpoints)
    return runners


def purge_keys(services: Services) -> int:
    """Forget the Idempotency-Keys past their retention; how many."""
    purged = services.idempotency.purge()
    if purged:
        log.info(
            "forgot %d Idempotency-Key(s) older than %d s", purged, services.settings.idempotency_retention_seconds
        )
    return purged


#: set by ``arrears serve --workers N`` for its workers: the file whose lock names the one that follows the log
FOLLOWER_LOCK_ENV = "ARREARS_SERVE_FOLLOWER_LOCK"


def log_follower(services: Services) -> FileLease:
    """What keeps the views current in a serving process: the projections' follower, run by the one worker of a
    ``serve --workers N`` holding the lock (another takes over within a second if it exits), or by this process."""
    runtime = services.container.projections
    path = os.environ.get(FOLLOWER_LOCK_ENV)
    lock = Path(path) if path else Path(tempfile.mkdtemp(prefix="arrears-follower-")) / "follower.lock"
    return FileLease(lock, runtime.start, runtime.stop, "log follower")


def create_serving_app() -> FastAPI:
    """The app ``arrears serve --workers N`` runs in each worker process: the API and the scheduler."""
    tune_gc()
    return create_app(run_scheduler=True)


def limit_threads(threads: int) -> None:
    """Reads and imports run in the thread pool (writes run on the event loop, see ``api.deps``); a few
    threads per process keep them from crowding the loop out of the GIL."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
