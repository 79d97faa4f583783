"""The OpenAPI document: errors as application/problem+json, the bearer scheme, the headers writes read.

Responses that create something carry OpenAPI links to the operations that take its id (in the path or in
the body), so a stateful client (schemathesis) can follow them: enterprise → its reads and writes and opening
a case on it; case → every operation on the case; task, plan, promise... → what takes that id.

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
    add_links(schema)
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


#: ids a created resource is reached by, besides the ones it creates (a created task lives in its case)
_SCOPES = ("enterprise_id", "case_id")


def _schema_properties(schema: dict[str, Any], node: dict[str, Any] | None) -> set[str]:
    """The property names of a (possibly $ref'd) JSON schema."""
    if not node:
        return set()
    reference = node.get("$ref")
    if reference:
        node = schema["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
    return set((node or {}).get("properties", {}))


def add_links(schema: dict[str, Any]) -> None:
    """Links from each 201 that hands out a new id to every operation taking that id."""
    operations = [
        (path, method, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]

    def path_params(operation: dict[str, Any]) -> set[str]:
        return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}

    def body_properties(operation: dict[str, Any]) -> set[str]:
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        return _schema_properties(schema, content.get("schema"))

    for source_path, _, source in operations:
        created = source.get("responses", {}).get("201")
        if created is None:
            continue
        returned = _schema_properties(schema, created.get("content", {}).get("application/json", {}).get("schema"))
        new_ids = {name for name in returned if name.endswith("_id")} - path_params(source)
        if not new_ids:
            continue
        links: dict[str, Any] = {}
        for _, _, target in operations:
            if target is source:
                continue
            in_path, in_body = path_params(target), body_properties(target)
            uses = new_ids & (in_path | in_body)
            if not uses or not in_path <= returned | path_params(source):
                continue
            parameters = {f"path.{name}": _from(source_path, name) for name in sorted(in_path)}
            link: dict[str, Any] = {"operationId": target["operationId"], "parameters": parameters}
            body = {name: f"$response.body#/{name}" for name in sorted(uses & in_body - in_path)}
            if body:
                link["requestBody"] = body
            links[target["operationId"]] = link
        if links:
            created["links"] = links


def _from(source_path: str, name: str) -> str:
    """Where a link takes a path parameter: the source's own path, or the body it answered."""
    return f"$request.path.{name}" if "{" + name + "}" in source_path else f"$response.body#/{name}"
