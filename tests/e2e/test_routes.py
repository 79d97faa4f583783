"""Each route's happy path, through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from infrastructure.clock import ManualClock
from tests.e2e.conftest import CALL, open_case, register
from tests.factories import OPENED, credit_code

DOC = hashlib.sha256(b"agreement").hexdigest()


def test_enterprise_is_registered_read_and_given_statements_and_loans(client, as_role):
    credit = as_role("credit")
    enterprise_id = register(client, credit)

    statement = {
        "period": "2025",
        "total_assets": "80000000.00",
        "total_liabilities": "52000000.00",
        "current_assets": "30000000.00",
        "current_liabilities": "25000000.00",
        "inventory": "9000000.00",
        "cash": "2500000.00",
        "revenue": "60000000.00",
        "operating_profit": "-1200000.00",
        "net_profit": "-2000000.50",
        "interest_expense": "1800000.00",
        "operating_cash_flow": "-500000.00",
    }
    filed = client.post(f"/v1/enterprises/{enterprise_id}/financial-statements", json=statement, headers=credit)
    assert filed.status_code == 201, filed.text
    assert filed.json() == {"enterprise_id": enterprise_id, "version": 2}
    loan = {
        "loan_id": "OLD-1",
        "amount": "5000000.00",
        "start_on": "2021-01-10",
        "maturity_on": "2023-01-10",
        "overdue_episodes": 2,
        "max_days_past_due": 45,
        "status": "repaid",
    }
    added = client.post(f"/v1/enterprises/{enterprise_id}/loan-records", json=loan, headers=credit)
    assert added.status_code == 201, added.text

    read = client.get(f"/v1/enterprises/{enterprise_id}", headers=as_role("auditor"))
    assert read.status_code == 200
    assert read.headers["etag"] == '"3"'
    body = read.json()
    assert body["credit_code"] == credit_code(1)
    assert body["registered_capital"] == "50000000.00"
    assert body["contacts"][0]["name"] == "Li Na"
    assert body["financial_statements"][0]["net_profit"] == "-2000000.50"
    assert body["loan_records"][0]["max_days_past_due"] == 45


def test_a_case_is_worked_from_opening_to_resolution(client, as_role, clock: ManualClock):
    supervisor, collector = as_role("supervisor", "zhao"), as_role("collector", "wang")
    case_id = open_case(client, supervisor, collector="wang")

    opened = client.get(f"/v1/cases/{case_id}", headers=collector)
    assert opened.status_code == 200
    assert opened.headers["etag"] == f'"{OPENED + 1}"'  # the opening's events, the collector assigned
    assert opened.json()["collector"] == "wang" and opened.json()["status"] == "open"

    call = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={**collector, "If-Match": f'"{OPENED + 1}"'})
    assert call.status_code == 201, call.text
    assert call.json() == {"case_id": case_id, "version": OPENED + 2} and call.headers["etag"] == f'"{OPENED + 2}"'
    visit = {**CALL, "channel": "visit", "outcome": "met", "staff": ["wang", "chen"], "summary": "on site"}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=visit, headers=collector).status_code == 201
    letter = {**CALL, "channel": "letter", "outcome": "delivered", "letter_kind": "demand", "document_sha256": DOC}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=letter, headers=as_role("legal")).status_code == 201

    promise = client.post(
        f"/v1/cases/{case_id}/promises", json={"amount": "100000.00", "due_on": "2026-11-20"}, headers=collector
    )
    assert promise.status_code == 201 and promise.json()["promise_id"]

    schedule = [{"due_on": "2026-12-15", "amount": "300000.00"}, {"due_on": "2027-01-15", "amount": "300000.01"}]
    plan = client.post(
        f"/v1/cases/{case_id}/plans",
        json={"kind": "equal", "amount": "600000.01", "schedule": schedule},
        headers=collector,
    )
    assert plan.status_code == 201, plan.text
    assert plan.json()["schedule"] == schedule
    plan_id = plan.json()["plan_id"]
    agreement = client.post(
        f"/v1/cases/{case_id}/agreements",
        json={"plan_id": plan_id, "signed_on": "2026-11-02", "signatories": ["Li Na", "zhao"], "document_sha256": DOC},
        headers=supervisor,
    )
    assert agreement.status_code == 201, agreement.text
    payment = client.post(
        f"/v1/cases/{case_id}/payments",
        json={"amount": "300000.00", "received_on": "2026-11-02", "reference": "TX-1"},
        headers=collector,
    )
    assert payment.status_code == 201, payment.text
    assert payment.json()["outstanding"] == "5700000.00" and payment.json()["paid"] == "300000.00"

    escalated = client.post(
        f"/v1/cases/{case_id}/escalations", json={"to_tier": "high", "reason": "funds moved"}, headers=supervisor
    )
    assert escalated.status_code == 201, escalated.text
    task = client.post(
        f"/v1/cases/{case_id}/tasks",
        json={"department": "legal", "title": "prepare litigation", "due_at": "2026-11-05T10:00:00+08:00"},
        headers=supervisor,
    )
    assert task.status_code == 201, task.text
    task_id = task.json()["task_id"]
    queue = client.get("/v1/queues/legal", headers=as_role("legal"))
    legal = [t["task_id"] for t in queue.json()["items"]]
    # with the high tier's lawyer's letter task; its litigation preparation is suspended: the agreement performs
    assert task_id in legal and len(legal) == 2
    worklist = client.get("/v1/worklist", headers=collector)
    assert any(i["case_id"] == case_id for i in worklist.json()["items"])  # wang's case, by next action due
    done = client.post(
        f"/v1/cases/{case_id}/tasks/{task_id}/completion", json={"outcome": "filed"}, headers=as_role("legal")
    )
    assert done.status_code == 201, done.text
    left = [t["task_id"] for t in client.get("/v1/queues/legal", headers=as_role("legal")).json()["items"]]
    assert task_id not in left and len(left) == 1
    signal = {"source": "court", "summary": "new lawsuit by a supplier", "severity": "high"}
    assert client.post(f"/v1/cases/{case_id}/signals", json=signal, headers=as_role("risk")).status_code == 201
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "CFO helpful"}, headers=collector).status_code == 201
    reassigned = client.post(f"/v1/cases/{case_id}/assignment", json={"collector": "liu"}, headers=supervisor)
    assert reassigned.status_code == 201, reassigned.text
    resolved = client.post(f"/v1/cases/{case_id}/resolution", json={"resolution": "restructured"}, headers=supervisor)
    assert resolved.status_code == 201, resolved.text

    progress = client.get(f"/v1/cases/{case_id}", headers=as_role("auditor")).json()
    assert progress["status"] == "resolved" and progress["tier"] == "high"
    assert progress["contact_counts"] == {"phone": 1, "visit": 1, "letter": 1}
    assert progress["version"] == resolved.json()["version"]

    timeline = client.get(f"/v1/cases/{case_id}/timeline", headers=as_role("auditor")).json()
    types = [item["type"] for item in timeline["items"]]
    assert types[0] == "CaseOpened" and types.index("CollectorAssigned") < types.index("CallLogged")
    assert "PaymentReceived" in types and types[-1] == "CaseResolved"
    call_item = timeline["items"][types.index("CallLogged")]
    assert call_item["actor"] == {"user_id": "wang", "role": "collector"}
    assert "Li Na" in call_item["summary"]


def test_timeline_pages_in_occurred_at_order(client, as_role, clock):
    headers = as_role("collector", "wang")
    case_id = open_case(client, as_role("admin"))
    clock.advance(timedelta(hours=3))
    for hours_ago in (1, 2, 0):
        body = {**CALL, "occurred_at": (clock.now() - timedelta(hours=hours_ago)).isoformat()}
        assert client.post(f"/v1/cases/{case_id}/contacts", json=body, headers=headers).status_code == 201
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/v1/cases/{case_id}/timeline", params=params, headers=headers).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == OPENED + 3
    times = [item["occurred_at"] for item in seen]
    assert times == sorted(times)
    first, second, third = OPENED + 1, OPENED + 2, OPENED + 3  # the calls 2, 1 and 0 hours ago
    assert [item["version"] for item in seen] == [*range(1, OPENED + 1), second, first, third]


def test_cases_are_listed_with_filters_and_cursor_paging(client, as_role):
    admin = as_role("admin")
    ids = [open_case(client, admin, n, collector="wang" if n % 2 else "liu") for n in range(1, 6)]
    client.post(f"/v1/cases/{ids[0]}/tasks", json={"department": "crm", "title": "call the CFO"}, headers=admin)
    client.post(f"/v1/cases/{ids[1]}/escalations", json={"to_tier": "medium", "reason": "late"}, headers=admin)

    listed, cursor = [], None
    while True:
        page = client.get("/v1/cases", params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=admin)
        assert page.status_code == 200
        listed += [c["case_id"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(listed) == sorted(ids)  # every case once, across pages

    def only(**params):
        return {c["case_id"] for c in client.get("/v1/cases", params=params, headers=admin).json()["items"]}

    assert only(collector="wang") == {ids[0], ids[2], ids[4]}
    assert only(department="crm") == {ids[0]}
    assert only(tier="medium") == {ids[1]}
    assert only(status="resolved") == set()
    assert client.get("/v1/cases", params={"cursor": "garbage"}, headers=admin).status_code == 422


def test_history_replays_the_case_by_version_and_as_of(client, as_role, clock):
    admin = as_role("admin")
    case_id = open_case(client, admin)
    client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=admin)
    client.post(
        f"/v1/cases/{case_id}/payments",
        json={"amount": "1000.00", "received_on": "2026-11-02", "reference": "TX-9"},
        headers=admin,
    )
    auditor = as_role("auditor")
    at_call = client.get(f"/v1/cases/{case_id}/history", params={"version": OPENED + 1}, headers=auditor)
    assert at_call.status_code == 200
    assert at_call.json()["case"]["paid"] == "0.00" and at_call.json()["version"] == OPENED + 1
    types = [e["type"] for e in at_call.json()["events"]]
    assert types[0] == "CaseOpened" and types[-1] == "CallLogged" and len(types) == OPENED + 1
    now = client.get(f"/v1/cases/{case_id}/history", headers=auditor).json()
    assert now["case"]["paid"] == "1000.00"
    recorded = now["events"][0]["recorded_at"]
    known = client.get(f"/v1/cases/{case_id}/history", params={"known_at": recorded}, headers=auditor)
    # recorded with the opening (its own timestamp): only the opening was recorded by then
    assert known.status_code == 200 and known.json()["version"] == 1 and known.json()["known_at"] == recorded
    opened = now["events"][0]["occurred_at"]
    as_of = client.get(f"/v1/cases/{case_id}/history", params={"as_of": opened}, headers=auditor)
    assert as_of.status_code == 200 and as_of.json()["version"] == now["version"]  # the clock stood still: all then
    before = client.get(f"/v1/cases/{case_id}/history", params={"as_of": "2000-01-01T00:00:00+08:00"}, headers=auditor)
    assert before.status_code == 404
    both = {"version": OPENED + 1, "known_at": recorded}
    assert client.get(f"/v1/cases/{case_id}/history", params=both, headers=auditor).status_code == 422
    assert client.get(f"/v1/cases/{case_id}/history", params={"version": 99}, headers=auditor).status_code == 404


def test_audit_trail_chains_hashes_and_verification_passes(client, as_role):
    admin = as_role("admin")
    case_id = open_case(client, admin)
    client.post(f"/v1/cases/{case_id}/notes", json={"text": "first"}, headers=admin)
    trail = client.get(f"/v1/cases/{case_id}/audit", headers=as_role("auditor")).json()
    assert [i["version"] for i in trail["items"]] == list(range(1, OPENED + 2))
    assert trail["items"][0]["prev_hash"] == "0" * 64
    assert trail["items"][1]["prev_hash"] == trail["items"][0]["hash"]
    again = client.get(f"/v1/cases/{case_id}/audit", headers=as_role("compliance")).json()
    assert again["items"] == trail["items"]
    verified = client.get("/v1/audit/verify", headers=as_role("auditor")).json()
    assert verified["ok"] is True and verified["problems"] == []


def test_reports_answer(client, as_role, clock):
    admin = as_role("admin")
    case_id = open_case(client, admin)
    client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=admin)
    clock.set(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai: quiet hours
    overridden = {**CALL, "override_reason": "the debtor asked for a late call"}
    late = client.post(f"/v1/cases/{case_id}/contacts", json=overridden, headers=as_role("supervisor"))
    assert late.status_code == 201, late.text
    compliance = as_role("compliance")
    portfolio = client.get("/v1/reports/portfolio", headers=compliance).json()
    assert portfolio["cases_opened"] == 1 and portfolio["right_party_contact_rate"] == "1.0000"
    channels = client.get("/v1/reports/channels", headers=compliance).json()["items"]
    assert [(c["channel"], c["attempts"], c["rpc"]) for s in channels for c in s["channels"]] == [("phone", 2, 2)]
    report = client.get("/v1/reports/compliance", headers=compliance).json()
    override = report["overrides"][0]
    evidence = [{"case_id": case_id, "version": OPENED + 2}]  # the opening's events, the first call, the late one
    assert override["rules"] == ["CP-QUIET-HOURS"] and override["evidence"] == evidence


def test_operations_endpoints(client, as_role):
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["event_store"].startswith("ok")
    client.get("/v1/cases", headers=as_role("admin"))
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and "arrears_http_requests_total" in metrics.text


def test_assessment_returns_tier_score_and_reasons(client, as_role):
    case_id = open_case(client, as_role("admin"))
    response = client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk", "qian"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tier"] in {"low", "medium", "high"} and body["model_version"] and isinstance(body["score"], int)
    assert body["reasons"] and all(reason["code"] and reason["message"] for reason in body["reasons"])
    assert response.headers["etag"] == f'"{body["version"]}"'
    progress = client.get(f"/v1/cases/{case_id}", headers=as_role("risk")).json()
    assert progress["tier"] == body["tier"] and progress["version"] == body["version"]


def test_a_plan_is_built_from_its_kind(client, as_role):
    headers = as_role("collector")
    case_id = open_case(client, as_role("admin"))
    plan = client.post(
        f"/v1/cases/{case_id}/plans",
        json={"kind": "equal", "amount": "1000000.00", "start_on": "2026-12-01", "parameters": {"count": 3}},
        headers=headers,
    )
    assert plan.status_code == 201, plan.text
    schedule = plan.json()["schedule"]
    assert [i["due_on"] for i in schedule] == ["2026-12-01", "2027-01-01", "2027-02-01"]
    assert sum(int(i["amount"].replace(".", "")) for i in schedule) == 100_000_000
    bad = client.post(
        f"/v1/cases/{case_id}/plans",
        json={"kind": "equal", "amount": "1000000.00", "start_on": "2026-12-01", "parameters": {"count": 0}},
        headers=headers,
    )
    assert bad.status_code == 422
    neither = client.post(f"/v1/cases/{case_id}/plans", json={"kind": "equal", "amount": "1.00"}, headers=headers)
    assert neither.status_code == 422


def test_import_of_a_file_is_all_or_nothing(client, as_role):
    headers = as_role("credit", **{"Content-Type": "text/csv"})
    good = (
        "credit_code,name,registered_capital,industry,region,contact_name,contact_phone\n"
        f"{credit_code(77)},Imported Co.,1000000.00,trading,Zhejiang,Li Na,+86 138 0000 0077\n"
    )
    response = client.post("/v1/imports", content=good.encode(), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["enterprises_registered"] == 1
    again = client.post("/v1/imports", content=good.encode(), headers=headers)
    assert again.status_code == 201 and again.json()["events_recorded"] == 0
    enterprise_id = client.get(f"/v1/enterprises/{uuid5_enterprise(credit_code(77))}", headers=headers)
    assert enterprise_id.status_code == 200
    bad = good + f"{credit_code(78)},Second Co.,lots,trading,Zhejiang,Wu,+86 1\n"
    rejected = client.post("/v1/imports", content=bad.encode(), headers=headers)
    assert rejected.status_code == 422
    assert rejected.headers["content-type"] == "application/problem+json"
    assert rejected.json()["errors"][0]["field"].startswith("line 3")
    missing = client.get(f"/v1/enterprises/{uuid5_enterprise(credit_code(78))}", headers=headers)
    assert missing.status_code == 404


def uuid5_enterprise(code: str) -> str:
    from domain.ids import enterprise_id

    return str(enterprise_id(code))
