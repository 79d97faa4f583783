"""The policy drives compliance, on both stores: a case is judged by the cadence of the policy version its strategy
assignment names (a published policy with other reminder rules changes the judgement; a change mid-case applies
from the re-assignment); breaches, proofs and party roles show in the evidence pack."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from application.bootstrap import Container
from application.commands import AddContactPerson, AssignStrategy, LogContact, PublishPolicy
from domain.cadence import ContactCadence
from domain.case.values import Channel, ContactOutcome, Tier
from domain.enterprise.values import ContactPerson, PartyRole
from domain.strategy import PolicyTerms, default_terms
from infrastructure.clock import ManualClock
from projections.evidence import build_pack
from projections.evidence_verify import verify_pack
from tests.factories import COLLECTOR, SUPERVISOR, open_case
from tests.projections.checks import assert_views_equal_oracle

DAY = timedelta(days=1)


def terms_with(tier: Tier, **changes: Any) -> PolicyTerms:
    """Policy v1's terms with one tier's treatment changed."""
    terms = default_terms()
    treatments = [t.model_copy(update=changes) if t.tier is tier else t for t in terms.treatments]
    return terms.model_copy(update={"treatments": treatments})


def publish(container: Container, terms: PolicyTerms, note: str) -> int:
    return int(container.app.handle(PublishPolicy(terms=terms, note=note, actor=SUPERVISOR)).result)


def assign(container: Container, case_id: UUID, tier: Tier, policy_version: int) -> None:
    container.app.handle(
        AssignStrategy(
            case_id=case_id,
            policy_version=policy_version,
            tier=tier,
            treatment="as published",
            channels=(Channel.PHONE, Channel.SMS),
            actor=SUPERVISOR,
        )
    )


def sms(container: Container, case_id: UUID, **fields: Any) -> int:
    command = LogContact(
        case_id=case_id,
        channel=Channel.SMS,
        party=fields.pop("party", "Li Na"),
        outcome=ContactOutcome.DELIVERED,
        actor=COLLECTOR,
        **fields,
    )
    return container.app.handle(command).version


def requirements(container: Container, case_id: UUID) -> list[dict[str, Any]]:
    container.projections.catch_up()
    with container.read_model._reading("compliance") as tx:
        rows = tx.query("SELECT * FROM compliance_requirements WHERE case_id = ? ORDER BY seq", [str(case_id)])
    return [dict(r) for r in rows]


def test_a_published_policy_with_weekly_reminders_changes_the_judgement(container: Container) -> None:
    clock = container.clock
    assert isinstance(clock, ManualClock)
    weekly = publish(container, terms_with(Tier.LOW, reminder_every_days=7), "weekly reminders")
    assert weekly == 2
    under_v1, under_v2 = open_case(container.app, 1), open_case(container.app, 2)
    assign(container, under_v1, Tier.LOW, 1)
    assign(container, under_v2, Tier.LOW, weekly)
    clock.advance(5 * DAY)
    for case_id in (under_v1, under_v2):
        sms(container, case_id)
    first_v1, second_v1 = requirements(container, under_v1)
    first_v2, second_v2 = requirements(container, under_v2)
    assert (first_v1["status"], first_v1["policy_version"]) == ("late", 1)  # v1: a reminder every 3 days
    assert (first_v2["status"], first_v2["policy_version"]) == ("met", 2)  # v2: every 7 days
    assert second_v2["due_at"] > second_v1["due_at"]
    assert_views_equal_oracle(container)


def test_a_policy_change_mid_case_applies_from_the_reassignment(container: Container) -> None:
    clock = container.clock
    assert isinstance(clock, ManualClock)
    case_id = open_case(container.app)
    assign(container, case_id, Tier.MEDIUM, 1)  # v1: a visit within 7 days
    clock.advance(DAY)
    stated = ContactCadence(kind="call", channels=[Channel.PHONE], within_days=1)
    version = publish(container, terms_with(Tier.MEDIUM, cadence=stated), "medium: a call within a day")
    assign(container, case_id, Tier.MEDIUM, version)
    clock.advance(2 * DAY)
    sms(container, case_id)  # an SMS is no call
    visit_v1, call_v3 = requirements(container, case_id)
    assert (visit_v1["kind"], visit_v1["status"]) == ("visit", "superseded")
    assert (call_v3["kind"], call_v3["status"], call_v3["policy_version"]) == ("call", "open", version)
    assert container.read_model.compliance_report(clock.now()).by_status == {"superseded": 1, "missing": 1}
    assert_views_equal_oracle(container)


def test_breaches_proofs_and_roles_are_in_the_evidence_pack(container: Container, tmp_path: Path) -> None:
    clock = container.clock
    assert isinstance(clock, ManualClock)
    case_id = open_case(container.app)
    enterprise_id = container.app.get_case(case_id).enterprise_id
    container.app.handle(
        AddContactPerson(
            enterprise_id=enterprise_id,
            person=ContactPerson(name="Landlord Wu", phone="+86 131 0000 0000", party_role=PartyRole.THIRD_PARTY),
            actor=COLLECTOR,
        )
    )
    assign(container, case_id, Tier.LOW, 1)
    sms(container, case_id, message_id="SMS-0001")  # delivered with its id: it also restarts the limitation period
    sms(container, case_id, party="Landlord Wu")  # recorded, as a breach (and a task for the supervisor)
    events = container.app.case_events(case_id)
    assert any(getattr(e, "message_id", "") == "SMS-0001" for e in events)
    breached = next(n for n, e in enumerate(events, start=1) if getattr(e, "party", "") == "Landlord Wu")
    assert events[breached - 1].breached_rules == ["CP-THIRD-PARTY"]  # type: ignore[attr-defined]
    assert events[breached - 1].party_role == "third_party"  # type: ignore[attr-defined]
    container.projections.catch_up()
    zone = ZoneInfo("Asia/Shanghai")
    directory = build_pack(container.read_model, [case_id], clock.now(), zone, {"kind": "case"}).write(tmp_path / "p")
    judged = json.loads((directory / "compliance.json").read_text())[str(case_id)]
    assert [(b["version"], b["rules"]) for b in judged["breaches"]] == [(breached, ["CP-THIRD-PARTY"])]
    assert judged["cadences"]["1"]["low"]["within_days"] == 3
    report = (directory / "report.html").read_text()
    assert "SMS-0001" in report and "CP-THIRD-PARTY" in report
    check = verify_pack(directory)
    assert check.ok and check.compliance_checked, check.problems
    timeline = container.read_model.timeline(case_id)
    assert any("proof: message SMS-0001" in item.summary for item in timeline.items)
