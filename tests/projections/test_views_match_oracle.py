"""Every view equals an oracle that replays the whole log in memory, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.bootstrap import Container, bootstrap
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.application.test_case_ledger import exercise_every_event
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate


@pytest.fixture
def small_batches(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    """A process whose projections take odd-sized batches, so batch edges fall everywhere."""
    built = bootstrap(settings.model_copy(update={"projection_batch_size": 97}), clock)
    yield built
    built.close()


def test_views_match_the_oracle_over_a_generated_history(small_batches: Container) -> None:
    exercise_every_event(small_batches.app, small_batches.clock)  # type: ignore[arg-type]
    events = sum(generate(small_batches.app, cases=60, events_per_case=45, per_save=25))
    assert events > 2500
    small_batches.projections.catch_up()
    assert_views_equal_oracle(small_batches)


def test_following_the_log_in_steps_equals_one_rebuild(small_batches: Container) -> None:
    for first in range(0, 40, 10):  # catch up after every chunk of writes
        sum(generate(small_batches.app, cases=10, events_per_case=30, first=first, per_save=7))
        small_batches.projections.catch_up()
    assert_views_equal_oracle(small_batches)
    small_batches.projections.rebuild(show_progress=False)
    assert_views_equal_oracle(small_batches)


def test_rebuild_of_one_view_leaves_the_others_alone(small_batches: Container) -> None:
    sum(generate(small_batches.app, cases=8, events_per_case=30))
    small_batches.projections.catch_up()
    read = small_batches.read_model
    before = read.portfolio_report()
    assert small_batches.projections.rebuild(["timeline"], show_progress=False) > 0
    assert read.portfolio_report() == before
    assert_views_equal_oracle(small_batches)
    with pytest.raises(ValueError, match="unknown projection"):
        small_batches.projections.rebuild(["nonsense"], show_progress=False)
