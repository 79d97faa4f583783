"""A loan's schedule and ledger over HTTP, on SQLite and PostgreSQL (README "Arrears that move")."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import register

DUES = [
    {"number": n, "due_on": f"2026-{7 + n:02d}-20", "principal": "200000.00", "interest": "10000.00"}
    for n in (1, 2, 3, 4)
]
TERMS = {"interest_rate": "0.0435", "penalty_rate": "0.0653", "compound": False}


def test_a_case_opens_with_its_schedule_and_payments_move_its_arrears(client, as_role):
    credit, collector = as_role("credit"), as_role("collector", "wang")
    enterprise_id = register(client, credit)
    body = {"loan_id": "LN-S1", "enterprise_id": enterprise_id, "principal": "800000.00", "outstanding": "800000.00"}
    opened = client.post("/v1/cases", json={**body, "dues": DUES, "terms": TERMS}, headers=credit)
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    ledger = client.get(f"/v1/cases/{case_id}/ledger", params={"as_of": "2026-11-02"}, headers=collector).json()
    assert (ledger["overdue_amount"], ledger["overdue_since"], ledger["days_past_due"]) == (
        "634716.13",
        "2026-08-20",
        74,
    )
    # principal + interest + penalty accrued since each due date (4,716.13: tests/application/test_loan_schedule.py)
    assert ledger["outstanding"] == "844716.13"

    paid = client.post(
        f"/v1/cases/{case_id}/payments",
        json={"amount": "400000.00", "received_on": "2026-11-02", "reference": "B-1"},
        headers=collector,
    )
    assert paid.status_code == 201, paid.text
    ledger = client.get(f"/v1/cases/{case_id}/ledger", headers=collector).json()
    assert (ledger["overdue_amount"], ledger["overdue_since"], ledger["days_past_due"]) == (
        "234716.13",
        "2026-09-20",
        43,
    )
    assert ledger["category"] == "special_mention" and ledger["rule_ids"] == ["overdue"]

    early = client.post(
        f"/v1/cases/{case_id}/payments",
        json={"amount": "1.00", "received_on": "2026-10-01", "reference": "B-0"},
        headers=collector,
    )
    assert early.status_code == 422 and "before the case opened" in early.json()["detail"]

    debtor = client.post(f"/v1/enterprises/{enterprise_id}/classification", headers=as_role("risk")).json()
    assert debtor["category"] == "special_mention" and debtor["claims"] == {case_id: "special_mention"}
    assert client.get(f"/v1/enterprises/{enterprise_id}/classification", headers=collector).json() == debtor


def test_a_schedule_is_refused_when_it_does_not_add_up_or_comes_without_rates(client, as_role):
    credit = as_role("credit")
    enterprise_id = register(client, credit)
    body = {"loan_id": "LN-S2", "enterprise_id": enterprise_id, "principal": "900000.00", "outstanding": "900000.00"}
    wrong = client.post("/v1/cases", json={**body, "dues": DUES, "terms": TERMS}, headers=credit)
    assert wrong.status_code == 422 and "must equal the outstanding principal" in wrong.json()["detail"]
    no_rates = client.post("/v1/cases", json={**body, "outstanding": "800000.00", "dues": DUES}, headers=credit)
    assert no_rates.status_code == 422 and "rates" in no_rates.json()["detail"]
    neither = client.post("/v1/cases", json=body, headers=credit)
    assert neither.status_code == 422 and "overdue_amount" in neither.json()["detail"]
    bad_rate = client.post(
        "/v1/cases", json={**body, "dues": DUES, "terms": {**TERMS, "penalty_rate": "\uff10.1"}}, headers=credit
    )
    assert bad_rate.status_code in (400, 422)


def test_the_payoff_quoted_over_http_settles_the_loan_and_costs_and_acceleration_are_recorded(client, as_role, clock):
    """1,000,000.00 due 31 October at 6.525% / 360 (181.25 a day): the payoff for 16 November is 1,000,000.00 +
    16 x 181.25 = 1,002,900.00 (tests/application/test_penalty_payoff.py); paid that day, the ledger of 1 December
    owes 0.00. Costs and acceleration are legal's acts: refused to a collector, checked, recorded."""
    credit, collector, legal = as_role("credit"), as_role("collector", "wang"), as_role("legal", "li")
    enterprise_id = register(client, credit)
    due = [{"number": 1, "due_on": "2026-10-31", "principal": "1000000.00"}]
    terms = {"interest_rate": "0.0435", "penalty_rate": "0.06525"}
    body = {"loan_id": "LN-HTTP-PAYOFF", "enterprise_id": enterprise_id, "principal": "1000000.00"}
    case_id = client.post(
        "/v1/cases", json={**body, "outstanding": "1000000.00", "dues": due, "terms": terms}, headers=credit
    ).json()["case_id"]
    quote = client.get(f"/v1/cases/{case_id}/payoff", params={"on": "2026-11-16"}, headers=collector).json()
    assert (quote["payoff"], quote["penalty"], quote["principal"], quote["costs"]) == (
        "1002900.00",
        "2900.00",
        "1000000.00",
        "0.00",
    )
    clock.set(datetime(2026, 11, 16, 2, tzinfo=UTC))
    paid = client.post(
        f"/v1/cases/{case_id}/payments",
        json={"amount": quote["payoff"], "received_on": "2026-11-16", "reference": "PAYOFF"},
        headers=collector,
    )
    assert paid.status_code == 201, paid.text
    later = client.get(f"/v1/cases/{case_id}/ledger", params={"as_of": "2026-12-01"}, headers=collector).json()
    assert (later["outstanding"], later["payoff"], later["days_past_due"]) == ("0.00", "0.00", 0)
    before = client.get(f"/v1/cases/{case_id}/ledger", params={"as_of": "2026-10-01"}, headers=collector)
    assert before.status_code == 404  # the case did not exist yet

    other = client.post(
        "/v1/cases",
        json={
            **body,
            "loan_id": "LN-HTTP-ACCEL",
            "outstanding": "1000000.00",
            "dues": [
                {"number": 1, "due_on": "2026-10-31", "principal": "400000.00"},
                {"number": 2, "due_on": "2027-04-30", "principal": "600000.00"},
            ],
            "terms": terms,
        },
        headers=credit,
    ).json()["case_id"]
    cost = {
        "cost_id": "FEE-1",
        "kind": "court_fee",
        "amount": "5000.00",
        "incurred_on": "2026-11-16",
        "description": "受理费",
    }
    assert client.post(f"/v1/cases/{other}/costs", json=cost, headers=collector).status_code == 403
    bad = client.post(f"/v1/cases/{other}/costs", json={**cost, "kind": "lunch"}, headers=legal)
    assert bad.status_code == 422 and "kind" in bad.json()["detail"]
    assert client.post(f"/v1/cases/{other}/costs", json=cost, headers=legal).status_code == 201
    accelerated = client.post(
        f"/v1/cases/{other}/acceleration",
        json={"on": "2026-11-16", "clause": "第12.3条", "reason": "the first due is unpaid"},
        headers=legal,
    )
    assert accelerated.status_code == 201, accelerated.text
    ledger = client.get(f"/v1/cases/{other}/ledger", params={"as_of": "2026-11-16"}, headers=collector).json()
    assert ledger["costs"] == "5000.00"
    assert [d["due_on"] for d in ledger["dues"]] == ["2026-10-31", "2026-11-16"]  # the whole principal is due
    again = client.post(
        f"/v1/cases/{other}/acceleration", json={"on": "2026-11-16", "clause": "12.3", "reason": "x"}, headers=legal
    )
    assert again.status_code == 409
