"""Query parameters a route does not take are refused (422 naming them), never silently ignored: ``?loan_id=`` on
the case list would otherwise answer every case."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.errors import ApiError

#: the query parameters each route takes, by the route's id (computed once per route)
_TAKEN: dict[int, frozenset[str]] = {}


def taken_by(route: object) -> frozenset[str]:
    """The names of the query parameters a route declares (its dependencies' too)."""
    found = _TAKEN.get(id(route))
    if found is None:
        dependant = getattr(route, "dependant", None)
        found = _TAKEN[id(route)] = frozenset(_query_names(dependant) if dependant is not None else ())
    return found


def _query_names(dependant: Any) -> set[str]:
    """The query parameters of a dependant and of its dependencies, by the names a URL gives them."""
    names = {field.alias for field in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def refuse_unknown_query(request: Request) -> None:
    """422 when the request's query string names a parameter its route does not take."""
    if not request.url.query:
        return
    route = request.scope.get("route")
    if route is None:
        return
    taken = taken_by(route)
    unknown = sorted({name for name in request.query_params if name not in taken})
    if unknown:
        names = ", ".join(unknown)
        takes = f"it takes {', '.join(sorted(taken))}" if taken else "it takes none"
        hint = " (find a case by loan id, firm name or credit code with q=)" if "loan_id" in unknown else ""
        raise ApiError(
            422,
            f"unknown query parameter{'s' if len(unknown) > 1 else ''} {names} for {request.url.path}: {takes}{hint}",
            code="unknown-parameter",
        )
