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
    """The event store and the idempotency table answer."""
    checks: dict[str, str] = {}
    try:
        position = services.app.recorder.max_notification_id()
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
    body = Health(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "text format 0.0.4"}},
)
def metrics() -> Response:
    """Request counts and latencies in Prometheus' text format."""
    body, content_type = render()
    return Response(body, media_type=content_type)
