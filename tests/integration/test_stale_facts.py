"""A command judged on facts read from other aggregates is recorded only if those facts were still the latest when
it was recorded (``infrastructure.read_set``): a do-not-contact flag set by another process is never missed, however
recently this process read the enterprise, and no extra round trip is spent asking.

Two containers on one store stand for two server processes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from application.bootstrap import Container, bootstrap
from application.commands import LogContact, ScheduleVisit, SetDoNotContact
from domain.base import Actor, Role
from domain.case.values import Channel, ContactOutcome
from domain.contact_policy import DO_NOT_CONTACT
from domain.errors import ContactPolicyError
from infrastructure.clock import ManualClock
from tests.conftest import STORES, settings_for
from tests.factories import COLLECTOR, open_case

SUPERVISOR = Actor(user_id="sup.wang", role=Role.SUPERVISOR)


@pytest.fixture(params=[(store, handed_over) for store in STORES for handed_over in (False, True)])
def two(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> Iterator[tuple[Container, Container]]:
    store, handed_over = request.param
    settings = settings_for(store, tmp_path, request, async_inserts=handed_over)
    here, there = bootstrap(settings, clock), bootstrap(settings, clock)
    yield here, there
    here.close()
    there.close()


def email(case_id: UUID, summary: str) -> LogContact:
    return LogContact(
        case_id=case_id,
        channel=Channel.EMAIL,
        party="Li Na",
        outcome=ContactOutcome.DELIVERED,
        actor=COLLECTOR,
        summary=summary,
    )


def breaches(container: Container, case_id: UUID) -> list[list[str]]:
    return [
        list(event.breached_rules)  # type: ignore[union-attr]
        for event in container.app.case_events(case_id)
        if hasattr(event, "breached_rules")
    ]


def forbid_elsewhere(there: Container, case_id: UUID) -> None:
    enterprise_id = there.app.enterprise_of_case(case_id)
    forbid = SetDoNotContact(enterprise_id=enterprise_id, reason="complaint to the regulator", actor=SUPERVISOR)
    there.app.handle(forbid)


def test_a_do_not_contact_flag_set_in_another_process_is_never_missed(two: tuple[Container, Container]) -> None:
    here, there = two
    case_id = open_case(here.app, 1)
    here.app.handle(email(case_id, "first"))  # the enterprise's contact facts are now remembered here
    forbid_elsewhere(there, case_id)
    here.app.handle(email(case_id, "second"))  # within the facts' reuse age: the insert finds them stale
    assert breaches(here, case_id) == [[], [DO_NOT_CONTACT]]


def test_the_same_on_the_event_loop(two: tuple[Container, Container]) -> None:
    here, there = two
    case_id = open_case(here.app, 1)
    here.app.handle(email(case_id, "first"))
    forbid_elsewhere(there, case_id)
    asyncio.run(here.app.handle_async(email(case_id, "second")))
    assert breaches(here, case_id) == [[], [DO_NOT_CONTACT]]


def test_a_visit_planned_on_stale_facts_is_refused(two: tuple[Container, Container], clock: ManualClock) -> None:
    here, there = two
    case_id = open_case(here.app, 1)
    here.app.handle(email(case_id, "first"))
    forbid_elsewhere(there, case_id)
    visit: Any = ScheduleVisit(
        case_id=case_id, planned_at=clock.now(), party="Li Na", staff=("a", "b"), purpose="talk", actor=COLLECTOR
    )
    with pytest.raises(ContactPolicyError) as refused:
        here.app.handle(visit)
    assert refused.value.rule_id == DO_NOT_CONTACT
