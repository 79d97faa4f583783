"""The manual's HTTP reference is rendered from the app's own OpenAPI document, so it names every route."""

from __future__ import annotations

from api.main import create_app
from api.openapi_reference import reference_markdown


def test_the_reference_page_names_every_operation_and_schema_of_the_app() -> None:
    document = create_app().openapi()
    page = reference_markdown(document)
    for path, methods in document["paths"].items():
        for method in methods:
            assert f"### `{method.upper()} {path}`" in page
    for name in document["components"]["schemas"]:
        assert f"### {name}\n" in page


def test_a_field_of_a_request_body_appears_with_its_type_and_whether_it_is_required() -> None:
    document = {
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/things": {
                "post": {
                    "tags": ["things"],
                    "summary": "Make a thing",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                    "responses": {"201": {"description": "made"}},
                }
            }
        },
        "components": {
            "schemas": {
                "In": {
                    "properties": {
                        "amount": {"type": "string", "description": "yuan | fen"},
                        "on": {"type": "string", "format": "date"},
                    },
                    "required": ["amount"],
                }
            }
        },
    }
    page = reference_markdown(document)
    assert "Body (application/json): [In](#in)" in page
    assert "| `amount` | string | yes | yuan \\| fen |" in page
    assert "| `on` | string (date) | no |  |" in page
    assert "| 201 | made |  |" in page
