"""Drill: two processes burst writes without If-Match at the same cases on PostgreSQL. A write that is not pinned
to a version must not fail because the other process wrote first: none refused, none lost."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

import pytest

from application.bootstrap import bootstrap
from domain.case.events import NoteAdded
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url
from tests.factories import open_case

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 2
WRITES = 250
CASES = 2
BURST = """
import json, sys, time
from uuid import UUID
from application.bootstrap import bootstrap
from application.commands import AddNote
from domain.base import Actor, Role
from domain.errors import ConflictError
from eventsourcing.persistence import IntegrityError
from infrastructure.settings import Settings
url, schema, name, writes, go = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
cases = [UUID(case) for case in sys.argv[6:]]
container = bootstrap(Settings(database_url=url, database_schema=schema))
actor = Actor(user_id=name, role=Role.COLLECTOR)
lost, save = [], container.store.save
def counted(*aggregates, **kwargs):  # races lost on the way (each retried by the unit of work)
    try:
        return save(*aggregates, **kwargs)
    except IntegrityError:
        lost.append(1)
        raise
container.store.save = counted
time.sleep(max(0.0, go - time.time()))
refused = []
for n in range(writes):
    try:
        container.app.handle(AddNote(case_id=cases[n % len(cases)], actor=actor, text=f"{name} {n}"))
    except ConflictError as error:
        refused.append(str(error))
container.close()
print(json.dumps({"refused": refused, "lost": len(lost)}))
"""


@pytest.mark.drill
@pytest.mark.postgres
def test_two_processes_bursting_unpinned_writes_at_the_same_cases_lose_none(pg_schema, figures) -> None:
    settings = Settings(database_url=postgres_test_url(), database_schema=pg_schema)
    container = bootstrap(settings)
    try:
        cases = [open_case(container.app, n) for n in range(1, CASES + 1)]
    finally:
        container.close()
    go = time.time() + 5  # both processes built and waiting: they write at once
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BURST, settings.database_url, pg_schema, f"p{p}", str(WRITES), str(go)]
            + [str(case) for case in cases],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for p in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, outputs
    results = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    refused = [error for result in results for error in result["refused"]]
    races = sum(result["lost"] for result in results)
    container = bootstrap(settings)
    try:
        notes = [
            event.text
            for case in cases
            for event in container.app.case_events(UUID(str(case)))
            if isinstance(event, NoteAdded)
        ]
    finally:
        container.close()
    expected = {f"p{p} {n}" for p in range(PROCESSES) for n in range(WRITES)}
    figures(
        f"unpinned race (postgres): {PROCESSES} processes x {WRITES} writes without If-Match at {CASES} cases at "
        f"once: {races} races lost and retried, {len(refused)} refused, {len(expected - set(notes))} lost, "
        f"{len(notes) - len(set(notes))} twice"
    )
    assert refused == []
    assert sorted(notes) == sorted(expected)
