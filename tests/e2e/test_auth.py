"""Bearer tokens and the permission matrix: every route by every role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from api.auth import USER_ROLES, TokenCodec
from api.matrix import route_rules
from api.permissions import MATRIX
from tests.e2e.conftest import CALL, TEST_SECRET, open_case
from tests.factories import OPENED

PLACEHOLDERS = {
    "{case_id}": str(uuid4()),
    "{enterprise_id}": str(uuid4()),
    "{task_id}": "t-1",
    "{department}": "legal",
    "{deadline_id}": "d-1",
}


def concrete(path: str) -> str:
    for name, value in PLACEHOLDERS.items():
        path = path.replace(name, value)
    return path


def test_no_token_is_401_with_a_challenge(client):
    response = client.get("/v1/cases")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/v1/cases", headers={"Authorization": "Basic abc"}).status_code == 401


def test_expired_tampered_and_foreign_tokens_are_401(client):
    codec = TokenCodec(TEST_SECRET)
    expired = codec.issue("wang", "collector", timedelta(minutes=5), now=datetime.now(UTC) - timedelta(hours=1))
    good = codec.issue("wang", "collector", timedelta(hours=1))
    header, payload, signature = good.split(".")
    forged_payload = jwt.utils.base64url_encode(
        b'{"sub":"wang","role":"admin","iss":"arrears","iat":1,"exp":9999999999}'
    )
    tampered = [
        f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        f"{header}.{forged_payload.decode()}.{signature}",
    ]
    foreign = TokenCodec("another-secret-key-that-is-also-32-bytes-long").issue("wang", "admin", timedelta(hours=1))
    unsigned = jwt.encode({"sub": "wang", "role": "admin", "iss": "arrears", "iat": 1, "exp": 9999999999}, None, "none")
    no_role = jwt.encode({"sub": "wang", "role": "king", "iss": "arrears", "iat": 1, "exp": 9999999999}, TEST_SECRET)
    for token in [expired, *tampered, foreign, unsigned, no_role, "not-a-jwt"]:
        response = client.get("/v1/cases", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["status"] == 401
    assert client.get("/v1/cases", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    assert "expired" in client.get("/v1/cases", headers={"Authorization": f"Bearer {expired}"}).json()["detail"]


def test_every_route_by_every_role(client, as_role):
    rules = [rule for rule in route_rules() if rule.permission is not None]
    assert len(rules) >= 30
    for rule in rules:
        path = concrete(rule.path)
        for role in USER_ROLES:
            headers = as_role(role)
            if rule.method == "POST":
                response = client.post(path, json={}, headers=headers)
            else:
                response = client.get(path, headers=headers)
            if role in MATRIX[rule.permission]:
                assert response.status_code not in (401, 403), (rule, role, response.text)
            else:
                assert response.status_code == 403, (rule, role, response.text)
                assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("role", ["auditor", "compliance"])
def test_auditors_and_compliance_only_read(client, as_role, role):
    case_id = open_case(client, as_role("admin"))
    headers = as_role(role)
    assert client.get(f"/v1/cases/{case_id}", headers=headers).status_code == 200
    assert client.get(f"/v1/cases/{case_id}/audit", headers=headers).status_code == 200
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "x"}, headers=headers).status_code == 403
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=headers).status_code == 403


def test_only_a_supervisor_overrides_the_contact_policy(client, as_role, clock):
    case_id = open_case(client, as_role("admin"))
    clock.set(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai: quiet hours
    late = {**CALL, "override_reason": "the CFO asked us to call after the board meeting"}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=late, headers=as_role("collector")).status_code == 403
    allowed = client.post(f"/v1/cases/{case_id}/contacts", json=late, headers=as_role("supervisor", "zhao"))
    assert allowed.status_code == 201, allowed.text
    history = client.get(f"/v1/cases/{case_id}/history", headers=as_role("auditor")).json()
    call = history["events"][-1]
    assert call["data"]["overridden_rules"] == ["CP-QUIET-HOURS"] and call["data"]["override_reason"]
    assert call["actor"] == {"user_id": "zhao", "role": "supervisor"}


def test_every_event_records_the_acting_user_and_role(client, as_role):
    case_id = open_case(client, as_role("credit", "chen"))
    client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=as_role("crm", "sun"))
    items = client.get(f"/v1/cases/{case_id}/timeline", headers=as_role("auditor")).json()["items"]
    assert [item["actor"] for item in items] == [
        *[{"user_id": "chen", "role": "credit"}] * OPENED,  # the opening and what it recorded with it
        {"user_id": "sun", "role": "crm"},
    ]


def test_the_readme_matrix_is_the_one_the_routes_enforce():
    from pathlib import Path

    from api.matrix import markdown

    readme = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert markdown() in readme, "regenerate the README's matrix with: python -m api.matrix"
