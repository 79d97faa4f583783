"""`arrears users` lists who the database knows from assignments; the serve hint's collector has cases; the CLI
prints times in the business zone (both stores)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from api.cli import main
from api.cli_users import hint_collector
from application.bootstrap import Container
from application.commands import AssignCollector, AssignTask, SetDeadline
from domain.case.values import Department
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import SUPERVISOR, open_case


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's settings from the environment, pointing at the store under test."""
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)


def assign(container: Container, collectors: dict[str, int]) -> None:
    """Open cases for each collector (as many as given), assigned by a supervisor."""
    n = 0
    for collector, count in collectors.items():
        for _ in range(count):
            n += 1
            case_id = open_case(container.app, n)
            container.app.handle(AssignCollector(case_id=case_id, collector=collector, actor=SUPERVISOR))


def test_users_lists_collectors_assignees_and_assigners_with_their_open_cases(
    container: Container, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assign(container, {"sim.high.3": 3, "sim.low.1": 1})
    case_id = open_case(container.app, 9)
    container.app.handle(
        AssignTask(
            case_id=case_id,
            department=Department.LEGAL,
            title="prepare the file",
            assignee="zhou.legal",
            actor=SUPERVISOR,
        )
    )
    assert main(["users"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["user", "role", "open", "cases", "cases", "open", "tasks"]
    assert lines[1].split() == ["sim.high.3", "collector", "3", "3", "0"]  # most open cases first
    assert lines[2].split() == ["sim.low.1", "collector", "1", "1", "0"]
    assert ["zhou.legal", "legal", "0", "0", "1"] in [line.split() for line in lines]
    assert ["zhao.supervisor", "supervisor", "0", "0", "0"] in [line.split() for line in lines]  # who assigned
    assert "token issue --user sim.high.3 --role collector" in captured.err
    assert main(["users", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0] == {"user_id": "sim.high.3", "role": "collector", "open_cases": 3, "cases": 3, "open_tasks": 0}


def test_the_serve_hint_names_the_collector_with_the_most_open_cases(container: Container, settings: Settings) -> None:
    assert hint_collector(settings) == ("wang.collector", 0)  # nobody has a case yet
    assign(container, {"sim.medium.2": 2, "sim.high.1": 5, "sim.low.3": 1})
    assert hint_collector(settings) == ("sim.high.1", 5)


def test_scheduler_tick_prints_times_in_the_business_zone(
    container: Container, clock: ManualClock, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = open_case(container.app)
    due = clock.now() + timedelta(hours=1)  # 2026-11-02 03:00 UTC is 11:00 in Shanghai
    container.app.handle(
        SetDeadline(case_id=case_id, deadline_id="d1", kind="callback", due_at=due, action="remind", actor=SUPERVISOR)
    )
    assert main(["scheduler", "tick", "--now", "2026-11-02T12:00:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-02 11:00 +08:00  case" in out  # the deadline's due time
    assert "tick at 2026-11-02 12:00 +08:00: 1 fired" in out
    assert "+00:00" not in out and "T04:00" not in out
