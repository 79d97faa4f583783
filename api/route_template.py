"""The route template a request is counted under in /metrics, for every request: one the router answered, one
answered before routing (an idempotent replay, a 413), and the documentation's own routes and files."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.routing import BaseRoute, Match, Mount

from api.matrix import api_routes

UNMATCHED = "unmatched"


def route_template(scope: MutableMapping[str, Any]) -> str:
    """``/v1/cases/{case_id}/payments`` rather than the path asked for (which would make a series per case)."""
    path = getattr(scope.get("route"), "path", None)
    if path:
        return str(path)
    asked = dict(scope)  # a mount moved root_path on when it matched; match from where the app stands
    asked["root_path"] = scope.get("app_root_path", scope.get("root_path", ""))
    for route in _routes(scope):
        match, _ = route.matches(asked)
        if match is not Match.NONE:  # FULL, or PARTIAL: the path is known but not with this method (405)
            template = str(getattr(route, "path", "") or UNMATCHED)
            return f"{template}/{{path}}" if isinstance(route, Mount) else template
    return UNMATCHED


def _routes(scope: MutableMapping[str, Any]) -> list[BaseRoute]:
    """The app's own routes (docs, openapi.json, the docs' files) and the API routers' routes, found once per app."""
    app = scope.get("app")
    state = getattr(app, "state", None)
    found: list[BaseRoute] | None = getattr(state, "metric_routes", None) if state is not None else None
    if found is None:
        own = [r for r in getattr(getattr(app, "router", None), "routes", []) if hasattr(r, "path")]
        found = [*own, *api_routes()]
        if state is not None:
            state.metric_routes = found
    return found
