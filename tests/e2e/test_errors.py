"""Every error is problem+json with the status DESIGN.md §6 names."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from tests.e2e.conftest import CALL, open_case
from tests.factories import OPENED

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and "detail" in body
    return body


def test_unknown_ids_are_404(client, as_role):
    headers = as_role("admin")
    assert_problem(client.get(f"/v1/cases/{uuid4()}", headers=headers), 404)
    assert_problem(client.get(f"/v1/enterprises/{uuid4()}", headers=headers), 404)
    assert_problem(client.post(f"/v1/cases/{uuid4()}/notes", json={"text": "x"}, headers=headers), 404)
    case_id = open_case(client, headers)
    assert_problem(client.post(f"/v1/cases/{case_id}/tasks/nope/completion", json={}, headers=headers), 404)
    assert_problem(client.get("/v1/no-such-thing", headers=headers), 404)


def test_duplicates_and_illegal_transitions_are_409(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    enterprise_id = client.get(f"/v1/cases/{case_id}", headers=headers).json()["enterprise_id"]
    again = client.post(
        "/v1/cases",
        json={
            "loan_id": "LN-000001",
            "enterprise_id": enterprise_id,
            "principal": "1.00",
            "outstanding": "1.00",
            "overdue_amount": "1.00",
            "overdue_since": "2026-09-15",
        },
        headers=headers,
    )
    assert assert_problem(again, 409)["type"].endswith("duplicate")
    downgrade = client.post(
        f"/v1/cases/{case_id}/escalations", json={"to_tier": "high", "reason": "x"}, headers=headers
    )
    assert downgrade.status_code == 201
    lower = client.post(f"/v1/cases/{case_id}/escalations", json={"to_tier": "low", "reason": "x"}, headers=headers)
    assert assert_problem(lower, 409)["type"].endswith("illegal-transition")
    client.post(f"/v1/cases/{case_id}/resolution", json={"resolution": "written_off"}, headers=headers)
    late = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers)
    assert_problem(late, 409)


def test_stale_if_match_is_412_and_a_malformed_one_400(client, as_role):
    headers = as_role("collector")
    case_id = open_case(client, as_role("admin"))
    ok = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={**headers, "If-Match": f'"{OPENED}"'})
    assert ok.status_code == 201 and ok.headers["etag"] == f'"{OPENED + 1}"'
    stale = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={**headers, "If-Match": f'"{OPENED}"'})
    assert f"version {OPENED + 1}" in assert_problem(stale, 412)["detail"]
    assert_problem(client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={**headers, "If-Match": "v2"}), 400)
    star = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={**headers, "If-Match": "*"})
    assert star.status_code == 201
    events = client.get(f"/v1/cases/{case_id}/timeline", headers=headers).json()["items"]
    assert len(events) == OPENED + 2  # the refused writes recorded nothing


def test_oversized_bodies_are_413_before_parsing(client, as_role):
    case_id = open_case(client, as_role("admin"))
    huge = b'{"text": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post(
        f"/v1/cases/{case_id}/notes", content=huge, headers=as_role("collector", **{"Content-Type": "application/json"})
    )
    assert_problem(response, 413)

    def chunks():
        for _ in range(300):
            yield b"x" * 4096

    streamed = client.post(f"/v1/cases/{case_id}/notes", content=chunks(), headers=as_role("collector"))
    assert_problem(streamed, 413)


def test_invalid_input_is_422_with_field_paths(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    bad = client.post(f"/v1/cases/{case_id}/payments", json={"amount": 12.5, "reference": ""}, headers=headers)
    body = assert_problem(bad, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"body.amount", "body.received_on", "body.reference"} <= fields
    assert all(e["reason"] for e in body["errors"])
    assert_problem(client.post(f"/v1/cases/{case_id}/payments", content=b"{not json", headers=headers), 422)
    assert_problem(client.get("/v1/cases", params={"limit": 0}, headers=headers), 422)
    assert_problem(client.get("/v1/cases/not-a-uuid", headers=headers), 422)
    naive = {**CALL, "occurred_at": "2026-11-02T09:00:00"}
    assert_problem(client.post(f"/v1/cases/{case_id}/contacts", json=naive, headers=headers), 422)
    future = {**CALL, "occurred_at": "2030-01-02T10:00:00+08:00"}
    assert assert_problem(client.post(f"/v1/cases/{case_id}/contacts", json=future, headers=headers), 422)[
        "type"
    ].endswith("occurred-in-future")
    zero = {"amount": "0.00", "received_on": "2026-11-02", "reference": "TX-0"}
    assert_problem(client.post(f"/v1/cases/{case_id}/payments", json=zero, headers=headers), 422)
    unknown_field = client.post(f"/v1/cases/{case_id}/notes", json={"text": "x", "txet": "y"}, headers=headers)
    assert assert_problem(unknown_field, 422)["errors"][0]["field"] == "body.txet"
    wrong_type = client.post("/v1/imports", content=b"a,b", headers={**headers, "Content-Type": "text/plain"})
    assert_problem(wrong_type, 415)


def test_a_contact_that_broke_a_rule_is_recorded_as_a_breach_and_a_planned_one_is_422(client, as_role, clock):
    case_id = open_case(client, as_role("admin"))
    clock.set(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    collector = as_role("collector")
    check = client.get(
        f"/v1/cases/{case_id}/contact-check", params={"channel": "phone", "party": "Li Na"}, headers=collector
    )
    assert check.status_code == 200, check.text
    assert check.json()["allowed"] is False and check.json()["rules"][0]["rule_id"] == "CP-QUIET-HOURS"
    day = {"channel": "phone", "party": "Li Na", "at": "2026-11-03T10:00:00+08:00"}
    assert client.get(f"/v1/cases/{case_id}/contact-check", params=day, headers=collector).json() == {
        "allowed": True,
        "rules": [],
    }
    naive = {**day, "at": "2026-11-03T10:00:00"}
    assert_problem(client.get(f"/v1/cases/{case_id}/contact-check", params=naive, headers=collector), 422)
    unknown_case = client.get(f"/v1/cases/{uuid4()}/contact-check", params=day, headers=collector)
    assert unknown_case.status_code == 404
    late = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=collector)
    assert late.status_code == 201, late.text
    stranger = {**CALL, "party": "Someone Else", "occurred_at": "2026-11-02T10:00:00+08:00"}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=stranger, headers=collector).status_code == 201
    events = client.get(f"/v1/cases/{case_id}/history", headers=as_role("auditor")).json()["events"]
    breaches = [e["data"]["breached_rules"] for e in events if e["data"].get("breached_rules")]
    assert breaches == [["CP-UNKNOWN-CONTACT"], ["CP-QUIET-HOURS"]]  # in the order they happened
    report = client.get("/v1/reports/compliance", headers=as_role("compliance")).json()
    assert [b["rules"] for b in report["breaches"]] == [["CP-QUIET-HOURS"], ["CP-UNKNOWN-CONTACT"]]
    night = {"planned_at": "2026-11-03T23:00:00+08:00", "party": "Li Na", "staff": ["wang", "liu"]}
    planned = client.post(f"/v1/cases/{case_id}/visits", json=night, headers=collector)
    assert assert_problem(planned, 422)["rule_id"] == "CP-QUIET-HOURS"
