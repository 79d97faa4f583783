"""Input the contract forbids is refused: non-ASCII digits, Unix timestamps, odd UUID spellings, empty imports,
malformed JSON; headers are declared with their formats; OPTIONS lists every method; system users get no token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt
import pytest

from api.main import create_app
from domain.money import Money, MoneyError
from tests.e2e.conftest import CALL, TEST_SECRET, open_case
from tests.factories import OPENED

PROBLEM = "application/problem+json"


def fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "text",
    [
        "\uff11\uff12\uff13.\uff10\uff10",
        "\u0661\u0662\u0663.\u0660\u0660",
        "\u06f1\u06f2\u06f3",
        "12.3x",
        "\u0661",
        "1\u0660",
    ],
)
def test_money_is_ascii_digits_only(text):
    with pytest.raises(MoneyError):
        Money.parse(text)


def test_money_currency_is_ascii():
    with pytest.raises(MoneyError):
        Money.parse("1.00", "\u00c4\u00d6\u00dc")
    assert str(Money.parse("123.4")) == "123.40"


@pytest.mark.parametrize(
    "amount", ["\uff11\uff12\uff13.\uff10\uff10", "\u0661\u0662\u0663.\u0660\u0660", "123.\u0660\u0660", "12\n"]
)
def test_full_width_and_arabic_indic_digits_are_not_money(client, as_role, amount):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    body = {"amount": amount, "received_on": "2026-11-01", "reference": "R-1"}
    assert "body.amount" in fields(client.post(f"/v1/cases/{case_id}/payments", json=body, headers=headers))
    assert client.get(f"/v1/cases/{case_id}", headers=headers).json()["paid"] == "0.00"


@pytest.mark.parametrize("moment", [1793584800, 1793584800.5, "1793584800", True])
def test_times_are_iso_8601_strings_not_timestamps(client, as_role, moment):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    note = {"text": "x", "occurred_at": moment}
    assert "body.occurred_at" in fields(client.post(f"/v1/cases/{case_id}/notes", json=note, headers=headers))
    promise = {"amount": "1.00", "due_on": 1793584800}
    assert "body.due_on" in fields(client.post(f"/v1/cases/{case_id}/promises", json=promise, headers=headers))


def test_iso_8601_times_with_an_offset_still_pass(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers, occurred_at="2026-10-30T09:00:00+08:00")  # opened before the notes
    for moment in ("2026-11-01T09:00:00+08:00", "2026-11-01T01:00:00Z", "2026-11-01T01:00:00.123456+00:00"):
        note = {"text": "x", "occurred_at": moment}
        assert client.post(f"/v1/cases/{case_id}/notes", json=note, headers=headers).status_code == 201, moment
    naive = {"text": "x", "occurred_at": "2026-11-01T09:00:00"}
    assert "body.occurred_at" in fields(client.post(f"/v1/cases/{case_id}/notes", json=naive, headers=headers))


def test_path_ids_are_canonical_uuids(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    plain = UUID(case_id)
    for spelling in (str(plain), plain.hex, str(plain).upper()):
        assert client.get(f"/v1/cases/{spelling}", headers=headers).status_code == 200, spelling
    for spelling in (f"{{{plain}}}", f"%7B{plain}%7D", f"urn:uuid:{plain}"):
        response = client.get(f"/v1/cases/{spelling}", headers=headers)
        assert fields(response) == ["path.case_id"], spelling
        write = client.post(f"/v1/cases/{spelling}/notes", json={"text": "x"}, headers=headers)
        assert fields(write) == ["path.case_id"], spelling
    enterprise = client.get(f"/v1/enterprises/{{{plain}}}", headers=headers)
    assert fields(enterprise) == ["path.enterprise_id"]
    items = client.get(f"/v1/cases/{case_id}/timeline", headers=headers).json()["items"]
    assert len(items) == OPENED  # nothing recorded besides the opening


def test_a_body_enterprise_id_is_a_canonical_uuid_too(client, as_role):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    enterprise_id = client.get(f"/v1/cases/{case_id}", headers=headers).json()["enterprise_id"]
    odd = enterprise_id.replace("-", "", 1)  # a hyphen missing: neither hyphenated nor 32 hex digits
    body = {
        "loan_id": "LN-2",
        "enterprise_id": odd,
        "principal": "1.00",
        "outstanding": "1.00",
        "overdue_amount": "1.00",
        "overdue_since": "2026-09-01",
    }
    assert "body.enterprise_id" in fields(client.post("/v1/cases", json=body, headers=headers))


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/csv", b"[]"), ("text/csv", b""), ("text/csv", b"credit_code,name\n"), ("application/x-ndjson", b"\n\n")],
)
def test_an_import_without_data_rows_is_a_422(client, as_role, content_type, body):
    response = client.post("/v1/imports", content=body, headers=as_role("admin", **{"Content-Type": content_type}))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert "no data rows" in response.json()["detail"]


def test_if_match_and_idempotency_key_formats_are_declared():
    document = create_app().openapi()
    operation = document["paths"]["/v1/cases/{case_id}/notes"]["post"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["If-Match"]["schema"]["pattern"]
    assert parameters["Idempotency-Key"]["schema"]["pattern"]
    if_match = re.compile(parameters["If-Match"]["schema"]["pattern"])
    assert if_match.match('"7"') and if_match.match('W/"7"') and if_match.match("*") and not if_match.match("7")
    key = re.compile(parameters["Idempotency-Key"]["schema"]["pattern"])
    assert key.match("7f1c0b6e-2d4e") and not key.match("has space") and not key.match("")


def test_options_lists_every_method_of_the_path(client, as_role):
    response = client.options("/v1/cases", headers=as_role("admin"))
    assert response.status_code == 204
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "POST", "OPTIONS"}
    one = client.options(f"/v1/cases/{UUID(int=1)}")
    assert {m.strip() for m in one.headers["allow"].split(",")} == {"GET", "OPTIONS"}
    wrong = client.delete("/v1/cases", headers=as_role("admin"))
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM
    assert {m.strip() for m in wrong.headers["allow"].split(",")} == {"GET", "POST", "OPTIONS"}


@pytest.mark.parametrize(
    "raw",
    [b'{"text": ', b'{"text": "x",}', b'{"text": "\xff\xfe"}', b"\xff", b"{'text': 'x'}", b'{"text": "x"} extra'],
)
def test_malformed_json_is_always_one_problem_type(client, as_role, raw):
    headers = as_role("admin")
    case_id = open_case(client, headers)
    response = client.post(
        f"/v1/cases/{case_id}/notes", content=raw, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:arrears:problem:malformed-json"
    assert "JSON" in body["detail"]


def test_tokens_for_system_users_are_refused(client, as_role):
    case_id = open_case(client, as_role("admin"))
    now = datetime.now(UTC)
    claims = {"iss": "arrears", "iat": now, "exp": now + timedelta(hours=1)}
    for sub, role in [("system:scheduler", "collector"), ("system:scheduler", "admin"), ("someone", "system")]:
        token = jwt.encode({**claims, "sub": sub, "role": role}, TEST_SECRET, algorithm="HS256")
        response = client.get("/v1/cases", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (sub, role)
        write = client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers={"Authorization": f"Bearer {token}"})
        assert write.status_code == 401, (sub, role)
