"""Business time is bounded on a case (issue 21 item 6), over HTTP on both stores: an act dated before the case
opened is refused with a problem+json 422 and nothing is written; a day before the case existed is a 404 on every
as-of route (ledger, timeline, history)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import CALL, open_case


def test_an_escalation_dated_before_the_case_opened_is_refused_and_writes_nothing(client, as_role, clock):
    """The case opens on 2026-11-02 (10:00 Shanghai). An escalation ``occurred_at`` 1901-03-01 would set deadlines
    in March 1901 that the next tick fires: refused, 422, problem+json naming the opening; the case's version is
    unchanged. A note and a contact dated the day before opening are refused the same way; one dated after the
    opening is accepted."""
    supervisor, collector = as_role("supervisor", "zhao"), as_role("collector")
    case_id = open_case(client, as_role("admin"))
    before = client.get(f"/v1/cases/{case_id}", headers=collector)
    version = before.json()["version"]
    old = {"to_tier": "high", "reason": "no answer", "occurred_at": "1901-03-01T10:00:00+08:00"}
    refused = client.post(f"/v1/cases/{case_id}/escalations", json=old, headers=supervisor)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert "before the case was opened" in problem["detail"] and problem["type"].endswith("before-case-opened")
    yesterday = (clock.now() - timedelta(days=1)).isoformat()
    note = client.post(f"/v1/cases/{case_id}/notes", json={"text": "late", "occurred_at": yesterday}, headers=collector)
    call = client.post(f"/v1/cases/{case_id}/contacts", json={**CALL, "occurred_at": yesterday}, headers=collector)
    assert (note.status_code, call.status_code) == (422, 422)
    assert client.get(f"/v1/cases/{case_id}", headers=collector).json()["version"] == version  # nothing written
    clock.advance(timedelta(hours=1))
    later = (clock.now() - timedelta(minutes=30)).isoformat()
    ok = client.post(f"/v1/cases/{case_id}/notes", json={"text": "fine", "occurred_at": later}, headers=collector)
    assert ok.status_code == 201, ok.text


def test_an_act_too_far_in_the_future_is_refused(client, as_role, clock):
    """The future bound is the clock skew tolerance (2 minutes): an act dated 10 minutes ahead is a 422."""
    collector = as_role("collector")
    case_id = open_case(client, as_role("admin"))
    ahead = (clock.now() + timedelta(minutes=10)).isoformat()
    refused = client.post(f"/v1/cases/{case_id}/notes", json={"text": "x", "occurred_at": ahead}, headers=collector)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"


def test_as_of_a_day_before_the_case_existed_is_not_found_on_every_as_of_route(client, as_role):
    """The case opened on 2026-11-02: ``ledger?as_of=1950-01-01`` (and 2026-11-01), the timeline and the history
    as of 1950 answer 404 problem+json; as of the opening day they answer 200."""
    reader = as_role("auditor")
    case_id = open_case(client, as_role("admin"))
    for path, params in [
        (f"/v1/cases/{case_id}/ledger", {"as_of": "1950-01-01"}),
        (f"/v1/cases/{case_id}/ledger", {"as_of": "2026-11-01"}),
        (f"/v1/cases/{case_id}/timeline", {"as_of": "1950-01-01T00:00:00+08:00"}),
        (f"/v1/cases/{case_id}/history", {"as_of": "1950-01-01T00:00:00+08:00"}),
    ]:
        answer = client.get(path, params=params, headers=reader)
        assert answer.status_code == 404, (path, params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert client.get(f"/v1/cases/{case_id}/ledger", params={"as_of": "2026-11-02"}, headers=reader).status_code == 200
    opened = {"as_of": "2026-11-02T23:00:00+08:00"}
    assert client.get(f"/v1/cases/{case_id}/timeline", params=opened, headers=reader).status_code == 200
