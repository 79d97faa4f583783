"""The documentation pages load nothing from outside the server, and /metrics names a route template for every
request: idempotent replays and the documentation's routes too (never "unmatched" for a known route)."""

from __future__ import annotations

import re

from tests.e2e.conftest import open_case


def test_swagger_ui_and_redoc_load_only_from_the_server(client) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html.text)
        assert sources, page
        assert all(source.startswith("/") for source in sources), sources  # no CDN, no web font
        for source in sources:
            asset = client.get(source)
            assert asset.status_code == 200 and len(asset.content) > 1000, source
    assert "cdn.jsdelivr.net" not in client.get("/docs").text


def counted(client, route: str, status: str) -> float:
    """The requests counted so far under a route and status (the registry is the process's: read differences)."""
    found = [line for line in metric_lines(client, f'route="{route}"') if f'status="{status}"' in line]
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


def metric_lines(client, route: str) -> list[str]:
    text = client.get("/metrics").text
    return [line for line in text.splitlines() if line.startswith("arrears_http_requests_total{") and route in line]


def test_metrics_label_replays_and_docs_routes_with_their_templates(client, as_role) -> None:
    case_id = open_case(client, as_role("supervisor"))
    notes = "/v1/cases/{case_id}/notes"
    before, unmatched = counted(client, notes, "201"), counted(client, "unmatched", "201")
    headers = as_role("collector", "wang", **{"Idempotency-Key": "note-1"})
    for _ in range(2):  # the second answer is replayed by the middleware before routing
        assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "hello"}, headers=headers).status_code == 201
    client.get("/docs")
    client.get("/docs-static/swagger-ui.css")
    client.get("/openapi.json")
    assert counted(client, notes, "201") == before + 2  # the replay is counted under its route
    assert counted(client, "unmatched", "201") == unmatched
    assert metric_lines(client, 'route="/docs"')
    assert metric_lines(client, 'route="/docs-static/{path}"')
    assert metric_lines(client, 'route="/openapi.json"')
