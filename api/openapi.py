"""The OpenAPI document: errors as application/problem+json, the bearer scheme, the headers writes read.

The routes' dependencies read the Authorization, If-Match and Idempotency-Key headers themselves (see
``api.deps``), so FastAPI does not see them; the document declares them from what those dependencies
carry: a ``permission`` (the route needs a bearer token) and ``headers`` (OpenAPI header parameters).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.errors import PROBLEM_JSON
from api.matrix import api_routes, declared

#: the security scheme's name (FastAPI's own name for an HTTPBearer dependency)
BEARER = "HTTPBearer"
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "a token from `arrears token issue --user U --role R`",
}


def openapi_document(api: FastAPI) -> dict[str, Any]:
    """The document, built once."""
    if api.openapi_schema:
        return api.openapi_schema
    schema = get_openapi(
        title=api.title,
        version=api.version,
        summary=api.summary,
        description=api.description,
        routes=api.routes,
    )
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for code, response in operation.get("responses", {}).items():
                if code.isdigit() and int(code) >= 400 and int(code) != 503:
                    response["content"] = {PROBLEM_JSON: {"schema": problem_ref}}
    declare_auth_and_headers(schema)
    components = schema.setdefault("components", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.setdefault("schemas", {}).pop(unused, None)
    api.openapi_schema = schema
    return schema


def declare_auth_and_headers(schema: dict[str, Any]) -> None:
    """Bearer security on every route that needs a permission; the header parameters writes read."""
    for route in api_routes():
        needs_token = any(True for _ in declared(route.dependant, "permission"))
        headers = [parameter for group in declared(route.dependant, "headers") for parameter in group]
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            if needs_token:
                operation["security"] = [{BEARER: []}]
            if headers:
                operation["parameters"] = [*operation.get("parameters", []), *headers]
    schema.setdefault("components", {}).setdefault("securitySchemes", {})[BEARER] = BEARER_SCHEME
