"""The HTTP reference page of the manual, rendered from the app's own OpenAPI document (``mkdocs_hooks.py``).

The page is never written by hand, so it cannot drift from the routes: each operation with its summary, its
parameters, its request body's fields and its answers; each schema's fields with their types and descriptions.
"""

from __future__ import annotations

from typing import Any

from api.main import create_app

Schema = dict[str, Any]


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _type_of(schema: Schema) -> str:
    """A schema's type in a few words: ``string (date)``, ``array of ContactIn``, ``LoanRecordIn``..."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            kinds = [_type_of(part) for part in schema[combined]]
            return " or ".join(kind for kind in kinds if kind != "null") + (" or null" if "null" in kinds else "")
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {_type_of(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    if "enum" in schema:
        return f"{kind}: {', '.join(f'`{value}`' for value in schema['enum'])}"
    return kind


def _parameters(operation: Schema) -> list[str]:
    rows = operation.get("parameters", [])
    if not rows:
        return []
    lines = ["| parameter | in | required | type | description |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| `{row['name']}` | {row['in']} | {'yes' if row.get('required') else 'no'} "
            f"| {_cell(_type_of(row.get('schema', {})))} | {_cell(row.get('description', ''))} |"
        )
    return ["", *lines]


def _body(operation: Schema) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return []
    media, described = next(iter(content.items()))
    return ["", f"Body ({media}): {_type_of(described.get('schema', {}))}"]


def _answers(operation: Schema) -> list[str]:
    lines = ["", "| status | meaning | body |", "|---|---|---|"]
    for status, answer in operation.get("responses", {}).items():
        content = answer.get("content", {})
        body = ", ".join(f"{media}: {_type_of(item.get('schema', {}))}" for media, item in content.items())
        lines.append(f"| {status} | {_cell(answer.get('description', ''))} | {_cell(body)} |")
    return lines


def _operation(path: str, method: str, operation: Schema) -> list[str]:
    lines = [f"### `{method.upper()} {path}`", "", _cell(operation.get("summary", ""))]
    description = str(operation.get("description", "")).strip()
    if description and description != operation.get("summary"):
        lines += ["", description]
    return [*lines, *_parameters(operation), *_body(operation), *_answers(operation), ""]


def _schema(name: str, schema: Schema) -> list[str]:
    lines = [f"### {name}", ""]
    if schema.get("description"):
        lines += [_cell(schema["description"]), ""]
    properties: dict[str, Schema] = schema.get("properties", {})
    if not properties:
        return [*lines, f"Type: {_cell(_type_of(schema))}", ""]
    required = set(schema.get("required", []))
    lines += ["| field | type | required | description |", "|---|---|---|---|"]
    for field, described in properties.items():
        lines.append(
            f"| `{field}` | {_cell(_type_of(described))} | {'yes' if field in required else 'no'} "
            f"| {_cell(described.get('description', ''))} |"
        )
    return [*lines, ""]


def reference_markdown(document: Schema) -> str:
    """The whole reference page for an OpenAPI document: operations grouped by tag, then the schemas."""
    info = document.get("info", {})
    lines = [
        "# HTTP reference",
        "",
        f"Generated from the running code's OpenAPI document ({info.get('title', '')} v{info.get('version', '')}) "
        "each time the manual is built; the server serves the same document at `/openapi.json` and an "
        "interactive view at `/docs`.",
        "",
    ]
    by_tag: dict[str, list[tuple[str, str, Schema]]] = {}
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            tag = (operation.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append((path, method, operation))
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", ""]
        for path, method, operation in operations:
            lines += _operation(path, method, operation)
    lines += ["## Schemas", ""]
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        lines += _schema(name, schema)
    return "\n".join(lines)


def current_reference() -> str:
    """The reference page for this code's API (the app is built, not started: no database is touched)."""
    return reference_markdown(create_app().openapi())
