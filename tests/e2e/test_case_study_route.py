"""GET /v1/reports/case-study: the simulation report's figures from the event log, for report readers only."""

from __future__ import annotations

from tests.e2e.conftest import open_case


def test_the_case_study_figures_are_served_to_report_readers_only(client, as_role) -> None:
    admin = as_role("admin")
    case_id = open_case(client, admin)
    assert client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk")).status_code in (200, 201)
    assert client.get("/v1/reports/case-study", headers=as_role("collector")).status_code == 403
    response = client.get("/v1/reports/case-study", headers=as_role("supervisor"))
    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures["overdue_balance_start"] == figures["overdue_balance_end"] == "6000000.00"
    assert sum(figures["tiers_at_first_assessment"].values()) == 1
    assert figures["learned_on"] is None and figures["contacts_breaching"] == 0
    assert set(figures["validation"]) == {"scorecard-1", "scorecard-2"}
    bridge = next(s for s in figures["sections"] if s["title"].startswith("balance bridge"))
    assert "adds up to the fen" in bridge["notes"] and bridge["rows"][0] == ["opening overdue balance", "+6,000,000.00"]


def test_the_figures_are_cached_by_the_logs_position_and_a_new_event_changes_them(client, as_role, clock) -> None:
    admin = as_role("admin")
    case_id = open_case(client, admin)
    assert client.post(f"/v1/cases/{case_id}/assessments", headers=as_role("risk")).status_code in (200, 201)
    first = client.get("/v1/reports/case-study", headers=admin).json()
    assert client.get("/v1/reports/case-study", headers=admin).json() == first  # the same position: the same
    assert first["log_position"] > 0 and all(f["recovered"] == "0.00" for f in first["by_tier"].values())
    received_on = clock.now().date().isoformat()
    payment = {"amount": "1000.00", "received_on": received_on, "reference": "TX-CACHE"}
    assert client.post(f"/v1/cases/{case_id}/payments", json=payment, headers=admin).status_code == 201
    after = client.get("/v1/reports/case-study", headers=admin).json()
    assert after["log_position"] > first["log_position"] and after["events"] > first["events"]
    recovered = {t: f["recovered"] for t, f in after["by_tier"].items() if f["recovered"] != "0.00"}
    assert list(recovered.values()) == ["1000.00"]
    assert after["overdue_balance_end"] != first["overdue_balance_end"]
