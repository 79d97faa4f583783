"""The routes of the acts time and people add, and what a case's page shows of time (both stores)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import open_case, register


def test_deadlines_by_hand_disputes_legal_action_and_the_case_page(client, as_role, clock):
    supervisor, legal, collector = as_role("supervisor", "zhao"), as_role("legal", "liu"), as_role("collector")
    case_id = open_case(client, as_role("admin"))
    assessed = client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk"))
    assert assessed.status_code == 201, assessed.text

    due = (clock.now() + timedelta(days=2)).isoformat()
    body = {"kind": "callback", "due_at": due, "action": "notify:supervisor", "met_by": ["contact"]}
    assert client.post(f"/v1/cases/{case_id}/deadlines", json=body, headers=collector).status_code == 403
    made = client.post(f"/v1/cases/{case_id}/deadlines", json=body, headers=supervisor)
    assert made.status_code == 201, made.text
    deadline_id = made.json()["deadline_id"]
    bad = client.post(f"/v1/cases/{case_id}/deadlines", json={**body, "met_by": ["luck"]}, headers=supervisor)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"

    page = client.get(f"/v1/cases/{case_id}", headers=collector).json()
    assert page["overdue_since"] and page["days_past_due"] > 0 and page["classification"]["bucket"]
    assert page["limitation_ends_on"] and page["policy_version"] == 1 and page["disputed"] is False
    shown = {d["deadline_id"]: d for d in page["deadlines"]}
    assert shown[deadline_id]["met_by"] == ["contact"] and shown[deadline_id]["action"] == "notify:supervisor"
    assert page["open_deadlines"] == len(page["deadlines"])

    cancel = f"/v1/cases/{case_id}/deadlines/{deadline_id}/cancellation"
    assert client.post(cancel, json={"reason": "the CFO called us"}, headers=supervisor).status_code == 201
    again = client.post(cancel, json={"reason": "again"}, headers=supervisor)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"

    assert (
        client.post(f"/v1/cases/{case_id}/disputes", json={"reason": "interest"}, headers=collector).status_code == 201
    )
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["disputed"] is True
    settled = client.post(f"/v1/cases/{case_id}/disputes/resolution", json={"outcome": "waived"}, headers=legal)
    assert settled.status_code == 201
    started = client.post(
        f"/v1/cases/{case_id}/legal-actions", json={"kind": "arbitration", "summary": "filed"}, headers=legal
    )
    assert started.status_code == 201, started.text

    page = client.get(f"/v1/cases/{case_id}", headers=collector)
    stale = client.post(
        f"/v1/cases/{case_id}/deescalations",
        json={"to_tier": "low", "reason": "paid"},
        headers={**supervisor, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    refused = client.post(
        f"/v1/cases/{case_id}/deescalations",
        json={"to_tier": "low", "reason": "paid"},
        headers={**supervisor, "If-Match": page.headers["etag"]},
    )
    assert refused.status_code in (409, 422), refused.text  # still overdue (or already low)


def test_policy_read_and_published_and_enterprise_contact_routes(client, as_role):
    supervisor = as_role("supervisor", "zhao")
    policy = client.get("/v1/policy", headers=as_role("auditor"))
    assert policy.status_code == 200 and policy.json()["current"] is True
    terms = policy.json()["terms"]
    terms["installment_grace_days"] = 7
    published = client.post("/v1/policy", json={"terms": terms, "note": "a week's grace"}, headers=supervisor)
    assert published.status_code == 201, published.text
    version = published.json()["version"]
    assert client.get("/v1/policy", headers=supervisor).json()["terms"]["installment_grace_days"] == 7
    old = client.get("/v1/policy", params={"version": version - 1}, headers=supervisor).json()
    assert old["current"] is False and old["terms"]["installment_grace_days"] != 7
    broken = client.post(
        "/v1/policy", json={"terms": {**terms, "treatments": []}, "note": "no tiers"}, headers=supervisor
    )
    assert broken.status_code == 422 and broken.headers["content-type"] == "application/problem+json"
    assert (
        client.post("/v1/policy", json={"terms": terms, "note": "x"}, headers=as_role("collector")).status_code == 403
    )

    enterprise_id = register(client, as_role("admin"), n=7)
    person = {"name": "Qian Li", "role": "treasurer", "phone": "+86 135 0000 0001"}
    added = client.post(f"/v1/enterprises/{enterprise_id}/contact-persons", json=person, headers=supervisor)
    assert added.status_code == 201, added.text
    stop = client.post(f"/v1/enterprises/{enterprise_id}/do-not-contact", json={"reason": "court"}, headers=supervisor)
    assert stop.status_code == 201
    lift = f"/v1/enterprises/{enterprise_id}/do-not-contact/lifting"
    assert client.post(lift, json={"reason": "protection ended"}, headers=supervisor).status_code == 201
