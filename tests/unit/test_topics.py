"""Stored topics keep resolving after the case and the enterprise became packages: old databases still load."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.act import Act
from domain.base import AggregateSnapshot
from domain.case import CollectionCase
from domain.enterprise import Enterprise
from domain.money import Money
from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper
from tests.factories import COLLECTOR, contacts, registration

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def topics(module: str, names: str) -> list[str]:
    return [f"{module}:{name}" for name in names.split()]


#: every class of the modules as they were before the move (events, aggregates, state and value classes)
OLD_TOPICS = [
    *topics(
        "domain.case_events",
        "Attributed CaseEvent CaseOpened CollectorAssigned CaseResolved CaseReopened CaseClosed RiskAssessed"
        " StrategyAssigned Escalated LimitationPeriodSet DelinquencyClassified DeadlineSet DeadlineMet"
        " DeadlineCancelled DeadlineExpired ContactEvent CallLogged SmsSent EmailSent WebsiteMessagePosted"
        " VisitScheduled VisitCompleted LetterSent PromiseToPayMade PromiseKept PromiseBroken RepaymentPlanProposed"
        " AgreementSigned InstallmentMissed AgreementDefaulted AgreementCompleted PaymentReceived TaskAssigned"
        " TaskCompleted LegalActionStarted SignalRecorded NoteAdded DisputeRaised DisputeResolved",
    ),
    *topics("domain.case", "CollectionCase"),
    *topics("domain.case_state", "CaseState CaseEvolution"),
    *topics(
        "domain.case_values",
        "CaseStatus Resolution Tier Channel Direction ContactOutcome LetterKind Department LegalActionKind"
        " SignalSource Severity PlanKind Reason Installment Allocation Deadline Promise Plan Agreement Task",
    ),
    *topics(
        "domain.enterprise",
        "ContactPerson FinancialStatement LoanStatus LoanRecord Registration EnterpriseRegistered ProfileUpdated"
        " FinancialStatementFiled LoanRecordAdded ContactPersonAdded DoNotContactSet DoNotContactLifted"
        " LoanReferredToCollections EnterpriseState Enterprise",
    ),
    *topics(
        "domain.strategy",
        "DeadlineRule TaskRule Treatment LegalClockTerms PolicyTerms PolicyPublished PolicyStoreOpened PolicyState"
        " StrategyPolicy",
    ),
]


@pytest.mark.parametrize("topic", OLD_TOPICS)
def test_an_old_topic_resolves_to_the_class_of_that_name(topic: str) -> None:
    cls = resolve_topic(topic)
    assert isinstance(cls, type)
    assert cls.__name__ == topic.rpartition(":")[2]
    assert resolve_topic(get_topic(cls)) is cls  # and its new topic resolves to the same class


def stored_under_old_topics(stored: StoredEvent, aggregate_topic: str) -> StoredEvent:
    """The stored event as a database written before the move holds it."""
    cls = resolve_topic(stored.topic)
    old_module = {
        "domain.case.events": "domain.case_events",
        "domain.case.collaboration_events": "domain.case_events",  # moved out of the catalogue module since
        "domain.enterprise.events": "domain.enterprise",
    }
    new_aggregate_topic = get_topic(resolve_topic(aggregate_topic)).encode()
    state = stored.state.replace(new_aggregate_topic, aggregate_topic.encode())
    topic = stored.topic
    if cls.__module__ in old_module:
        topic = f"{old_module[cls.__module__]}:{cls.__name__}"
    return replace(stored, topic=topic, state=state)


def reload(aggregate: Any, events: list[Any], aggregate_topic: str) -> tuple[Any, Any]:
    """Replay the events and restore the snapshot, both stored under the old topics."""
    mapper = PydanticMapper(transcoder=OrjsonTranscoder())
    old = [stored_under_old_topics(mapper.to_stored_event(e), aggregate_topic) for e in events]
    assert not any(s.topic.startswith(("domain.case.", "domain.enterprise.")) for s in old)
    assert aggregate_topic.encode() in old[0].state  # the created event names the aggregate's class
    replayed = None
    for stored in old:
        replayed = mapper.to_domain_event(stored).mutate(replayed)
    snapshot = mapper.to_stored_event(AggregateSnapshot.take(aggregate))
    old_snapshot = stored_under_old_topics(snapshot, aggregate_topic)
    assert aggregate_topic.encode() in old_snapshot.state
    restored = mapper.to_domain_event(old_snapshot).mutate(None)
    return replayed, restored


def test_a_case_stored_under_the_old_topics_loads() -> None:
    case = CollectionCase.open(
        loan_id="LN-1",
        enterprise_id=uuid4(),
        principal=Money.parse("1000.00"),
        outstanding=Money.parse("900.00"),
        overdue_amount=Money.parse("300.00"),
        overdue_since=date(2026, 9, 1),
        act=Act.of(COLLECTOR, NOW, NOW),
    )
    # the period restarted today, so the promise below records only what an old database could hold
    case.set_limitation_period(
        starts_on=date(2026, 11, 2), years=3, warn_days=90, basis="demand delivered", act=Act.of(COLLECTOR, NOW, NOW)
    )
    case.make_promise(
        promise_id="p1",
        amount=Money.parse("100.00"),
        due_on=date(2026, 11, 20),
        act=Act.of(COLLECTOR, NOW, NOW),
    )
    case.add_note("called", act=Act.of(COLLECTOR, NOW, NOW))
    events = case.collect_events()
    replayed, restored = reload(case, events, "domain.case:CollectionCase")
    for loaded in (replayed, restored):
        assert type(loaded) is CollectionCase
        assert loaded.version == case.version
        assert loaded.state_for_snapshot() == case.state_for_snapshot()


def test_an_enterprise_stored_under_the_old_topics_loads() -> None:
    enterprise = Enterprise.register(registration(1), contacts(), act=Act.of(COLLECTOR, NOW, NOW))
    enterprise.set_do_not_contact("under protection", act=Act.of(COLLECTOR, NOW, NOW))
    events = enterprise.collect_events()
    replayed, restored = reload(enterprise, events, "domain.enterprise:Enterprise")
    for loaded in (replayed, restored):
        assert type(loaded) is Enterprise
        assert loaded.version == enterprise.version
        assert loaded.state_for_snapshot() == enterprise.state_for_snapshot()
