"""`arrears serve` as a user runs it: uvicorn with the API's protocol, answering over a real socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from api.auth import TokenCodec
from tests.e2e.conftest import TEST_SECRET, open_case

ROOT = Path(__file__).resolve().parents[2]
EMAIL = {"channel": "email", "party": "Li Na", "outcome": "delivered", "summary": "reminder of the overdue amount"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`arrears serve --no-demo` on a fresh SQLite file; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "ARREARS_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "ARREARS_SECRET_KEY": TEST_SECRET,
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--no-demo", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_writes_and_reads_answer_whole_on_one_kept_alive_connection(served: str) -> None:
    token = TokenCodec(TEST_SECRET).issue("wang.collector", "supervisor", timedelta(hours=1))
    with httpx.Client(base_url=served, headers={"Authorization": f"Bearer {token}"}) as client:
        case_id = open_case(client, {}, n=1)  # type: ignore[arg-type]  # httpx.Client speaks like TestClient
        opened = int(client.get(f"/v1/cases/{case_id}").headers["etag"].strip('"'))  # with its opening events
        versions = [opened + 1, opened + 2, opened + 3]
        for version in versions:
            logged = client.post(f"/v1/cases/{case_id}/contacts", json=EMAIL, headers={"If-Match": f'"{version - 1}"'})
            assert (logged.status_code, logged.headers["etag"]) == (201, f'"{version}"'), logged.text
            assert logged.json() == {"case_id": case_id, "version": version}
        stale = client.post(f"/v1/cases/{case_id}/contacts", json=EMAIL, headers={"If-Match": f'"{opened}"'})
        assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
        document = client.get("/openapi.json")  # larger than one gathered write: sent at once
        assert document.status_code == 200 and len(document.content) > 64 * 1024
        assert "/v1/cases/{case_id}/contacts" in document.json()["paths"]
        timeline = client.get(f"/v1/cases/{case_id}/timeline").json()["items"]
        assert [item["version"] for item in timeline][-3:] == versions
