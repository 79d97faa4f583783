"""Idempotency-Key: a repeat returns the first response and records nothing, across restarts and processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from api.main import create_app
from tests.e2e.conftest import CALL, open_case
from tests.factories import OPENED


def timeline_length(client, case_id, headers) -> int:
    return len(client.get(f"/v1/cases/{case_id}/timeline", headers=headers).json()["items"])


def test_a_repeat_returns_the_first_response_and_records_nothing(client, as_role):
    headers = as_role("collector", "wang", **{"Idempotency-Key": "call-0001"})
    case_id = open_case(client, as_role("admin"))
    first = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers)
    second = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert timeline_length(client, case_id, headers) == OPENED + 1


def test_the_same_key_with_a_different_body_is_refused(client, as_role):
    headers = as_role("collector", "wang", **{"Idempotency-Key": "call-0002"})
    case_id = open_case(client, as_role("admin"))
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers).status_code == 201
    other = client.post(f"/v1/cases/{case_id}/contacts", json={**CALL, "summary": "different"}, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert timeline_length(client, case_id, headers) == OPENED + 1


def test_keys_belong_to_their_user_and_errors_are_replayed_too(client, as_role):
    case_id = open_case(client, as_role("admin"))
    wang = as_role("collector", "wang", **{"Idempotency-Key": "same"})
    liu = as_role("collector", "liu", **{"Idempotency-Key": "same"})
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=wang).json()["version"] == OPENED + 1
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=liu).json()["version"] == OPENED + 2
    stale = as_role("collector", "wang", **{"Idempotency-Key": "stale", "If-Match": f'"{OPENED}"'})
    first = client.post(f"/v1/cases/{case_id}/notes", json={"text": "x"}, headers=stale)
    again = client.post(f"/v1/cases/{case_id}/notes", json={"text": "x"}, headers=stale)
    assert first.status_code == again.status_code == 412 and first.json() == again.json()
    bad_key = client.post(
        f"/v1/cases/{case_id}/notes", json={"text": "x"}, headers=as_role("collector", **{"Idempotency-Key": "a b"})
    )
    assert bad_key.status_code == 400


def test_keys_survive_a_restart(settings, clock, as_role, client):
    headers = as_role("admin", "boss", **{"Idempotency-Key": "open-LN-1"})
    case_id = open_case(client, as_role("admin"))
    first = client.post(f"/v1/cases/{case_id}/notes", json={"text": "before restart"}, headers=headers)
    with TestClient(create_app(settings, clock)) as restarted:  # a second process on the same database
        again = restarted.post(f"/v1/cases/{case_id}/notes", json={"text": "before restart"}, headers=headers)
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert timeline_length(restarted, case_id, headers) == OPENED + 1


def test_concurrent_duplicates_record_once(client, as_role):
    case_id = open_case(client, as_role("admin"))
    headers = as_role("collector", "wang", **{"Idempotency-Key": "race-1"})

    def post(_):
        return client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(post, range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    assert statuses.count(201) >= 1
    assert {r.json()["version"] for r in responses if r.status_code == 201} == {OPENED + 1}
    assert timeline_length(client, case_id, headers) == OPENED + 1


def crash_before_completion(client, monkeypatch) -> None:
    """The server dies after a keyed write commits and before its response is stored: completion never happens,
    and the reservation is abandoned (aged past its TTL, as after a restart)."""
    monkeypatch.setattr(client.app.state.services.idempotency, "complete", lambda *args: None)


def retried(client, monkeypatch, method_path, body, headers):
    """The first attempt (which crashes after its commit) and a retry once its reservation's TTL has passed."""
    first = client.post(method_path, json=body, headers=headers)
    monkeypatch.undo()
    in_flight = client.post(method_path, json=body, headers=headers)
    assert in_flight.status_code == 409 and in_flight.json()["type"].endswith(":in-flight")
    with monkeypatch.context() as later:
        later.setattr(client.app.state.services.idempotency, "ttl", -1)
        again = client.post(method_path, json=body, headers=headers)
    return first, again


def test_a_retry_after_a_crash_between_commit_and_completion_finds_the_write(client, as_role, monkeypatch):
    admin = as_role("admin", "boss")
    case_id = open_case(client, admin)
    payment = {"amount": "1000.00", "received_on": "2026-11-02", "reference": "BANK-REF-1"}
    note = {"text": "called twice"}
    for path, body in ((f"/v1/cases/{case_id}/payments", payment), (f"/v1/cases/{case_id}/notes", note)):
        headers = as_role("admin", "boss", **{"Idempotency-Key": f"crash-{path}"})
        crash_before_completion(client, monkeypatch)
        first, again = retried(client, monkeypatch, path, body, headers)
        assert first.status_code == again.status_code == 201, again.text
        assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
        assert again.headers["idempotent-replayed"] == "true"
        third = client.post(path, json=body, headers=headers)  # stored now: a plain replay
        assert third.json() == first.json() and third.headers["idempotent-replayed"] == "true"
    items = client.get(f"/v1/cases/{case_id}/timeline", headers=admin).json()["items"]
    # each once (the opening's classification, review and limitation period, and what the payment restarts, besides)
    types = [item["type"] for item in items]
    assert (types.count("PaymentReceived"), types.count("NoteAdded"), types.count("CaseOpened")) == (1, 1, 1)


def test_a_retry_rebuilds_a_request_of_several_writes_and_a_creation(client, as_role, monkeypatch):
    admin = as_role("admin", "boss")
    enterprise_id = client.get("/v1/cases/" + open_case(client, admin), headers=admin).json()["enterprise_id"]
    body = {
        "loan_id": "LN-000777",
        "enterprise_id": enterprise_id,
        "principal": "100.00",
        "outstanding": "100.00",
        "overdue_amount": "10.00",
        "overdue_since": "2026-09-15",
        "collector": "wang",
    }
    headers = as_role("admin", "boss", **{"Idempotency-Key": "open-777"})
    crash_before_completion(client, monkeypatch)
    first, again = retried(client, monkeypatch, "/v1/cases", body, headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert timeline_length(client, first.json()["case_id"], admin) == OPENED + 1  # opened, assigned: once each


def test_a_keys_table_made_before_outcomes_were_recorded_gets_the_column(settings) -> None:
    from infrastructure.idempotency import StoredResponse, idempotency_store

    old = (
        "CREATE TABLE {t} (user_id TEXT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL, "
        "created_at DOUBLE PRECISION NOT NULL, status INTEGER, headers TEXT, body {b}, PRIMARY KEY (user_id, idem_key))"
    )
    if settings.database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(old.format(t="idempotency_keys", b="BLOB"))
    else:
        import psycopg

        from tests.conftest import postgres_test_url

        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(old.format(t=f"{settings.database_schema}.idempotency_keys", b="BYTEA"))
    store = idempotency_store(settings)
    try:
        assert store.reserve("u", "k", "h").outcome.value == "reserved"
        store.complete("u", "k", StoredResponse(201, [], b"{}"))
        assert store.reserve("u", "k", "h").outcome.value == "replay"
    finally:
        store.close()


UNPICKLED: list[int] = []


class Tripwire:
    """Unpickling one appends to UNPICKLED: a forged record must never be unpickled."""

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (UNPICKLED.append, (1,))


def forge_records(store) -> None:
    """Someone with database access replaces every recorded outcome with a pickle of their own."""
    import pickle

    forged = b"\0" * 32 + pickle.dumps([(("change", "x"), Tripwire())])
    if hasattr(store, "conn"):  # SQLite
        with store.lock:
            store.conn.execute("UPDATE idempotency_keys SET outcome = ? WHERE outcome IS NOT NULL", (forged,))
    else:
        with store.connection() as conn:
            conn.execute(f"UPDATE {store.table} SET outcome = %s WHERE outcome IS NOT NULL", (forged,))


def test_a_forged_record_of_a_keyed_write_is_never_unpickled_and_the_retry_is_refused(client, as_role, monkeypatch):
    admin = as_role("admin", "boss")
    case_id = open_case(client, admin)
    path, body = f"/v1/cases/{case_id}/notes", {"text": "called"}
    headers = as_role("admin", "boss", **{"Idempotency-Key": "forged-1"})
    crash_before_completion(client, monkeypatch)
    first = client.post(path, json=body, headers=headers)
    monkeypatch.undo()
    assert first.status_code == 201
    store = client.app.state.services.idempotency
    forge_records(store)
    monkeypatch.setattr(store, "ttl", -1)
    again = client.post(path, json=body, headers=headers)
    assert again.status_code == 409 and again.json()["type"].endswith(":idempotency-record-unreadable"), again.text
    assert UNPICKLED == []
    assert timeline_length(client, case_id, admin) == OPENED + 1  # opened, the first note: nothing run again
