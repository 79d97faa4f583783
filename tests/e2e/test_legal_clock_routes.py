"""The legal clock's new routes and fields over HTTP, on both stores: suspensions (Civil Code art. 194), an SMS
demand and an acknowledgement interrupting the period (art. 195), a judgment's performance deadline (CPL art. 250),
and the contact check of a lawyer's letter on a do-not-contact enterprise."""

from __future__ import annotations

from tests.e2e.conftest import open_case


def test_suspension_routes_answer_the_days_and_refuse_bad_input(client, as_role, clock):
    """The period runs to 2029-09-15 after the assessment; an obstacle from 2026-11-01 (long before the last six
    months, which start 2029-03-15) takes effect on 2029-03-15; removed on 2026-11-02 it changes nothing (the end
    stays 2029-09-15). A second obstacle while one is in force is 409; a blank evidence 422."""
    legal = as_role("legal", "liu")
    case_id = open_case(client, as_role("admin"))
    assert client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk")).status_code == 201
    url = f"/v1/cases/{case_id}/limitation-suspensions"
    body = {"cause": "force_majeure", "began_on": "2026-11-01", "evidence": "flood notice"}
    assert client.post(url, json={**body, "evidence": ""}, headers=legal).status_code == 422
    assert client.post(url, json=body, headers=as_role("collector")).status_code == 403
    made = client.post(url, json=body, headers=legal)
    assert made.status_code == 201, made.text
    assert made.json()["effective_from"] == "2029-03-15"
    again = client.post(url, json=body, headers=legal)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    ended = client.post(f"{url}/ending", json={"ended_on": "2026-11-02", "evidence": "lifted"}, headers=legal)
    assert ended.status_code == 201, ended.text
    assert ended.json()["limitation_ends_on"] == "2029-09-15"


def test_sms_demands_and_acknowledgements_over_http(client, as_role):
    """An SMS delivered with its message id restarts the period (2029-11-02 from 2026-11-02); an acknowledgement
    without proof is refused 422 and nothing is written; a lawyer's letter on a do-not-contact enterprise is
    allowed by the contact check, a call is not."""
    collector, supervisor = as_role("collector"), as_role("supervisor", "zhao")
    case_id = open_case(client, as_role("admin"))
    assert client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk")).status_code == 201
    sms = {"channel": "sms", "party": "Li Na", "outcome": "delivered", "message_id": "SMS-1"}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=sms, headers=collector).status_code == 201
    page = client.get(f"/v1/cases/{case_id}", headers=collector).json()
    assert page["limitation_ends_on"] == "2029-11-02"
    call = {"channel": "phone", "party": "Li Na", "outcome": "connected", "acknowledged": True}
    refused = client.post(f"/v1/cases/{case_id}/contacts", json=call, headers=collector)
    assert refused.status_code == 422 and "proof" in refused.json()["detail"]
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["version"] == page["version"]
    enterprise_id = page["enterprise_id"]
    flagged = client.post(
        f"/v1/enterprises/{enterprise_id}/do-not-contact", json={"reason": "complaint"}, headers=supervisor
    )
    assert flagged.status_code == 201, flagged.text
    check = f"/v1/cases/{case_id}/contact-check"
    letter = client.get(
        check, params={"channel": "letter", "party": "Li Na", "letter_kind": "lawyers_letter"}, headers=collector
    )
    assert letter.json() == {"allowed": True, "rules": []}
    phone = client.get(check, params={"channel": "phone", "party": "Li Na"}, headers=collector).json()
    assert [r["rule_id"] for r in phone["rules"]] == ["CP-DO-NOT-CONTACT"]
