"""Every router of the API, in the order the OpenAPI document lists them (read by main, matrix and openapi)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    case_acts,
    cases,
    collaboration,
    commitments,
    contacts,
    enterprises,
    health,
    history,
    imports,
    ledger,
    legal,
    log,
    policy,
    queues,
    reports,
)

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        enterprises,
        imports,
        cases,
        contacts,
        commitments,
        ledger,
        collaboration,
        case_acts,
        legal,
        policy,
        history,
        queues,
        reports,
        health,
        log,
    )
)
