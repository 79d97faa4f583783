"""The demo lands in the present: its simulated months end now, so a server started on its database afterwards
finds nothing due that the simulation had not fired, and its events carry their simulated recording time, so
``known_at`` shows a demo case as the bank knew it a month ago. On both stores."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import psycopg
import pytest

from application.bootstrap import bootstrap
from domain.base import Role
from infrastructure.clock import SystemClock
from infrastructure.settings import Settings
from simulation.engine import ZONE, Config, Outcome, Simulation, add_months, simulation_container
from simulation.report import LAST_MONTH_MARGIN_DAYS, build_report
from tests.conftest import STORES, need_postgres, postgres_test_url

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api.main import create_app

pytestmark = pytest.mark.slow
CONFIG = Config(enterprises=10, months=2, seed=3, learn_after_months=0)
SECRET = "test-secret-key-that-is-at-least-32-bytes-long"
#: the seed's manufacturer, one of the demo's named firms
LOAN = "HD-2024-03"


@pytest.fixture(scope="module", params=STORES)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Outcome]]:
    """A small demo run on the real time (as ``arrears demo`` runs), once per store for the module's tests (they
    only read it; a server's tick that finds nothing due writes nothing). Few connections: PostgreSQL is shared."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
        settings = Settings(database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    else:
        need_postgres()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(
            database_url=postgres_test_url(),  # type: ignore[arg-type]
            database_schema=schema,
            secret_key=SECRET,  # type: ignore[arg-type]
            pool_size=2,
        )
    try:
        container = simulation_container(settings, CONFIG)
        try:
            outcome = Simulation(container, CONFIG).run()
        finally:
            container.close()
        yield settings, outcome
    finally:
        if schema is not None:
            with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_the_demo_runs_the_months_ending_today(demo) -> None:
    _, outcome = demo
    today = datetime.now(ZONE).date()
    assert outcome.end == today and outcome.start == add_months(today, -CONFIG.months)
    assert outcome.landed_at is not None and outcome.landed_at <= SystemClock().now()


def test_a_server_started_after_the_demo_finds_no_due_deadline(demo) -> None:
    settings, outcome = demo
    served = bootstrap(settings)  # as ``arrears serve`` builds it: the real clock
    try:
        startup = served.scheduler.tick()  # the start-up tick
        assert startup.ran and startup.firings == []
        upcoming = served.read_model.open_deadlines()
        assert upcoming  # the simulation left deadlines open: they fall due later, not now
        assert all(datetime.fromisoformat(d.due_at) > outcome.landed_at for d in upcoming)
    finally:
        served.close()


def test_known_at_a_month_ago_shows_a_demo_case_as_the_bank_knew_it_then(demo) -> None:
    settings, outcome = demo
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        token = services.tokens.issue("audit.user", Role.AUDITOR, timedelta(hours=1))
        auditor = {"Authorization": f"Bearer {token}"}
        case_id = services.container.app.case_id_for(LOAN)
        now = client.get(f"/v1/cases/{case_id}/history", headers=auditor).json()
        month_ago = outcome.landed_at - timedelta(days=30)
        asked = {"known_at": month_ago.isoformat()}
        then = client.get(f"/v1/cases/{case_id}/history", params=asked, headers=auditor)
        assert then.status_code == 200, then.text
        known = then.json()
        assert 1 < known["version"] < now["version"]  # recorded through the first month, not what came after
        recorded = [datetime.fromisoformat(e["recorded_at"]) for e in known["events"]]
        assert max(recorded) <= month_ago and min(recorded).date() >= outcome.start - timedelta(days=1)
        later = [e for e in now["events"] if datetime.fromisoformat(e["recorded_at"]) > month_ago]
        assert len(later) == now["version"] - known["version"]
        timeline = client.get(f"/v1/cases/{case_id}/timeline", params={**asked, "limit": 500}, headers=auditor)
        assert timeline.status_code == 200 and len(timeline.json()["items"]) == known["version"]
        two_days_before = datetime.combine(outcome.start - timedelta(days=2), time(), tzinfo=ZONE)  # before the eve
        before = {"known_at": two_days_before.isoformat()}
        assert client.get(f"/v1/cases/{case_id}/history", params=before, headers=auditor).status_code == 404


def test_the_balance_by_month_ends_with_the_end_not_a_month_end_days_before_it(demo) -> None:
    settings, outcome = demo
    container = bootstrap(settings)
    try:
        report = build_report(container.store)
    finally:
        container.close()
    labels = list(report.monthly_balance)
    assert labels[0] == "start" and labels[-1] == f"end {outcome.end.isoformat()}"
    month_ends = [date.fromisoformat(label) for label in labels[1:-1]]
    assert month_ends  # two months: one month end between
    assert all((outcome.end - day).days >= LAST_MONTH_MARGIN_DAYS for day in month_ends)
