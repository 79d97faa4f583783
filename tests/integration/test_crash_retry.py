"""Drill: SIGKILL `arrears serve` (two workers) under keyed write load, restart it, retry every unacknowledged
request with its own Idempotency-Key: every write acknowledged is stored once, none twice, and a retry of a request
whose write committed before the crash answers as the first attempt did (rebuilt from the record its commit wrote).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.auth import TokenCodec
from application.bootstrap import bootstrap
from domain.case.events import NoteAdded, PaymentReceived
from infrastructure.settings import Settings
from tests.conftest import postgres_test_url
from tests.e2e.conftest import TEST_SECRET, open_case
from tests.integration.serving import Server

ROUNDS = int(os.environ.get("ARREARS_CRASH_ROUNDS", "3"))
CLIENTS = 6
CASES = 4
LOAD_SECONDS = 2.0
RETRY_SECONDS = 60.0


@dataclass
class Keyed:
    """One keyed request and every answer it got (None: no answer)."""

    case_id: str
    path: str
    body: dict[str, Any]
    marker: str  # the note's text or the payment's reference: how its event is found
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    first: tuple[int, Any, bool] | None = None
    final: tuple[int, Any, bool] | None = None


def post(client: httpx.Client, request: Keyed) -> tuple[int, Any, bool] | None:
    try:
        response = client.post(request.path, json=request.body, headers={"Idempotency-Key": request.key})
    except httpx.HTTPError:
        return None
    return response.status_code, response.json(), response.headers.get("idempotent-replayed") == "true"


def load(base: str, token: str, cases: list[str], done: threading.Event, sent: list[Keyed], lock: threading.Lock):
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        n = 0
        while not done.is_set():
            n += 1
            case_id = cases[n % len(cases)]
            marker = uuid.uuid4().hex
            if n % 3:
                request = Keyed(case_id, f"/v1/cases/{case_id}/notes", {"text": f"note {marker}"}, f"note {marker}")
            else:
                # received today in the business zone: not before the case opened (README "Arrears that move")
                today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
                body = {"amount": "1.00", "received_on": today, "reference": f"REF-{marker}"}
                request = Keyed(case_id, f"/v1/cases/{case_id}/payments", body, f"REF-{marker}")
            with lock:
                sent.append(request)
            request.first = post(client, request)
            if request.first is None:
                return  # the server is gone


def settle(client: httpx.Client, request: Keyed) -> tuple[int, Any, bool]:
    """Retry with the same key until the answer is final (not in flight, not unavailable)."""
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        answer = post(client, request)
        if (answer is not None and answer[0] not in (409, 503)) or time.monotonic() > deadline:
            assert answer is not None, "no answer to a retry"
            return answer
        if answer is not None and answer[0] == 409 and not answer[1]["type"].endswith(":in-flight"):
            return answer
        time.sleep(0.2)


@pytest.mark.drill
@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_sigkill_under_keyed_writes_then_retry_records_each_write_once(store, tmp_path, request, figures) -> None:
    if store == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'crash.db'}", ""
    else:
        url, schema = postgres_test_url(), request.getfixturevalue("pg_schema")
    env = {"ARREARS_DATABASE_URL": url, "ARREARS_DATABASE_SCHEMA": schema, "ARREARS_IDEMPOTENCY_TTL_SECONDS": "2"}
    server = Server(env, workers=2)
    codec = TokenCodec(TEST_SECRET)
    auth = {"Authorization": f"Bearer {codec.issue('drill.admin', 'admin', timedelta(hours=2))}"}
    sent: list[Keyed] = []
    lock = threading.Lock()
    try:
        server.start()
        with httpx.Client(base_url=server.base, timeout=30) as setup:
            cases = [open_case(setup, auth, n=n) for n in range(1, CASES + 1)]  # type: ignore[arg-type]
        for _ in range(ROUNDS):
            done = threading.Event()
            threads = [
                threading.Thread(target=load, args=(server.base, auth["Authorization"][7:], cases, done, sent, lock))
                for _ in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(LOAD_SECONDS)
            server.kill()
            done.set()
            for thread in threads:
                thread.join(timeout=60)
            server.start()
            with httpx.Client(base_url=server.base, headers=auth, timeout=30) as client:
                for keyed in sent:
                    if keyed.final is None and (keyed.first is None or keyed.first[0] >= 500):
                        keyed.final = settle(client, keyed)
        with httpx.Client(base_url=server.base, headers=auth, timeout=30) as client:
            for keyed in sent:  # every acknowledged request again: the first answer, nothing recorded
                if keyed.final is None:
                    keyed.final = post(client, keyed)
    finally:
        server.stop()

    container = bootstrap(Settings(database_url=url, database_schema=schema, secret_key=TEST_SECRET))
    try:
        stored: dict[str, int] = {}
        at_version: dict[tuple[str, int], str] = {}
        for case_id in cases:
            for event in container.app.case_events(uuid.UUID(case_id)):
                marker = event.text if isinstance(event, NoteAdded) else None
                marker = event.reference if isinstance(event, PaymentReceived) else marker
                if marker is not None:
                    stored[marker] = stored.get(marker, 0) + 1
                    at_version[(case_id, event.originator_version)] = marker
    finally:
        container.close()

    acknowledged = [k for k in sent if k.first is not None and k.first[0] < 500]
    unacknowledged = [k for k in sent if k not in acknowledged]
    rebuilt = [k for k in unacknowledged if k.final is not None and k.final[0] == 201 and k.final[2]]
    afresh = [k for k in unacknowledged if k.final is not None and k.final[0] == 201 and not k.final[2]]
    twice = {marker: count for marker, count in stored.items() if count > 1}
    assert twice == {}
    assert all(k.first and k.first[0] == 201 for k in acknowledged), {k.first[0] for k in acknowledged if k.first}
    assert [k for k in acknowledged if stored.get(k.marker) != 1] == []
    notes = [k for k in sent if k.path.endswith("/notes") and k.final is not None and k.final[0] == 201]
    # a note's answer names the version its event got (a payment's, the version after its classification)
    assert [k for k in notes if at_version.get((k.case_id, k.final[1]["version"])) != k.marker] == []  # type: ignore[index]
    assert [k for k in acknowledged if k.final != (k.first[0], k.first[1], True)] == []  # type: ignore[index]
    assert [k for k in unacknowledged if k.final is None or k.final[0] != 201] == []
    assert [k for k in unacknowledged if stored.get(k.marker) != 1] == []
    figures(
        f"crash drill ({store}, 2 workers): {ROUNDS} SIGKILLs under {CLIENTS} clients' keyed writes; {len(sent)} "
        f"requests, {len(acknowledged)} acknowledged (each stored once, each repeat answered with its first response), "
        f"{len(unacknowledged)} unacknowledged and retried with their keys: {len(rebuilt)} had committed before the "
        f"kill and were answered from the record their commit wrote, {len(afresh)} had not and ran once; "
        f"{sum(stored.values())} notes and payments stored, 0 twice"
    )
