"""Two runtimes on one store (two API processes, or a worker and a rebuild) never apply an event twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import InterfaceError, OperationalError

from application.bootstrap import Container, bootstrap
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate


def process(settings: Settings, clock: ManualClock, batch_size: int) -> Container:
    return bootstrap(settings.model_copy(update={"projection_batch_size": batch_size}), clock)


@pytest.fixture
def pair(settings: Settings, clock: ManualClock) -> Iterator[tuple[Container, Container]]:
    """Two processes with different batch sizes, so their batches never line up."""
    first, second = process(settings, clock, 50), process(settings, clock, 73)
    yield first, second
    first.close()
    second.close()


def keep_catching_up(container: Container, errors: list[BaseException], rebuild: bool = False) -> None:
    """What a worker does: catch up, and retry when the database says try again."""
    try:
        if rebuild:
            container.projections.rebuild(show_progress=False)
        for _ in range(50):
            try:
                container.projections.catch_up()
                return
            except (OperationalError, InterfaceError):
                continue
    except BaseException as error:
        errors.append(error)


@pytest.mark.parametrize("rebuild", [False, True], ids=["two-workers", "worker-and-rebuild"])
def test_two_runtimes_at_once_apply_every_event_exactly_once(pair: tuple[Container, Container], rebuild: bool) -> None:
    first, second = pair
    sum(generate(first.app, cases=30, events_per_case=40, per_save=10))
    if rebuild:
        first.projections.catch_up()
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=keep_catching_up, args=(first, errors)),
        threading.Thread(target=keep_catching_up, args=(second, errors, rebuild)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    keep_catching_up(first, errors)
    assert {s["failed_position"] for s in first.read_model.status()} == {None}
    assert_views_equal_oracle(first)
