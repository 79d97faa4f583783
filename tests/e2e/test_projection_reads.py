"""The API serves from the projections' views and reads its own writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from uuid import uuid4

from tests.e2e.conftest import CALL, open_case


def test_reads_come_from_the_views_and_see_the_callers_writes(client, as_role):
    admin, collector = as_role("admin"), as_role("collector", "wang")
    case_id = open_case(client, admin, collector="wang")
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=collector).status_code == 201
    payment = {"amount": "1000.00", "received_on": "2026-11-02", "reference": "TX-1"}
    assert client.post(f"/v1/cases/{case_id}/payments", json=payment, headers=collector).status_code == 201
    task = {"department": "legal", "title": "prepare litigation", "assignee": "wang"}
    assigned = client.post(f"/v1/cases/{case_id}/tasks", json=task, headers=admin).json()
    task_id, version = assigned["task_id"], assigned["version"]

    case = client.get(f"/v1/cases/{case_id}", headers=collector)
    assert case.status_code == 200 and case.headers["etag"] == f'"{version}"'
    body = case.json()
    assert (body["version"], body["status"], body["paid"]) == (version, "open", "1000.00")
    assert body["outstanding"] == "5999000.00"
    assert body["contact_counts"] == {"phone": 1} and body["open_tasks"] == 1

    listed = client.get("/v1/cases", params={"collector": "wang"}, headers=collector).json()
    assert [c["case_id"] for c in listed["items"]] == [case_id]
    assert client.get("/v1/cases", params={"cursor": "garbage"}, headers=collector).status_code == 422

    timeline = client.get(f"/v1/cases/{case_id}/timeline", headers=collector).json()
    types = [i["type"] for i in timeline["items"]]
    assert types[0] == "CaseOpened" and types.index("CollectorAssigned") < types.index("CallLogged")
    assert timeline["items"][types.index("CallLogged")]["actor"] == {"user_id": "wang", "role": "collector"}
    assert client.get(f"/v1/cases/{uuid4()}/timeline", headers=collector).status_code == 404

    trail = client.get(f"/v1/cases/{case_id}/audit", headers=as_role("auditor")).json()["items"]
    assert [i["version"] for i in trail] == list(range(1, version + 1))
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(trail))
    verified = client.get("/v1/audit/verify", headers=as_role("auditor")).json()
    assert verified["ok"] is True and verified["problems"] == []

    queue = client.get("/v1/queues/legal", headers=as_role("legal")).json()
    assert [t["task_id"] for t in queue["items"]] == [task_id]
    worklist = client.get("/v1/worklist", headers=collector).json()
    assert any(i["id"] == task_id for i in worklist["items"])
    for report in ("portfolio", "channels", "compliance"):
        assert client.get(f"/v1/reports/{report}", headers=as_role("compliance")).status_code == 200
