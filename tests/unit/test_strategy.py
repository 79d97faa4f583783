"""The strategy policy: the default v1 follows DESIGN.md's tier table; versions are events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.act import Act
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.values import Channel, Department, Tier
from domain.errors import PermissionDeniedError
from domain.money import Money
from domain.risk import RiskThresholds
from domain.strategy import PolicyPublished, PolicyTerms, StrategyPolicy, apply_treatment, default_terms

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
SUPERVISOR = Actor(user_id="zhao", role=Role.SUPERVISOR)


def test_the_default_policy_is_the_seeds_tier_table() -> None:
    terms = default_terms()
    low, medium, high = (terms.treatment_for(t) for t in (Tier.LOW, Tier.MEDIUM, Tier.HIGH))
    assert low.channels == [Channel.PHONE, Channel.SMS, Channel.EMAIL] and low.reminder_every_days == 3
    assert [(d.kind, d.due_in_days, d.action) for d in low.deadlines][-1] == (
        "payment_or_promise",
        10,
        "escalate:medium",
    )
    assert [t.department for t in low.tasks] == [Department.CRM]
    assert {(d.kind, d.due_in_days) for d in medium.deadlines} == {("visit", 7), ("agreement", 30)}
    assert [t.department for t in medium.tasks] == [Department.CREDIT, Department.COLLECTIONS]
    assert {(d.kind, d.due_in_days) for d in high.deadlines} == {("lawyers_letter", 3), ("agreement_or_payment", 18)}
    assert [t.department for t in high.tasks] == [Department.LEGAL, Department.LEGAL]
    assert (terms.legal_clock.limitation_years, terms.legal_clock.warn_days_before) == (3, 90)
    assert terms.contact.max_connected_calls_per_day == 3 and terms.contact.max_call_attempts_per_7_days == 7


def test_a_policy_needs_one_treatment_per_tier_and_ordered_thresholds() -> None:
    terms = default_terms()
    with pytest.raises(ValidationError):
        PolicyTerms(treatments=terms.treatments[:2])
    with pytest.raises(ValidationError):
        terms.model_validate({**terms.model_dump(), "risk": {"medium_from": 60, "high_from": 60}})


def test_versions_are_published_as_events_by_supervisors() -> None:
    policy = StrategyPolicy.create(default_terms(), act=Act.of(Actor.system("policy"), NOW, NOW))
    assert policy.current_version == 1
    stricter = default_terms().model_copy(update={"risk": RiskThresholds(medium_from=10, high_from=50)})
    with pytest.raises(PermissionDeniedError):
        policy.publish(stricter, "stricter", act=Act.of(Actor(user_id="wang", role=Role.COLLECTOR), NOW, NOW))
    assert policy.publish(stricter, "stricter", act=Act.of(SUPERVISOR, NOW, NOW)) == 2
    assert [e.version for e in policy.pending_events if isinstance(e, PolicyPublished)] == [1, 2]
    assert policy.versions[1] == default_terms() and policy.current.risk.high_from == 50


def test_applying_the_same_treatment_twice_changes_nothing() -> None:
    case = CollectionCase.open(
        loan_id="L-1",
        enterprise_id=uuid4(),
        principal=Money.parse("100.00"),
        outstanding=Money.parse("100.00"),
        overdue_amount=Money.parse("10.00"),
        overdue_since=date(2026, 10, 1),
        act=Act.of(SUPERVISOR, NOW, NOW),
    )
    treatment = default_terms().treatment_for(Tier.MEDIUM)
    assert apply_treatment(case, 1, treatment, act=Act.of(SUPERVISOR, NOW, NOW)) is True
    count = len(case.pending_events)
    assert count == 1 + 1 + 2 + 2  # opened, strategy, two deadlines, two tasks
    assert apply_treatment(case, 1, treatment, act=Act.of(SUPERVISOR, NOW, NOW)) is False
    assert len(case.pending_events) == count
