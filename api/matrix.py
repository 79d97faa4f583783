"""The permission matrix as the routes declare it: for the README and the auth tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute

from api.auth import USER_ROLES
from api.permissions import MATRIX, Permission
from api.routers import ROUTERS


@dataclass(frozen=True)
class RouteRule:
    """A route and the permission it needs (None: no token needed)."""

    method: str
    path: str
    permission: Permission | None


def declared(dependant: Any, attribute: str) -> Iterator[Any]:
    """What the route's dependencies declare under ``attribute`` (``permission``, ``headers``), outermost first."""
    for dependency in dependant.dependencies:
        value = getattr(dependency.call, attribute, None)
        if value is not None:
            yield value
        yield from declared(dependency, attribute)


def api_routes() -> Iterator[APIRoute]:
    """Every route of the API's routers that the OpenAPI document shows."""
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                yield route


def route_rules() -> list[RouteRule]:
    """Every API route with the permission it requires."""
    rules = []
    for route in api_routes():
        found = list(declared(route.dependant, "permission"))
        for method in sorted(route.methods or ()):
            rules.append(RouteRule(method, route.path, found[0] if found else None))
    return rules


def markdown() -> str:
    """The route-by-role matrix as a Markdown table (✓ allowed, · refused with 403)."""
    header = "| route | " + " | ".join(r.value for r in USER_ROLES) + " |"
    lines = [header, "|---|" + "---|" * len(USER_ROLES)]
    for rule in route_rules():
        if rule.permission is None:
            cells = ["open"] * len(USER_ROLES)
        else:
            cells = ["✓" if role in MATRIX[rule.permission] else "·" for role in USER_ROLES]
        lines.append(f"| `{rule.method} {rule.path}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
