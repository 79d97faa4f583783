"""Every text field of every request body refuses NUL and other C0 control characters with a 422 naming the field.

The walk is over the request models themselves (via their JSON schema), so a field added later is covered
without touching this test; a write route added later fails ``test_every_write_route_has_a_base_body``
until it gets one here. Both stores: PostgreSQL cannot hold NUL in text, and a 201 there once stopped a view.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from api.matrix import api_routes
from domain.strategy import default_terms
from tests.e2e.conftest import open_case, register
from tests.factories import credit_code

SHA = "a" * 64
#: a valid body for each write route (placeholders: {case_id}, {enterprise_id}, {task_id})
BASE_BODIES: dict[str, dict[str, Any]] = {
    "/v1/enterprises": {
        "credit_code": credit_code(7),
        "name": "Seventh Co.",
        "registered_capital": "1000000.00",
        "business_scope": "steel",
        "legal_representative": "Zhou",
        "industry": "manufacturing",
        "region": "Jiangsu",
        "established_on": "2010-01-01",
        "timezone": "Asia/Shanghai",
        "contacts": [{"name": "Li Na", "role": "CFO", "phone": "+86 1", "email": "li@example.com"}],
    },
    "/v1/enterprises/{enterprise_id}/financial-statements": {
        "period": "2025",
        **{
            name: "100.00"
            for name in (
                "total_assets",
                "total_liabilities",
                "current_assets",
                "current_liabilities",
                "inventory",
                "cash",
                "revenue",
                "operating_profit",
                "net_profit",
                "interest_expense",
                "operating_cash_flow",
            )
        },
    },
    "/v1/enterprises/{enterprise_id}/loan-records": {
        "loan_id": "L-1",
        "amount": "100.00",
        "start_on": "2020-01-01",
        "maturity_on": "2022-01-01",
        "overdue_episodes": 0,
        "max_days_past_due": 0,
        "status": "repaid",
    },
    "/v1/cases": {
        "loan_id": "LN-NUL",
        "enterprise_id": "{enterprise_id}",
        "principal": "100.00",
        "outstanding": "100.00",
        "overdue_amount": "10.00",
        "overdue_since": "2026-09-01",
        "collector": "wang",
    },
    "/v1/cases/{case_id}/assignment": {"collector": "wang"},
    "/v1/cases/{case_id}/escalations": {"to_tier": "high", "reason": "no answer"},
    "/v1/cases/{case_id}/resolution": {"resolution": "settled", "remark": "done"},
    "/v1/cases/{case_id}/contacts": {
        "channel": "letter",
        "party": "Li Na",
        "outcome": "connected",
        "summary": "s",
        "feedback": "f",
        "next_step": "n",
        "override_reason": "o",
        "staff": ["a", "b"],
        "visit_id": "v-1",
        "letter_kind": "demand",
        "document_sha256": SHA,
        "delivery_evidence": "receipt",
    },
    "/v1/cases/{case_id}/promises": {"amount": "10.00", "due_on": "2026-12-01"},
    "/v1/cases/{case_id}/plans": {
        "kind": "equal",
        "amount": "100.00",
        "start_on": "2026-12-01",
        "schedule": [{"due_on": "2026-12-01", "amount": "100.00"}],
        "parameters": {"count": 1},
    },
    "/v1/cases/{case_id}/agreements": {
        "plan_id": "p-1",
        "signed_on": "2026-11-01",
        "signatories": ["a", "b"],
        "document_sha256": SHA,
        "terms": "t",
    },
    "/v1/cases/{case_id}/payments": {"amount": "1.00", "received_on": "2026-11-02", "reference": "R-1"},
    "/v1/cases/{case_id}/costs": {
        "cost_id": "FEE-1",
        "kind": "court_fee",
        "amount": "5000.00",
        "incurred_on": "2026-11-02",
        "description": "court fee",
    },
    "/v1/cases/{case_id}/acceleration": {"on": "2026-11-02", "clause": "12.3", "reason": "three dues unpaid"},
    "/v1/cases/{case_id}/schedule": {
        "dues": [
            {"number": 1, "due_on": "2026-09-15", "principal": "1200000.00"},
            {"number": 2, "due_on": "2027-03-15", "principal": "4800000.00"},
        ],
        "terms": {"interest_rate": "0.0435", "penalty_rate": "0.06525"},
    },
    "/v1/cases/{case_id}/tasks": {
        "department": "legal",
        "title": "draft",
        "due_at": "2026-12-01T00:00:00+08:00",
        "assignee": "liu",
    },
    "/v1/cases/{case_id}/tasks/{task_id}/completion": {"outcome": "done"},
    "/v1/cases/{case_id}/signals": {"source": "news", "summary": "s", "severity": "low"},
    "/v1/cases/{case_id}/notes": {"text": "hello"},
    "/v1/cases/{case_id}/deadlines": {
        "kind": "callback",
        "due_at": "2027-12-01T00:00:00+08:00",
        "action": "notify:supervisor",
        "met_by": ["contact"],
    },
    "/v1/cases/{case_id}/deadlines/{deadline_id}/cancellation": {"reason": "moot"},
    "/v1/cases/{case_id}/deescalations": {"to_tier": "low", "reason": "paid"},
    "/v1/cases/{case_id}/disputes": {"reason": "interest"},
    "/v1/cases/{case_id}/disputes/resolution": {"outcome": "waived"},
    "/v1/cases/{case_id}/legal-actions": {"kind": "litigation", "summary": "filed"},
    "/v1/cases/{case_id}/limitation-interruptions": {"cause": "demand", "on": "2026-11-01", "evidence": "rec"},
    "/v1/cases/{case_id}/limitation-suspensions": {"cause": "other", "began_on": "2026-11-01", "evidence": "rec"},
    "/v1/cases/{case_id}/limitation-suspensions/ending": {"ended_on": "2026-11-02", "evidence": "rec"},
    "/v1/cases/{case_id}/guarantees": {"guarantor": "Sun", "guarantee_type": "joint"},
    "/v1/cases/{case_id}/guarantees/{guarantee_id}/preservation": {"by": "demand", "evidence": "served"},
    "/v1/cases/{case_id}/guarantees/{guarantee_id}/limitation-interruptions": {
        "cause": "demand",
        "on": "2026-11-02",
        "evidence": "served",
    },
    "/v1/cases/{case_id}/legal-actions/{action_id}/ending": {
        "outcome": "judgment",
        "ended_on": "2026-11-02",
        "summary": "(2026) Jing 01 Min Chu 1",
    },
    "/v1/cases/{case_id}/reopening": {"reason": "bounced"},
    "/v1/cases/{case_id}/closure": {"reason": "archived"},
    "/v1/cases/{case_id}/visits": {
        "planned_at": "2027-12-01T10:00:00+08:00",
        "party": "Li Na",
        "staff": ["a", "b"],
        "purpose": "talk",
        "override_reason": "o",
    },
    "/v1/policy": {"terms": {**default_terms().model_dump(mode="json"), "installment_grace_days": 9}, "note": "new"},
    "/v1/enterprises/{enterprise_id}/contact-persons": {
        "name": "Qian",
        "role": "CFO",
        "phone": "+86 138 0000 0000",
        "email": "qian@example.com",
    },
    "/v1/enterprises/{enterprise_id}/do-not-contact": {"reason": "court"},
    "/v1/enterprises/{enterprise_id}/do-not-contact/lifting": {"reason": "ended"},
}
BAD = "abc\x00def"


def body_routes() -> list[tuple[str, type]]:
    """Every route that takes a JSON body, with its model."""
    found = []
    for route in api_routes():
        if route.body_field is not None:
            found.append((route.path, route.body_field.field_info.annotation))
    return found


def text_paths(schema: dict[str, Any], defs: dict[str, Any], prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths (keys and list indexes) of every string-valued field the schema describes."""
    if "$ref" in schema:
        return text_paths(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, prefix)
    options = schema.get("anyOf") or schema.get("allOf") or [schema]
    found: list[tuple[Any, ...]] = []
    for option in options:
        if "$ref" in option:
            found += text_paths(option, defs, prefix)
        elif option.get("type") == "string" or "enum" in option:
            found.append(prefix)
        elif option.get("type") == "array":
            found += text_paths(option.get("items", {}), defs, (*prefix, 0))
        elif option.get("type") == "object" and "properties" in option:
            for name, prop in option["properties"].items():
                found += text_paths(prop, defs, (*prefix, name))
    return sorted(set(found), key=str)


def with_value(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of the body with the value at path (lists and objects on the way are created when missing)."""
    changed = copy.deepcopy(body)
    node: Any = changed
    for step, following in zip(path, [*path[1:], None], strict=True):
        if following is None:
            if isinstance(step, int):
                node[step : step + 1] = [value]
            else:
                node[step] = value
        elif isinstance(step, int):
            if not node:
                node.append([] if isinstance(following, int) else {})
            node = node[step]
        else:
            node = node.setdefault(step, [] if isinstance(following, int) else {})
    return changed


def concrete(template: Any, ids: dict[str, str]) -> Any:
    """Placeholders replaced by real ids."""
    if isinstance(template, str):
        for name, value in ids.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, dict):
        return {key: concrete(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [concrete(value, ids) for value in template]
    return template


def test_every_write_route_has_a_base_body():
    assert sorted(path for path, _ in body_routes()) == sorted(BASE_BODIES)


def test_every_text_field_of_every_request_model_is_found():
    paths = {
        path: text_paths(model.model_json_schema(), model.model_json_schema().get("$defs", {}))
        for path, model in body_routes()
    }
    assert ("contacts", 0, "name") in paths["/v1/enterprises"]
    assert ("staff", 0) in paths["/v1/cases/{case_id}/contacts"]
    assert ("text",) in paths["/v1/cases/{case_id}/notes"]
    assert sum(len(found) for found in paths.values()) >= 60


def test_nul_in_any_text_field_is_a_422_naming_the_field(client, as_role):
    headers = as_role("admin")
    ids = {
        "case_id": open_case(client, headers, n=1),
        "enterprise_id": register(client, headers, n=2),
        "task_id": "t",
        "deadline_id": "d",
        "guarantee_id": "g",
        "action_id": "a",
    }
    checked = 0
    for path, model in body_routes():
        schema = model.model_json_schema()
        base = concrete(BASE_BODIES[path], ids)
        url = concrete(path, ids)
        for field in text_paths(schema, schema.get("$defs", {})):
            for bad in (BAD, "bell\x07", "esc\x1b[31m", "del\x7f"):
                response = client.post(url, json=with_value(base, field, bad), headers=headers)
                name = "body." + ".".join(str(step) for step in field)
                assert response.status_code == 422, (path, field, repr(bad), response.text)
                assert response.headers["content-type"] == "application/problem+json"
                assert name in [e["field"] for e in response.json()["errors"]], (path, field, response.json())
                checked += 1
        assert client.post(url, json=base, headers=headers).status_code != 422, (path, "the base body is valid")
    assert checked >= 240


@pytest.mark.parametrize("text", ["tab\there", "two\nlines", "crlf\r\n"])
def test_tab_and_newlines_stay_allowed_in_free_text(client, as_role, text):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": text}, headers=headers).status_code == 201
    short = client.post(f"/v1/cases/{case_id}/assignment", json={"collector": f"wang{text}"}, headers=headers)
    assert short.status_code == 422  # names and ids are one line


def test_control_characters_inside_free_form_parameters_are_refused(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    body = {"kind": "equal", "amount": "100.00", "start_on": "2026-12-01", "parameters": {"count": 2, "x": [BAD]}}
    response = client.post(f"/v1/cases/{case_id}/plans", json=body, headers=headers)
    assert response.status_code == 422
    assert "body.parameters" in [e["field"] for e in response.json()["errors"]]
    key = {"kind": "equal", "amount": "100.00", "start_on": "2026-12-01", "parameters": {"count": 2, BAD: 1}}
    assert client.post(f"/v1/cases/{case_id}/plans", json=key, headers=headers).status_code == 422


def test_an_import_file_with_control_characters_is_refused(client, as_role):
    headers = as_role("admin", **{"Content-Type": "application/x-ndjson"})
    line = '{"kind": "enterprise", "credit_code": "%s", "name": "Bad\\u0000Name", "registered_capital": "1.00"}'
    response = client.post("/v1/imports", content=(line % credit_code(9)).encode(), headers=headers)
    assert response.status_code == 422, response.text
    raw = client.post(
        "/v1/imports",
        content=f"credit_code,name,registered_capital\n{credit_code(9)},Bad\x00Name,1.00\n".encode(),
        headers=as_role("admin", **{"Content-Type": "text/csv"}),
    )
    assert raw.status_code == 422 and "line 2" in raw.json()["detail"]
