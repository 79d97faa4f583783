"""Bitemporal reads over HTTP on both stores: a payment's business time is its value date unless the client says
otherwise; timeline and history take as_of (business time) and known_at (recording time), alone or together."""

from __future__ import annotations

from datetime import datetime

from infrastructure.clock import ManualClock
from tests.e2e.conftest import CALL, open_case


def test_a_late_payment_and_a_next_day_contact_read_by_both_times(client, as_role, clock: ManualClock) -> None:
    admin = as_role("admin")
    clock.set(datetime.fromisoformat("2026-11-02T10:00:00+08:00"))
    case_id = open_case(client, admin)
    clock.set(datetime.fromisoformat("2026-11-03T09:00:00+08:00"))  # yesterday afternoon's call, entered today
    call = {**CALL, "occurred_at": "2026-11-02T16:00:00+08:00"}
    assert client.post(f"/v1/cases/{case_id}/contacts", json=call, headers=admin).status_code == 201
    clock.set(datetime.fromisoformat("2026-11-06T10:00:00+08:00"))  # money of the 4th, recorded on the 6th
    payment = {"amount": "1000.00", "received_on": "2026-11-04", "reference": "TX-1104"}
    assert client.post(f"/v1/cases/{case_id}/payments", json=payment, headers=admin).status_code == 201

    auditor = as_role("auditor")
    timeline = client.get(f"/v1/cases/{case_id}/timeline", headers=auditor).json()["items"]
    paid = next(item for item in timeline if item["type"] == "PaymentReceived")
    assert datetime.fromisoformat(paid["occurred_at"]) == datetime.fromisoformat("2026-11-04T23:59:59+08:00")
    assert [i["occurred_at"] for i in timeline] == sorted(i["occurred_at"] for i in timeline)

    def history(**params: str) -> dict:
        response = client.get(f"/v1/cases/{case_id}/history", params=params, headers=auditor)
        assert response.status_code == 200, response.text
        return dict(response.json())

    fifth = "2026-11-05T12:00:00+08:00"
    assert history(as_of=fifth)["case"]["paid"] == "1000.00"  # it had happened by the 5th
    recorded_call = next(i["recorded_at"] for i in timeline if i["type"] == "CallLogged")
    assert history(as_of=fifth, known_at=recorded_call)["case"]["paid"] == "0.00"  # not yet recorded then
    evening = "2026-11-02T18:00:00+08:00"
    assert history(as_of=evening)["case"]["contact_counts"] == {"phone": 1}
    opened = timeline[0]["recorded_at"]
    assert history(as_of=evening, known_at=opened)["case"]["contact_counts"] == {}

    known = client.get(f"/v1/cases/{case_id}/timeline", params={"known_at": recorded_call}, headers=auditor).json()
    assert "PaymentReceived" not in [i["type"] for i in known["items"]]
    happened = client.get(f"/v1/cases/{case_id}/timeline", params={"as_of": evening}, headers=auditor).json()
    assert [i["type"] for i in happened["items"]][-1] == "CallLogged"
    assert "PaymentReceived" not in [i["type"] for i in happened["items"]]
