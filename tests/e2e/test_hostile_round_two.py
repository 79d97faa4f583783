"""Issue 23 over HTTP (both stores): an oversized CSV field, misleading and lax validation, token subjects,
Idempotency-Keys that expire and belong to a user in a role, and a refused request that writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from api.main import purge_keys, serving_runners
from infrastructure.idempotency import principal
from tests.e2e.conftest import CALL, TEST_SECRET, open_case

PROBLEM = "application/problem+json"
ONE_DAY = 24 * 3600


def services(client) -> Any:
    return client.app.state.services


def events_stored(client) -> int:
    return int(services(client).container.store.recorder.max_notification_id() or 0)


# --- 1. a CSV field over 131,072 characters ----------------------------------------------------------------


def test_a_csv_field_over_131072_characters_is_a_per_row_422_not_a_500(client, as_role):
    headers = {**as_role("admin"), "Content-Type": "text/csv"}
    before = events_stored(client)
    body = "name,credit_code,industry\n" + "Big Co.," + "9" * 140_000 + ",manufacturing\n"
    response = client.post("/v1/imports", content=body.encode(), headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:arrears:problem:import-rejected"
    assert problem["errors"][0]["field"].startswith("line 2")
    assert events_stored(client) == before
    assert client.get("/healthz").status_code == 200


# --- 3. the true reason for a number out of range or nesting too deep ----------------------------------------


def test_a_number_out_of_range_is_refused_as_out_of_range_not_as_bad_unicode(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    body = {"amount": "1.00", "received_on": "2026-11-01", "reference": "R-big", "designated_dues": [10**30]}
    response = client.post(f"/v1/cases/{case_id}/payments", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "out of range" in response.json()["detail"]
    assert "Unicode" not in response.json()["detail"]


def test_plan_parameters_nested_900_deep_are_refused_as_too_deep_with_the_limit(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    nested: Any = 1
    for _ in range(900):
        nested = {"a": nested}
    body = {"kind": "equal", "amount": "1200.00", "start_on": "2026-12-01", "parameters": nested}
    before = events_stored(client)
    response = client.post(f"/v1/cases/{case_id}/plans", json=body, headers=headers)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "too deep" in detail and "32 levels" in detail
    assert events_stored(client) == before


# --- 4. strict types for money and references --------------------------------------------------------------


@pytest.mark.parametrize("due", ["1", True, 1.0])
def test_designated_dues_must_be_json_integers_not_strings_or_booleans(client, as_role, due):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    body = {"amount": "1.00", "received_on": "2026-11-01", "reference": "R-strict", "designated_dues": [due]}
    response = client.post(f"/v1/cases/{case_id}/payments", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert any(e["field"].startswith("body.designated_dues") for e in response.json()["errors"])
    assert client.get(f"/v1/cases/{case_id}", headers=headers).json()["paid"] == "0.00"


@pytest.mark.parametrize("value", ["3", True])
def test_a_loan_records_counts_must_be_json_integers(client, as_role, value):
    headers = as_role("admin")
    from tests.e2e.conftest import register

    enterprise_id = register(client, headers)
    body = {
        "loan_id": "LN-STRICT",
        "amount": "1000000.00",
        "start_on": "2023-01-01",
        "maturity_on": "2025-01-01",
        "overdue_episodes": value,
        "max_days_past_due": 0,
        "status": "repaid",
    }
    response = client.post(f"/v1/enterprises/{enterprise_id}/loan-records", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "body.overdue_episodes" in [e["field"] for e in response.json()["errors"]]


# --- 7. token subjects validated at use ---------------------------------------------------------------------


@pytest.mark.parametrize("subject", [" system:scheduler", "wang\x00collector", "a\x01b", "wang ", "x" * 65])
def test_a_validly_signed_token_with_a_bad_subject_is_refused_and_records_nothing(client, as_role, subject):
    case_id = open_case(client, as_role("admin"))
    now = datetime.now(UTC)
    claims = {"sub": subject, "role": "collector", "iss": "arrears", "iat": now, "exp": now + timedelta(hours=1)}
    token = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    before = events_stored(client)
    response = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "hello"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401, response.text
    assert "user id" in response.json()["detail"]
    assert events_stored(client) == before


def test_token_issue_refuses_a_subject_with_control_characters(client):
    with pytest.raises(ValueError, match="user id"):
        services(client).tokens.issue("a\x01b", "collector", timedelta(hours=1))
    assert services(client).tokens.verify(services(client).tokens.issue("王伟.li-2@bank", "collector", timedelta(1)))


# --- 8. Idempotency-Keys expire and belong to a user in a role ----------------------------------------------


def age_keys(store, seconds: float) -> None:
    """Move every key's first use ``seconds`` into the past (as if that much time had gone by)."""
    if hasattr(store, "conn"):  # SQLite
        with store.lock:
            store.conn.execute("UPDATE idempotency_keys SET created_at = created_at - ?", (seconds,))
    else:
        with store.connection() as conn:
            conn.execute(f"UPDATE {store.table} SET created_at = created_at - %s", (seconds,))


def test_idempotency_keys_expire_after_the_retention_and_are_purged(client, as_role):
    store = services(client).idempotency
    assert services(client).settings.idempotency_retention_seconds == ONE_DAY
    headers = as_role("collector", "wang", **{"Idempotency-Key": "kept-a-day"})
    case_id = open_case(client, as_role("admin"))
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "first"}, headers=headers).status_code == 201
    age_keys(store, ONE_DAY - 60)  # within the retention: the key is still known (a different body is refused)
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "other"}, headers=headers).status_code == 422
    assert store.purge() == 0
    age_keys(store, 120)  # past the retention: a new first use, run afresh
    again = client.post(f"/v1/cases/{case_id}/notes", json={"text": "other"}, headers=headers)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    age_keys(store, ONE_DAY + 1)
    assert purge_keys(services(client)) == 1  # what serve runs every hour
    assert store.purge() == 0
    assert "idempotency-purge" in [runner.name for runner in serving_runners(services(client))]


def test_an_auditor_token_replaying_a_supervisors_key_is_not_given_the_supervisors_201(client, as_role):
    case_id = open_case(client, as_role("admin"))
    key = {"Idempotency-Key": "zhao-note-1"}
    supervisor = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "reviewed"}, headers=as_role("supervisor", "zhao", **key)
    )
    assert supervisor.status_code == 201
    auditor = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "reviewed"}, headers=as_role("auditor", "zhao", **key)
    )
    assert auditor.status_code == 403, auditor.text
    assert "idempotent-replayed" not in auditor.headers
    repeat = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "reviewed"}, headers=as_role("supervisor", "zhao", **key)
    )
    assert repeat.status_code == 201 and repeat.headers["idempotent-replayed"] == "true"
    assert principal("zhao", "auditor") != principal("zhao", "supervisor")


# --- 9. a refused request writes nothing ----------------------------------------------------------------


def test_a_refused_promise_writes_no_policy_set_up_events(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    before = events_stored(client)
    past = {"amount": "1000.00", "due_on": "2020-01-01"}  # a promise's date may not be in the past
    response = client.post(f"/v1/cases/{case_id}/promises", json=past, headers=headers)
    assert response.status_code == 422, response.text
    assert events_stored(client) == before
    good = {"amount": "1000.00", "due_on": "2027-06-01"}
    assert client.post(f"/v1/cases/{case_id}/promises", json=good, headers=headers).status_code == 201
    policy = client.get("/v1/policy", headers=headers)
    assert policy.status_code == 200 and policy.json()["version"] == 1
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"text": ' + "[" * 5000 + "]" * 5000 + "}", "too deep (at most 32 levels)"),
        ('{"text": ' + "9" * 5000 + "}", "a number in it is out of range"),
    ],
)
def test_a_body_too_deep_or_with_a_number_too_long_to_parse_says_so(client, as_role, body, reason):
    headers = {**as_role("admin"), "Content-Type": "application/json"}
    case_id = open_case(client, as_role("admin"))
    before = events_stored(client)
    response = client.post(f"/v1/cases/{case_id}/notes", content=body.encode(), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:arrears:problem:malformed-json"
    assert reason in response.json()["detail"]
    assert "UTF-8" not in response.json()["detail"]
    assert events_stored(client) == before
