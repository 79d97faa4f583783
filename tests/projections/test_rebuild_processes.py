"""A rebuild spread over processes (``ARREARS_REBUILD_PROCESSES``): the views split into groups of about equal
work, each group replayed by its own process, leave exactly what a rebuild in one process leaves; a group whose
process fails fails the rebuild, loudly, and its views stay behind for the next catch-up. SQLite and PostgreSQL."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from application.bootstrap import Container, bootstrap, catch_up_rebuilt_views
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from projections.base import View, view_groups
from projections.catalogue import all_views
from tests.projections.checks import assert_views_equal_oracle
from tests.projections.history import generate


@pytest.fixture
def three_processes(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    built = bootstrap(settings.model_copy(update={"rebuild_processes": 3, "projection_batch_size": 97}), clock)
    yield built
    built.close()


def test_a_rebuild_over_three_processes_equals_the_oracle(three_processes: Container) -> None:
    sum(generate(three_processes.app, cases=12, events_per_case=30, per_save=9))
    three_processes.projections.catch_up()
    assert_views_equal_oracle(three_processes)
    read = three_processes.projections.rebuild(show_progress=False)
    assert read == three_processes.projections.head()
    assert all(status.lag == 0 for status in three_processes.projections.status())
    assert_views_equal_oracle(three_processes)


def test_a_group_whose_process_fails_fails_the_rebuild(three_processes: Container, settings: Settings) -> None:
    sum(generate(three_processes.app, cases=4, events_per_case=20))
    unreachable = settings.model_copy(
        update={"database_url": "postgresql://nobody@127.0.0.1:1/none", "database_schema": "none"}
    )
    runtime = three_processes.projections
    runtime.rebuild_elsewhere = functools.partial(catch_up_rebuilt_views, unreachable)
    with pytest.raises(Exception, match="no database connection"):
        runtime.rebuild(show_progress=False)
    behind = [status.name for status in runtime.status() if status.lag > 0]
    assert behind  # the other processes' views were left empty, and the next catch-up fills them
    runtime.catch_up()
    assert_views_equal_oracle(three_processes)


def test_view_groups_balance_the_weights_and_keep_the_order() -> None:
    views = all_views()
    weights = {view.name: view.weight for view in views}
    groups = view_groups(views, 2)
    assert sorted(name for group in groups for name in group) == sorted(weights)
    loads = [sum(weights[name] for name in group) for group in groups]
    assert max(loads) - min(loads) <= max(weights.values())
    order = [view.name for view in views]
    assert all(group == sorted(group, key=order.index) for group in groups)
    assert view_groups(views, 1) == [order]
    assert len(view_groups(views[:2], 5)) == 2  # never an empty group

    class Light(View):
        name = "light"

        def schema(self) -> list[str]:
            return []

        def apply(self, tx: object, batch: object) -> None:
            pass

    assert view_groups([Light()], 3) == [["light"]]
