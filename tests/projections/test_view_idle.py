"""A view's write transaction on PostgreSQL survives its own Python work outlasting the connection's idle timeout."""

from __future__ import annotations

import time

import pytest

from application.bootstrap import bootstrap
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url

pytestmark = pytest.mark.postgres


def seconds(setting: str) -> float:
    """PostgreSQL's ``5s`` / ``5000ms`` / ``1min`` as seconds."""
    for unit, factor in (("ms", 0.001), ("min", 60.0), ("s", 1.0)):
        if setting.endswith(unit):
            return float(setting[: -len(unit)]) * factor
    return float(setting) / 1000


def test_a_view_batch_computing_longer_than_the_idle_timeout_still_commits(pg_schema: str) -> None:
    container = bootstrap(Settings(database_url=postgres_test_url(), database_schema=pg_schema))  # type: ignore[call-arg]
    try:
        with container.projections.store.reading() as tx:
            idle = seconds(
                tx.query("SHOW idle_in_transaction_session_timeout")[0]["idle_in_transaction_session_timeout"]
            )
        assert 0 < idle < 30, "eventsourcing sets a short idle-in-transaction timeout on every connection"
        with container.projections.store.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS slow_view (n INTEGER)")
            time.sleep(idle + 1)  # a view's Python at work on a starved machine
            tx.execute("INSERT INTO slow_view VALUES (1)")
        with container.projections.store.reading() as tx:
            assert tx.query("SELECT n FROM slow_view") == [{"n": 1}]
    finally:
        container.close()
