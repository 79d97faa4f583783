"""Deadlines that know what meets them, commitments judged, escalation and de-escalation (the aggregate alone)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.act import Act
from domain.base import Actor
from domain.case import CollectionCase
from domain.case.events import DeadlineCancelled, DeadlineMet, Deescalated
from domain.case.values import Channel, ContactOutcome, LetterKind, Resolution, Tier
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, PermissionDeniedError
from domain.money import Money
from domain.strategy import apply_treatment, default_terms, escalate_case
from tests.factories import COLLECTOR, SUPERVISOR
from tests.unit.test_case import ACT, NOW, SHA, new_case


def at(days: float, actor: Actor = COLLECTOR) -> Act:
    moment = NOW + timedelta(days=days)
    return Act.of(actor, moment, moment)


def deadline(case: CollectionCase, kind: str, days: int = 5, **fields: Any) -> str:
    deadline_id = f"d-{kind}"
    case.set_deadline(
        deadline_id=deadline_id, kind=kind, due_at=NOW + timedelta(days=days), action="x", act=ACT, **fields
    )
    return deadline_id


def test_each_act_meets_the_deadlines_that_name_it_in_the_same_transaction() -> None:
    case = new_case()
    ids = {kind: deadline(case, kind) for kind in ("payment_or_promise", "visit", "lawyers_letter", "recontact")}
    manual = deadline(case, "callback", met_by=["contact"])
    case.make_promise(promise_id="p", amount=Money.parse("10.00"), due_on=date(2026, 11, 10), act=ACT)
    case.log_contact(channel=Channel.PHONE, party="Li Na", outcome=ContactOutcome.NO_ANSWER, act=ACT)
    assert case.deadlines[ids["recontact"]].status == "open"  # nobody was reached
    case.log_contact(channel=Channel.PHONE, party="Li Na", outcome=ContactOutcome.CONNECTED, act=ACT)
    case.log_contact(
        channel=Channel.LETTER,
        party="Li Na",
        outcome=ContactOutcome.DELIVERED,
        letter_kind=LetterKind.LAWYERS_LETTER,
        document_sha256=SHA,
        act=ACT,
    )
    events = case.collect_events()
    # a promise meets the low tier's payment-or-promise deadline only when the policy counts it as meaningful
    # (application/judgement.py decides, then fulfils "meaningful_promise"); the bare domain act meets nothing there
    assert case.deadlines[ids["payment_or_promise"]].status == "open"
    case.fulfil("meaningful_promise", act=ACT)
    met = {e.deadline_id: e.by for e in [*events, *case.collect_events()] if isinstance(e, DeadlineMet)}
    assert met == {
        ids["payment_or_promise"]: "meaningful_promise",
        ids["recontact"]: "contact",
        manual: "contact",
        ids["lawyers_letter"]: "lawyers_letter",
    }
    assert case.deadlines[ids["visit"]].status == "open"
    with pytest.raises(InvariantError):
        deadline(case, "odd", met_by=["luck"])


def test_resolving_cancels_every_open_deadline_with_its_reason() -> None:
    case = new_case()
    deadline(case, "visit")
    case.receive_payment(amount=Money.parse("900.00"), received_on=date(2026, 11, 2), reference="ALL", act=ACT)
    deadline(case, "agreement")
    case.resolve(Resolution.PAID_IN_FULL, "", act=ACT)
    reasons = [e.reason for e in case.collect_events() if isinstance(e, DeadlineCancelled)]
    assert reasons == ["the case is resolved: paid_in_full"] * 2
    assert all(d.status != "open" for d in case.deadlines.values())


def test_a_deadline_fires_once_and_only_once_it_has_passed() -> None:
    case = new_case()
    deadline_id = deadline(case, "callback", days=2)
    with pytest.raises(InvariantError):
        case.fire_deadline(deadline_id, act=at(1))
    case.fire_deadline(deadline_id, act=at(2))
    with pytest.raises(DuplicateError):
        case.fire_deadline(deadline_id, act=at(3))


def test_a_promise_is_kept_by_payments_that_add_up_and_judged_broken_with_what_was_paid() -> None:
    case = new_case()
    case.make_promise(promise_id="p1", amount=Money.parse("100.00"), due_on=date(2026, 11, 5), act=ACT)
    case.receive_payment(amount=Money.parse("60.00"), received_on=date(2026, 11, 2), reference="A", act=ACT)
    assert case.promises["p1"].status == "open"
    case.receive_payment(amount=Money.parse("40.00"), received_on=date(2026, 11, 2), reference="B", act=ACT)
    assert case.promises["p1"].status == "kept" and case.deadlines["promise-p1"].status == "met"
    case.make_promise(promise_id="p2", amount=Money.parse("100.00"), due_on=date(2026, 11, 5), act=ACT)
    case.receive_payment(amount=Money.parse("30.00"), received_on=date(2026, 11, 2), reference="C", act=ACT)
    with pytest.raises(InvariantError):
        case.judge_promise("promise-p2", act=at(3))  # its deadline is the morning after the date
    assert case.judge_promise("promise-p2", act=at(4)) == "broken"
    assert case.broken_promises() == 1


def test_escalation_applies_the_whole_treatment_and_reassessment_never_lowers_it() -> None:
    case = new_case()
    terms = default_terms()
    apply_treatment(case, 1, terms.treatment_for(Tier.LOW), act=ACT)
    escalate_case(case, Tier.HIGH, "fraud signal", 1, terms, act=ACT)
    kinds = {d.kind for d in case.open_deadlines()}
    assert kinds == {"lawyers_letter", "agreement_or_payment"}  # the low tier's reminder and payment deadlines gone
    assert {t.department.value for t in case.tasks.values()} >= {"legal", "crm"}
    assert not apply_treatment(case, 1, terms.treatment_for(Tier.LOW), act=ACT)  # a re-assessment to low
    assert case.tier is Tier.HIGH
    with pytest.raises(IllegalTransitionError):  # nor by assigning a strategy by hand
        case.assign_strategy(policy_version=1, tier=Tier.LOW, treatment="gentle", channels=[Channel.SMS], act=ACT)


def test_deescalation_needs_a_supervisor_a_reason_and_no_arrears() -> None:
    case = new_case()
    case.escalate(Tier.HIGH, "no answer", act=ACT)
    supervisor = Act.of(SUPERVISOR, NOW, NOW)
    with pytest.raises(PermissionDeniedError):
        case.deescalate(Tier.LOW, "paid", act=ACT)
    with pytest.raises(IllegalTransitionError):
        case.deescalate(Tier.LOW, "paid", act=supervisor)  # 300.00 still overdue
    case.receive_payment(amount=Money.parse("300.00"), received_on=date(2026, 11, 2), reference="AR", act=ACT)
    case.deescalate(Tier.LOW, "arrears cleared", act=supervisor)
    assert case.tier is Tier.LOW and case.escalated_to is None
    assert [e.to_tier for e in case.collect_events() if isinstance(e, Deescalated)] == [Tier.LOW]
