"""Liveness, readiness and Prometheus metrics (no token needed)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import ServicesDep
from api.metrics import render
from api.schemas.reads import Health

router = APIRouter(tags=["operations"])
log = logging.getLogger("arrears.api")


@router.get("/healthz", summary="Liveness")
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    responses={503: {"model": Health, "description": "the store is not reachable"}},
)
def readyz(services: ServicesDep) -> Response:
    """The event store and the idempotency table answer; the projections' lag is reported."""
    checks: dict[str, str] = {}
    try:
        position = services.container.store.recorder.max_notification_id()
        checks["event_store"] = f"ok (position {position or 0})"
    except Exception as error:
        log.warning("readiness: event store unreachable: %s", error)
        checks["event_store"] = "unreachable"
    try:
        services.idempotency.ping()
        checks["idempotency_keys"] = "ok"
    except Exception as error:
        log.warning("readiness: idempotency table unreachable: %s", error)
        checks["idempotency_keys"] = "unreachable"
    ready = all(v.startswith("ok") for v in checks.values())
    try:  # lag is reported, not a reason to stop serving: each read catches its views up first
        lag = services.container.read_model.lag()
        checks["projections"] = f"lag {max(lag.values(), default=0)} events"
    except Exception as error:
        log.warning("readiness: projections unreadable: %s", error)
        checks["projections"] = "unreadable"
    body = Health(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "text format 0.0.4"}},
)
def metrics(services: ServicesDep) -> Response:
    """Request counts and latencies, and each projection's position and lag, in Prometheus' text format."""
    body, content_type = render()
    try:
        body += services.container.read_model.metrics().encode()
    except Exception as error:  # the request metrics are still worth answering with
        log.warning("metrics: projections unreadable: %s", error)
    return Response(body, media_type=content_type)
