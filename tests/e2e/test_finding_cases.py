"""A collector finds a case by loan id, firm name or credit code, pages through long lists with their totals, sees
each case named by its next action, and filters a timeline (both stores)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from infrastructure.clock import ManualClock
from tests.e2e.conftest import CALL, Headers
from tests.factories import credit_code


def register_firm(client: TestClient, headers: Headers, n: int, name: str) -> str:
    """Register enterprise n under a name; its id."""
    body = {
        "credit_code": credit_code(n),
        "name": name,
        "registered_capital": "50000000.00",
        "industry": "manufacturing",
        "region": "Jiangsu",
        "contacts": [{"name": "Li Na", "role": "CFO", "phone": "+86 138 0013 8000"}],
    }
    response = client.post("/v1/enterprises", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["enterprise_id"])


def open_loan(client: TestClient, headers: Headers, enterprise_id: str, loan_id: str, **changes: Any) -> str:
    """Open a case on a loan of the enterprise; its id."""
    body = {
        "loan_id": loan_id,
        "enterprise_id": enterprise_id,
        "principal": "10000000.00",
        "outstanding": "6000000.00",
        "overdue_amount": "1200000.00",
        "overdue_since": "2026-09-15",
        **changes,
    }
    response = client.post("/v1/cases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def portfolio(client: TestClient, headers: Headers) -> dict[str, str]:
    """Three firms and their loans: loan id → case id."""
    east = register_firm(client, headers, 1, "华东精密制造有限公司")
    north = register_firm(client, headers, 2, "Northwind Trading Co., Ltd.")
    south = register_firm(client, headers, 3, "华南物流有限公司")
    return {
        "HD-2024-03": open_loan(client, headers, east, "HD-2024-03"),
        "HD-2024-031": open_loan(client, headers, east, "HD-2024-031"),
        "NW-7": open_loan(client, headers, north, "NW-7"),
        "HN-1": open_loan(client, headers, south, "HN-1"),
    }


def found(client: TestClient, headers: Headers, q: str) -> list[str]:
    """The loan ids a search finds, in the order it lists them."""
    response = client.get("/v1/cases", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return [item["loan_id"] for item in page["items"]]


def test_a_case_is_found_by_loan_id_firm_name_or_credit_code_prefix_and_exact(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    admin = as_role("admin")
    portfolio(client, admin)
    collector = as_role("collector")
    assert found(client, collector, "HD-2024-03") == ["HD-2024-03", "HD-2024-031"]  # the exact one first
    assert found(client, collector, "hd-2024") == ["HD-2024-03", "HD-2024-031"]  # Latin in any case
    assert found(client, collector, "HD-2024-031") == ["HD-2024-031"]
    assert found(client, collector, "华东") == ["HD-2024-03", "HD-2024-031"]  # a Chinese name's start
    assert found(client, collector, "华南物流有限公司") == ["HN-1"]  # a whole name
    assert found(client, collector, "northwind") == ["NW-7"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "NORTH")  # as a Chinese input method may type it
    assert found(client, collector, full_width) == ["NW-7"]
    assert found(client, collector, credit_code(2)) == ["NW-7"]  # the credit code, exactly
    assert found(client, collector, credit_code(3)[:17].lower()) == ["HN-1"]  # and its start
    assert found(client, collector, "华") == ["HD-2024-03", "HD-2024-031", "HN-1"]
    assert found(client, collector, "XYZ") == []
    first = client.get("/v1/cases", params={"q": "华", "limit": 2}, headers=collector).json()
    second = client.get(first["next"], headers=collector).json()
    assert first["total"] == second["total"] == 3 and second["next"] is None
    assert [i["loan_id"] for i in first["items"] + second["items"]] == ["HD-2024-03", "HD-2024-031", "HN-1"]
    item = client.get("/v1/cases", params={"q": "NW-7"}, headers=collector).json()["items"][0]
    assert item["firm_name"] == "Northwind Trading Co., Ltd." and item["credit_code"] == credit_code(2)
    listed = client.get("/v1/enterprises", params={"q": "华"}, headers=collector).json()
    assert [e["name"] for e in listed["items"]] == ["华东精密制造有限公司", "华南物流有限公司"] and listed["total"] == 2


def test_a_case_is_read_by_its_loan_id_and_a_loan_id_in_place_of_a_case_id_says_where_to_look(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    cases = portfolio(client, as_role("admin"))
    collector = as_role("collector")
    by_loan = client.get("/v1/cases/by-loan/HD-2024-03", headers=collector)
    assert by_loan.status_code == 200
    assert by_loan.json()["case_id"] == cases["HD-2024-03"] and by_loan.json()["firm_name"] == "华东精密制造有限公司"
    assert by_loan.headers["etag"] == client.get(f"/v1/cases/{cases['HD-2024-03']}", headers=collector).headers["etag"]
    loan_for_case = client.get("/v1/cases/HD-2024-03", headers=collector)
    assert loan_for_case.status_code == 422 and "/v1/cases/by-loan/" in loan_for_case.json()["detail"]
    missing = client.get("/v1/cases/by-loan/HD-2099-01", headers=collector)
    assert missing.status_code == 404 and "HD-2099-01" in missing.json()["detail"]
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_an_unknown_query_parameter_is_refused_naming_it_not_ignored(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    portfolio(client, as_role("admin"))
    response = client.get("/v1/cases", params={"loan_id": "HD-2024-03"}, headers=as_role("collector"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "loan_id" in response.json()["detail"] and "q=" in response.json()["detail"]
    worklist = client.get("/v1/worklist", params={"colector": "x"}, headers=as_role("collector"))
    assert worklist.status_code == 422 and "colector" in worklist.json()["detail"]


def test_a_collector_with_83_open_cases_pages_through_all_83_with_the_total(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    admin = as_role("admin")
    firm = register_firm(client, admin, 1, "Eighty-Three Holdings")
    opened = {open_loan(client, admin, firm, f"EH-{n:03d}", collector="li.collector") for n in range(83)}
    collector = as_role("collector", "li.collector")
    pages, seen, link = 0, [], "/v1/worklist"
    while link:
        page = client.get(link, headers=collector).json()
        assert page["total"] == 83 and page["limit"] == 50
        seen += [item["case_id"] for item in page["items"]]
        link, pages = page["next"], pages + 1
        assert (link is None) == (page["next_cursor"] is None)
    assert pages == 2 and len(seen) == 83 and set(seen) == opened
    listed, cursor = [], None
    while True:
        params = {"collector": "li.collector", "limit": 50, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/cases", params=params, headers=collector).json()
        assert page["total"] == 83
        listed += [item["case_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(listed) == 83 and set(listed) == opened
    too_big = client.get("/v1/worklist", params={"limit": 501}, headers=collector)
    assert too_big.status_code == 422
    forged = client.get("/v1/worklist", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=collector)
    assert forged.status_code == 422


def test_each_case_of_a_worklist_is_named_by_its_next_action_in_the_business_zone(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    admin = as_role("admin")
    firm = register_firm(client, admin, 1, "华东精密制造有限公司")
    visit = open_loan(client, admin, firm, "HD-1", collector="li.collector")
    promise = open_loan(client, admin, firm, "HD-2", collector="li.collector")
    supervisor = as_role("supervisor")
    # 2026-12-07T17:00Z is 12-08 01:00 in Shanghai: the day shown is the business zone's
    deadline = {"kind": "visit", "due_at": "2026-12-07T17:00:00Z", "action": "notify:supervisor"}
    assert client.post(f"/v1/cases/{visit}/deadlines", json=deadline, headers=supervisor).status_code == 201
    collector = as_role("collector", "li.collector")
    made = {"amount": "100000.00", "due_on": "2026-12-10"}
    assert client.post(f"/v1/cases/{promise}/promises", json=made, headers=collector).status_code == 201
    items = client.get("/v1/worklist", headers=collector).json()["items"]
    named = {item["case_id"]: item["what"] for item in items if item["kind"] == "case"}
    assert named[visit] == "visit due 12-08"
    assert named[promise].startswith("promise due 12-1")  # the promise's day ends in the business zone
    assert all(item["firm_name"] == "华东精密制造有限公司" and item["loan_id"] for item in items)
    case = client.get("/v1/cases", params={"q": "HD-1"}, headers=collector).json()["items"][0]
    assert case["next_action"]["label"] == "visit due 12-08" and case["next_action"]["what"] == "visit"


def test_a_timeline_is_filtered_by_kind_and_to_what_people_did(
    client: TestClient, as_role: Callable[..., Headers], clock: ManualClock
) -> None:
    admin = as_role("admin")
    firm = register_firm(client, admin, 1, "Northwind Trading Co., Ltd.")
    case_id = open_loan(client, admin, firm, "NW-1", collector="li.collector")
    collector = as_role("collector", "li.collector")
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=collector).status_code == 201
    supervisor = as_role("supervisor")
    deadline = {"kind": "callback", "due_at": "2026-11-03T02:00:00Z", "action": "remind", "met_by": ["contact"]}
    assert client.post(f"/v1/cases/{case_id}/deadlines", json=deadline, headers=supervisor).status_code == 201
    from datetime import timedelta

    clock.advance(timedelta(days=2))
    client.app.state.services.container.scheduler.tick()  # type: ignore[attr-defined]  # the deadline passes unmet
    url = f"/v1/cases/{case_id}/timeline"
    everything = client.get(url, headers=collector).json()
    assert "DeadlineExpired" in [i["type"] for i in everything["items"]]
    assert everything["total"] == len(everything["items"])
    calls = client.get(url, params={"kinds": "CallLogged"}, headers=collector).json()
    assert [i["type"] for i in calls["items"]] == ["CallLogged"] and calls["total"] == 1
    contacts = client.get(f"{url}?kinds=contactevent&kinds=CaseOpened", headers=collector).json()
    assert [i["type"] for i in contacts["items"]] == ["CaseOpened", "CallLogged"]
    people = client.get(url, params={"people_only": "true"}, headers=collector).json()
    assert people["items"] and all(i["actor"]["role"] != "system" for i in people["items"])
    assert people["total"] < everything["total"]
    assert "DeadlineExpired" not in [i["type"] for i in people["items"]]
    unknown = client.get(url, params={"kinds": "CallLoged"}, headers=collector)
    assert unknown.status_code == 422 and "CallLoged" in unknown.json()["detail"]


def test_a_time_with_an_unencoded_plus_in_the_query_is_taken_as_meant(
    client: TestClient, as_role: Callable[..., Headers]
) -> None:
    admin = as_role("admin")
    firm = register_firm(client, admin, 1, "Northwind Trading Co., Ltd.")
    case_id = open_loan(client, admin, firm, "NW-1")
    collector = as_role("collector")
    raw = client.get(f"/v1/cases/{case_id}/timeline?as_of=2026-11-04T10:00:00+08:00", headers=collector)
    encoded = client.get(f"/v1/cases/{case_id}/timeline?as_of=2026-11-04T10:00:00%2B08:00", headers=collector)
    assert raw.status_code == 200 and raw.json()["items"] == encoded.json()["items"]
    # opened at 10:00 in Shanghai (02:00 UTC): a minute before, there was no case; read as 09:59 UTC there was
    before = client.get(f"/v1/cases/{case_id}/history?as_of=2026-11-02T09:59:00+08:00", headers=collector)
    assert before.status_code == 404
    after = client.get(f"/v1/cases/{case_id}/history?as_of=2026-11-02T10:00:00+08:00", headers=collector)
    assert after.status_code == 200 and after.json()["events"]
    wrong = client.get(f"/v1/cases/{case_id}/history?as_of=2026-11-04", headers=collector)
    assert wrong.status_code == 422 and "%2B" in wrong.json()["detail"]


def test_enterprises_are_listed_by_name_a_page_at_a_time(client: TestClient, as_role: Callable[..., Headers]) -> None:
    admin = as_role("admin")
    names = [f"Firm {n:02d}" for n in range(7)]
    for n, name in enumerate(reversed(names), start=1):
        register_firm(client, admin, n, name)
    listed, link = [], "/v1/enterprises?limit=3"
    while link:
        page = client.get(link, headers=admin).json()
        assert page["total"] == 7
        listed += [e["name"] for e in page["items"]]
        link = page["next"]
    assert listed == names
    found = client.get("/v1/enterprises", params={"q": "firm 0", "limit": 2}, headers=admin).json()
    assert found["total"] == 7 and [e["name"] for e in found["items"]] == ["Firm 00", "Firm 01"]
    rest = client.get(found["next"], headers=admin).json()
    assert [e["name"] for e in rest["items"]] == ["Firm 02", "Firm 03"]
