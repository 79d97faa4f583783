"""A severe outside signal triggers the governing policy's response, on both stores: a task for the supervisor, a
deadline (a visit or a payment in two days, else the high tier) and a re-assessment, each an event; the responses
are policy terms (a published version may have others)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from application.bootstrap import Container
from application.commands import AssessRisk, PublishPolicy, RecordSignal
from domain.cadence import SignalResponse
from domain.case.events import DeadlineSet, RiskAssessed, TaskAssigned
from domain.case.legal_events import SignalResponded
from domain.case.values import Severity, SignalSource, Tier
from domain.strategy import default_terms
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, open_case


def signal(container: Container, case_id: UUID, source: SignalSource, severity: Severity) -> list[Any]:
    """Record a signal; the events it recorded."""
    before = container.app.get_case(case_id).version
    outcome = container.app.handle(
        RecordSignal(case_id=case_id, source=source, summary="seen outside", severity=severity, actor=COLLECTOR)
    )
    return container.app.case_events(case_id)[before : outcome.version]


def test_funds_moving_out_set_off_the_default_response(container: Container) -> None:
    case_id = open_case(container.app)
    recorded = signal(container, case_id, SignalSource.FUND_MOVEMENT, Severity.HIGH)
    kinds = [type(e).__name__ for e in recorded]
    assert kinds[:2] == ["SignalRecorded", "SignalResponded"]
    responded = next(e for e in recorded if isinstance(e, SignalResponded))
    assert (responded.rule, responded.actions) == (
        "fund_movement_high",
        ["supervisor_task", "deadline:escalate:high", "reassess"],
    )
    signal_version = container.app.get_case(case_id).version - len(recorded) + 1
    assert responded.signal_version == signal_version
    task = next(e for e in recorded if isinstance(e, TaskAssigned) and e.task_id == f"signal-{signal_version}")
    assert task.title.startswith("For the supervisor")
    deadline = next(e for e in recorded if isinstance(e, DeadlineSet) and e.kind == "signal_review")
    assert (deadline.action, deadline.met_by) == ("escalate:high", ["visit", "meaningful_payment"])
    assert any(isinstance(e, RiskAssessed) for e in recorded)  # re-assessed in the same decision

    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(days=3))
    container.scheduler.tick()  # no visit, no payment in two days: the case goes to the high tier
    case = container.app.get_case(case_id)
    assert case.deadlines[deadline.deadline_id].status == "expired"
    assert case.tier is Tier.HIGH


def test_a_mild_signal_sets_off_nothing(container: Container) -> None:
    case_id = open_case(container.app)
    recorded = signal(container, case_id, SignalSource.FUND_MOVEMENT, Severity.MEDIUM)
    assert [type(e).__name__ for e in recorded] == ["SignalRecorded"]


def test_the_response_is_the_governing_policys(container: Container) -> None:
    news = SignalResponse(
        name="news_medium", source=SignalSource.NEWS, min_severity=Severity.MEDIUM, deadline_days=None, reassess=False
    )
    terms = default_terms().model_copy(update={"signal_responses": [news]})
    container.app.handle(PublishPolicy(terms=terms, note="news matters, funds do not", actor=SUPERVISOR))
    case_id = open_case(container.app)
    container.app.handle(AssessRisk(case_id=case_id, actor=COLLECTOR))
    assert container.app.get_case(case_id).policy_version == 2
    assert [type(e).__name__ for e in signal(container, case_id, SignalSource.FUND_MOVEMENT, Severity.HIGH)] == [
        "SignalRecorded"
    ]
    recorded = signal(container, case_id, SignalSource.NEWS, Severity.HIGH)
    assert [type(e).__name__ for e in recorded] == ["SignalRecorded", "SignalResponded", "TaskAssigned"]
    assert recorded[1].actions == ["supervisor_task"]
