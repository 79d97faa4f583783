"""The OpenAPI document is complete: summaries, field descriptions, problem+json errors."""

from __future__ import annotations

from api.main import create_app


def test_every_operation_and_field_is_documented():
    document = create_app().openapi()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary") and operation.get("description"), (method, path)
            for code, response in operation["responses"].items():
                if int(code) >= 400 and int(code) != 503:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, code)
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("description"), name
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("description"), (name, field)


def test_the_contract_paths_are_all_there():
    paths = set(create_app().openapi()["paths"])
    for path in [
        "/v1/enterprises",
        "/v1/enterprises/{enterprise_id}",
        "/v1/enterprises/{enterprise_id}/financial-statements",
        "/v1/enterprises/{enterprise_id}/loan-records",
        "/v1/imports",
        "/v1/cases",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/assessments",
        "/v1/cases/{case_id}/contacts",
        "/v1/cases/{case_id}/promises",
        "/v1/cases/{case_id}/plans",
        "/v1/cases/{case_id}/agreements",
        "/v1/cases/{case_id}/payments",
        "/v1/cases/{case_id}/escalations",
        "/v1/cases/{case_id}/tasks",
        "/v1/cases/{case_id}/tasks/{task_id}/completion",
        "/v1/cases/{case_id}/signals",
        "/v1/cases/{case_id}/notes",
        "/v1/cases/{case_id}/resolution",
        "/v1/cases/{case_id}/timeline",
        "/v1/cases/{case_id}/audit",
        "/v1/cases/{case_id}/history",
        "/v1/queues/{department}",
        "/v1/worklist",
        "/v1/reports/portfolio",
        "/v1/reports/channels",
        "/v1/reports/compliance",
        "/v1/audit/verify",
        "/healthz",
        "/readyz",
        "/metrics",
    ]:
        assert path in paths, path


def test_auth_and_the_write_headers_are_declared():
    document = create_app().openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            # the transparency log's checkpoints and proofs are hashes only, open to witnesses and auditors
            open_route = path in ("/healthz", "/readyz", "/metrics", "/v1/log/checkpoint") or path.startswith(
                "/v1/log/proofs/"
            )
            assert ("security" not in operation) == open_route, (method, path)
            if method == "post":
                assert "Idempotency-Key" in headers, path
                creates = path in ("/v1/enterprises", "/v1/cases", "/v1/imports")
                assert ("If-Match" in headers) != creates, path
            else:
                assert not headers, (method, path)
