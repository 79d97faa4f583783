"""The legal clock over HTTP, on both stores: guarantees and their preservation, an interruption recorded by hand,
a contact's proof and a party's role; bad input is a 422 problem, never a 500, and nothing is written."""

from __future__ import annotations

from tests.e2e.conftest import CALL, open_case


def test_guarantees_interruptions_proofs_and_roles_over_http(client, as_role):
    legal, collector = as_role("legal", "liu"), as_role("collector", "wang")
    case_id = open_case(client, as_role("supervisor", "zhao"))
    enterprise_id = client.get(f"/v1/cases/{case_id}", headers=collector).json()["enterprise_id"]

    made = client.post(
        f"/v1/cases/{case_id}/guarantees",
        json={"guarantor": "Sun Hao", "guarantee_type": "joint", "agreed_ends_on": "2027-09-15"},
        headers=legal,
    )
    assert made.status_code == 201, made.text
    guarantee_id = made.json()["guarantee_id"]
    assert (
        client.post(f"/v1/cases/{case_id}/guarantees", json={"guarantor": "Sun Hao"}, headers=legal).status_code == 422
    )
    assert (
        client.post(
            f"/v1/cases/{case_id}/guarantees",
            json={"guarantor": "Sun Hao", "guarantee_type": "general"},
            headers=collector,
        ).status_code
        == 403
    )
    kept = client.post(
        f"/v1/cases/{case_id}/guarantees/{guarantee_id}/preservation",
        json={"by": "demand", "evidence": "notarised service N-7"},
        headers=legal,
    )
    assert kept.status_code == 201, kept.text

    interruption = {"cause": "demand", "on": "2026-11-01", "evidence": "call recording REC-9"}
    restarted = client.post(f"/v1/cases/{case_id}/limitation-interruptions", json=interruption, headers=legal)
    assert restarted.status_code == 201 and restarted.json()["restarted"] is True, restarted.text
    again = client.post(f"/v1/cases/{case_id}/limitation-interruptions", json=interruption, headers=legal)
    assert again.status_code == 201 and again.json()["restarted"] is False  # no later than the last restart
    future = client.post(
        f"/v1/cases/{case_id}/limitation-interruptions", json={**interruption, "on": "2099-01-01"}, headers=legal
    )
    assert future.status_code == 422 and future.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["limitation_ends_on"] == "2029-11-01"

    person = {"name": "Landlord Wu", "phone": "+86 131 0000 0000", "party_role": "third_party"}
    added = client.post(f"/v1/enterprises/{enterprise_id}/contact-persons", json=person, headers=as_role("supervisor"))
    assert added.status_code == 201, added.text
    check = client.get(
        f"/v1/cases/{case_id}/contact-check", params={"channel": "email", "party": "Landlord Wu"}, headers=collector
    )
    assert [r["rule_id"] for r in check.json()["rules"]] == ["CP-THIRD-PARTY"]

    version = client.get(f"/v1/cases/{case_id}", headers=collector).json()["version"]
    wrong = client.post(f"/v1/cases/{case_id}/contacts", json={**CALL, "tracking_number": "EMS1"}, headers=collector)
    assert wrong.status_code == 422, wrong.text  # a call carries a recording, not a tracking number
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["version"] == version
    call = client.post(f"/v1/cases/{case_id}/contacts", json={**CALL, "recording_id": "REC-42"}, headers=collector)
    assert call.status_code == 201, call.text
    lines = [i["summary"] for i in client.get(f"/v1/cases/{case_id}/timeline", headers=collector).json()["items"]]
    assert any("proof: recording REC-42" in line for line in lines)
    assert any("limitation period interrupted by demand" in line for line in lines)
    assert any("preserved by demand" in line for line in lines)
