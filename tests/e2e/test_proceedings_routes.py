"""The end of proceedings and a guarantor's limitation period over HTTP, on both stores: the period restarts from
the end of proceedings; hostile input (NUL bytes, full-width digits, absurd dates, days before the case opened or
the filing) is a 422 problem with nothing written; only legal may write."""

from __future__ import annotations

from tests.e2e.conftest import open_case

#: full-width digits, absurd years, a day that does not exist, a NUL byte, a day before the case opened
HOSTILE_DAYS = [
    "\uff12\uff10\uff12\uff16-11-02",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-11-02\x00",
    "2020-01-01",
]


def version_of(client, case_id: str, headers) -> int:
    return int(client.get(f"/v1/cases/{case_id}", headers=headers).json()["version"])


def assert_refused(client, url: str, body: dict, case_id: str, headers) -> None:
    before = version_of(client, case_id, headers)
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 422, (body, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert version_of(client, case_id, headers) == before


def test_ending_proceedings_over_http_restarts_the_period_and_refuses_hostile_input(client, as_role) -> None:
    legal, collector = as_role("legal", "liu"), as_role("collector", "wang")
    case_id = open_case(client, as_role("supervisor", "zhao"))
    started = client.post(
        f"/v1/cases/{case_id}/legal-actions", json={"kind": "litigation", "summary": "filed"}, headers=legal
    )
    assert started.status_code == 201, started.text
    action_id = started.json()["action_id"]
    url = f"/v1/cases/{case_id}/legal-actions/{action_id}/ending"
    good = {"outcome": "judgment", "ended_on": "2026-11-02", "summary": "(2026) Jing 01 Min Chu 1"}
    good["performance_due_on"] = "2026-11-12"  # the judgment gives ten days to pay
    for day in HOSTILE_DAYS:
        assert_refused(client, url, {**good, "ended_on": day}, case_id, legal)
    assert_refused(client, url, {**good, "summary": "nul\x00"}, case_id, legal)
    assert_refused(client, url, {**good, "outcome": "won"}, case_id, legal)
    assert_refused(client, url, {**good, "ended_on": "2026-11-01"}, case_id, legal)  # before the filing
    assert_refused(client, url, {**good, "ended_on": "2027-01-01"}, case_id, legal)  # in the future
    assert_refused(client, url, {**good, "performance_due_on": "2026-11-01"}, case_id, legal)  # before the end
    assert client.post(url, json=good, headers=collector).status_code == 403
    missing = client.post(f"/v1/cases/{case_id}/legal-actions/nope/ending", json=good, headers=legal)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    ended = client.post(url, json=good, headers=legal)
    assert ended.status_code == 201 and ended.json()["restarted"] is True, ended.text
    assert client.post(url, json=good, headers=legal).status_code == 409  # it ended once
    # the two-year period to apply for enforcement from the last day to perform (Civil Procedure Law art. 250)
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["limitation_ends_on"] == "2028-11-12"
    lines = [i["summary"] for i in client.get(f"/v1/cases/{case_id}/timeline", headers=collector).json()["items"]]
    assert any("suspended until the end of the proceedings" in line for line in lines)
    assert any(f"proceedings of legal action {action_id} ended on 2026-11-02: judgment" in line for line in lines)


def test_a_guarantors_period_over_http(client, as_role) -> None:
    legal = as_role("legal", "liu")
    case_id = open_case(client, as_role("supervisor", "zhao"))
    made = client.post(
        f"/v1/cases/{case_id}/guarantees", json={"guarantor": "Sun Hao", "guarantee_type": "joint"}, headers=legal
    )
    guarantee_id = made.json()["guarantee_id"]
    url = f"/v1/cases/{case_id}/guarantees/{guarantee_id}/limitation-interruptions"
    good = {"cause": "requested", "on": "2026-11-02", "evidence": "notarised service N-7"}
    for day in HOSTILE_DAYS:
        assert_refused(client, url, {**good, "on": day}, case_id, legal)
    assert_refused(client, url, {**good, "evidence": "a\x00b"}, case_id, legal)
    assert_refused(client, url, {**good, "evidence": ""}, case_id, legal)
    assert_refused(client, url, {**good, "cause": "refusal_right_ended"}, case_id, legal)  # a joint guarantee
    assert client.post(url, json=good, headers=as_role("collector")).status_code == 403
    # not preserved yet: no period runs against the guarantor
    assert client.post(url, json=good, headers=legal).status_code == 409
    kept = client.post(
        f"/v1/cases/{case_id}/guarantees/{guarantee_id}/preservation",
        json={"by": "demand", "evidence": "notarised service N-7"},
        headers=legal,
    )
    assert kept.status_code == 201, kept.text
    again = client.post(url, json=good, headers=legal)
    assert again.status_code == 201 and again.json()["restarted"] is False, again.text  # the preservation started it
    lines = [i["summary"] for i in client.get(f"/v1/cases/{case_id}/timeline", headers=legal).json()["items"]]
    assert any(f"limitation period against guarantee {guarantee_id} started by requested" in line for line in lines)
