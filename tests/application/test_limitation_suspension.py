"""Suspension of the limitation period (诉讼时效中止, Civil Code art. 194), on both stores: an obstacle in the period's
last six months suspends it, no warning fires meanwhile, and the period ends six months after the obstacle is
removed; an obstacle removed before the last six months changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from application.bootstrap import Container
from application.commands import EndLimitationSuspension, ReviewLegalClock, SuspendLimitation
from domain.case.legal_events import LimitationSuspensionBegan, LimitationSuspensionEnded
from domain.case.values import SuspensionCause
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, open_case


def at(container: Container, day: date) -> None:
    """10:00 Beijing time on ``day``."""
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def test_force_majeure_in_the_last_six_months_suspends_the_period_until_six_months_after_it_ends(
    container: Container,
) -> None:
    """open_case's loan fell due 2026-09-15: the period ends 2029-09-15, its last six months start 2029-03-15,
    legal would be warned 2029-06-17. Force majeure begins 2029-01-10 (before the last six months) and lasts: the
    suspension takes effect 2029-03-15 and the warning is cancelled; on 2029-06-20 no task is given. It is removed
    on 2029-08-01: the period ends 2029-08-01 + 6 months = 2030-02-01, warned 90 days before, 2029-11-03."""
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    at(container, date(2029, 1, 12))
    effective = container.app.send(
        SuspendLimitation(
            case_id=case_id,
            cause=SuspensionCause.FORCE_MAJEURE,
            began_on=date(2029, 1, 10),
            evidence="the provincial flood emergency notice No. 3",
            actor=SUPERVISOR,
        ),
        date,
    )
    assert effective == date(2029, 3, 15)
    case = container.app.get_case(case_id)
    assert case.deadlines["limitation-warning-2029-09-15"].status == "cancelled"
    assert case.limitation_suspension_cause is SuspensionCause.FORCE_MAJEURE
    (began,) = [e for e in container.app.case_events(case_id) if isinstance(e, LimitationSuspensionBegan)]
    assert "art. 194(1)" in began.article and "force majeure" in began.article
    with pytest.raises(DuplicateError):  # one suspension at a time
        container.app.handle(
            SuspendLimitation(
                case_id=case_id, cause=SuspensionCause.OTHER, began_on=date(2029, 1, 11), evidence="x", actor=SUPERVISOR
            )
        )
    at(container, date(2029, 6, 20))
    container.scheduler.tick()
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    assert "limitation-2029-09-15" not in container.app.get_case(case_id).tasks  # suspended: no warning
    at(container, date(2029, 8, 2))
    ends = container.app.send(
        EndLimitationSuspension(
            case_id=case_id, ended_on=date(2029, 8, 1), evidence="the emergency lifted", actor=SUPERVISOR
        ),
        date,
    )
    assert ends == date(2030, 2, 1)
    (ended,) = [e for e in container.app.case_events(case_id) if isinstance(e, LimitationSuspensionEnded)]
    assert (ended.previous_ends_on, ended.ends_on, "art. 194(2)" in ended.article) == (
        date(2029, 9, 15),
        date(2030, 2, 1),
        True,
    )
    case = container.app.get_case(case_id)
    assert case.limitation_ends_on == date(2030, 2, 1) and case.limitation_suspended_from is None
    warning = case.deadlines["limitation-warning-2030-02-01"]
    assert (warning.status, warning.due_at.date()) == ("open", date(2030, 2, 1) - timedelta(days=90))
    assert warning.due_at.date() == date(2029, 11, 3)
    at(container, date(2029, 11, 3))
    container.scheduler.tick()
    assert container.app.get_case(case_id).tasks["limitation-2030-02-01"].department == "legal"


def test_an_obstacle_removed_before_the_last_six_months_changes_nothing_and_bad_days_are_refused(
    container: Container,
) -> None:
    """An obstacle from 2027-01-01 to 2027-02-01 (the last six months start 2029-03-15): the end stays 2029-09-15
    (2027-02-01 + 6 months is earlier). Refused: an obstacle in the future, an end before its start, and ending a
    suspension that is not in force. (A case with no period yet cannot be had since every overdue case starts its
    period as it opens.)"""
    case_id = open_case(container.app)  # an overdue case starts its limitation period as it opens (issue 20 item 4)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    with pytest.raises(InvariantError):  # in the future
        container.app.handle(
            SuspendLimitation(
                case_id=case_id, cause=SuspensionCause.OTHER, began_on=date(2026, 12, 1), evidence="x", actor=SUPERVISOR
            )
        )
    with pytest.raises(IllegalTransitionError):  # nothing suspended
        container.app.handle(
            EndLimitationSuspension(case_id=case_id, ended_on=date(2026, 11, 2), evidence="x", actor=SUPERVISOR)
        )
    at(container, date(2027, 1, 2))
    container.app.handle(
        SuspendLimitation(
            case_id=case_id,
            cause=SuspensionCause.CONTROLLED_BY_OBLIGOR,
            began_on=date(2027, 1, 1),
            evidence="police report",
            actor=SUPERVISOR,
        )
    )
    at(container, date(2027, 2, 2))
    with pytest.raises(InvariantError):  # ended before it began
        container.app.handle(
            EndLimitationSuspension(case_id=case_id, ended_on=date(2026, 12, 31), evidence="x", actor=SUPERVISOR)
        )
    ends = container.app.send(
        EndLimitationSuspension(case_id=case_id, ended_on=date(2027, 2, 1), evidence="released", actor=SUPERVISOR),
        date,
    )
    assert ends == date(2029, 9, 15)
    deadlines = container.app.get_case(case_id).deadlines.values()
    (warning,) = [d for d in deadlines if d.kind == "limitation_warning" and d.status == "open"]
    assert warning.due_at.date() == date(2029, 6, 17)  # warned again, as before the suspension
    at(container, date(2029, 6, 17))
    container.scheduler.tick()  # the warning set again fires once: legal's task, the deadline expired
    case = container.app.get_case(case_id)
    assert case.tasks["limitation-2029-09-15"].department == "legal"
    assert case.deadlines[warning.deadline_id].status == "expired"
