"""SQLite contention during a read's catch-up: another process holding the write lock is waited for (busy timeout);
one holding it longer is a 503 with Retry-After; never a 500."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from infrastructure.clock import ManualClock
from tests.conftest import settings_for
from tests.e2e.conftest import TEST_SECRET, open_case
from tests.factories import OPENED


@pytest.fixture
def sqlite_api(tmp_path: Path, request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[tuple[TestClient, Path]]:
    settings = settings_for("sqlite", tmp_path, request, lock_timeout_seconds=1, secret_key=SecretStr(TEST_SECRET))
    with TestClient(create_app(settings, clock)) as client:
        yield client, tmp_path / "arrears.db"


def headers(client: TestClient) -> dict[str, str]:
    token = client.app.state.services.tokens.issue("admin.user", "admin", timedelta(hours=1))  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


class OtherProcess:
    """A second connection to the file, as another process (an `arrears worker`, a CLI import) would hold it."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
        self.locked = threading.Event()

    def hold_write_lock(self, seconds: float, until: threading.Event | None = None) -> threading.Thread:
        """Take the write lock, write a row, and commit it after ``seconds`` (or once ``until`` is set)."""

        def run() -> None:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO scratch VALUES (1)")
            self.locked.set()
            if until is None:
                time.sleep(seconds)
            else:
                until.wait(seconds)
            self.conn.execute("COMMIT")

        thread = threading.Thread(target=run)
        thread.start()
        self.locked.wait(5)
        return thread


def test_a_write_lock_held_briefly_is_waited_for(sqlite_api) -> None:
    client, path = sqlite_api
    auth = headers(client)
    case_id = open_case(client, auth)
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "to project"}, headers=auth).status_code == 201
    other = OtherProcess(path)
    for n in range(3):  # the other process commits while the catch-up waits: its read snapshot must not be stale
        holder = other.hold_write_lock(0.3)
        response = client.get(f"/v1/cases/{case_id}/timeline", headers=auth)
        holder.join()
        assert response.status_code == 200, response.text
        assert len(response.json()["items"]) == OPENED + 1 + n
        client.post(f"/v1/cases/{case_id}/notes", json={"text": "one more"}, headers=auth)


def test_a_write_lock_held_too_long_is_a_503_not_a_500(sqlite_api) -> None:
    client, path = sqlite_api
    auth = headers(client)
    case_id = open_case(client, auth)
    assert client.post(f"/v1/cases/{case_id}/notes", json={"text": "to project"}, headers=auth).status_code == 201
    answered = threading.Event()
    # held until the read has been answered: longer than the busy timeout (1 s), however slow the machine
    holder = OtherProcess(path).hold_write_lock(60, until=answered)
    response = client.get(f"/v1/cases/{case_id}/timeline", headers=auth)
    still_held = holder.is_alive()  # the answer came while the other process held the lock: it did not wait it out
    answered.set()
    holder.join()
    assert still_held
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    after = client.get(f"/v1/cases/{case_id}/timeline", headers=auth)
    assert after.status_code == 200 and len(after.json()["items"]) == OPENED + 1
