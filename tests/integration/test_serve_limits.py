"""Issue 23 against `arrears serve` as a real process (both stores): protocol errors are problem+json, an oversized
head is a 431, a connection stays usable after an oversized CSV field, and `serve` alone keeps every view current."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import orjson
import pytest

from api.auth import TokenCodec
from tests.conftest import postgres_test_url
from tests.e2e.conftest import TEST_SECRET
from tests.factories import credit_code
from tests.integration.serving import Server


def serving(request: pytest.FixtureRequest, tmp_path, **env: str) -> Iterator[Server]:
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'serve.db'}", ""
    else:
        url, schema = postgres_test_url(), request.getfixturevalue("pg_schema")
    running = Server({"ARREARS_DATABASE_URL": url, "ARREARS_DATABASE_SCHEMA": schema, **env}, workers=2)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path) -> Iterator[Server]:
    """`arrears serve --workers 2` on the store, without the demo."""
    yield from serving(request, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def impatient_server(request: pytest.FixtureRequest, tmp_path) -> Iterator[Server]:
    """The same, waiting 1 s for a request's body."""
    yield from serving(request, tmp_path, ARREARS_BODY_TIMEOUT_SECONDS="1")


def exchange(port: int, *requests: bytes) -> list[bytes]:
    """Send each request on one connection and read its whole answer (by content-length)."""
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        for raw in requests:
            conn.sendall(raw)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            answers.append(head + b"\r\n\r\n" + body)
    return answers


def token(role: str = "admin") -> str:
    return TokenCodec(TEST_SECRET).issue(f"limits.{role}", role, timedelta(hours=1))


def test_a_protocol_level_400_is_problem_json(server: Server) -> None:
    [answer] = exchange(server.port, b"NOT HTTP AT ALL\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/problem+json" in head.lower()
    assert orjson.loads(body)["type"] == "urn:arrears:problem:malformed-request"


def test_a_head_over_the_header_limit_is_a_431_problem(server: Server) -> None:
    raw = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + b"c" * 20_000 + b"\r\n\r\n"
    [answer] = exchange(server.port, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 ")
    assert orjson.loads(body)["detail"] == "the request line and headers are limited to 16384 bytes together"


def test_after_a_csv_field_over_131072_characters_the_connection_stays_usable(server: Server) -> None:
    csv = ("name,credit_code,industry\nBig Co.," + "9" * 140_000 + ",manufacturing\n").encode()
    post = (
        f"POST /v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token()}\r\n"
        f"Content-Type: text/csv\r\nContent-Length: {len(csv)}\r\n\r\n"
    ).encode() + csv
    get = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    refused, healthy = exchange(server.port, post, get)
    assert refused.startswith(b"HTTP/1.1 422 "), refused[:200]
    assert b"import-rejected" in refused
    assert healthy.startswith(b"HTTP/1.1 200 ")


def test_serve_alone_keeps_every_view_current(server: Server) -> None:
    headers = {"Authorization": f"Bearer {token()}"}
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
        enterprise = client.post(
            "/v1/enterprises",
            json={
                "credit_code": credit_code(77),
                "name": "Follow Co.",
                "registered_capital": "1000000.00",
                "industry": "logistics",
                "region": "Shanghai",
                "established_on": "2015-03-01",
            },
        )
        assert enterprise.status_code == 201, enterprise.text
        deadline = time.monotonic() + 30
        while True:  # no read of a view meanwhile (a read would catch its view up itself)
            checks = client.get("/readyz").json()["checks"]
            if checks["projections"] == "lag 0 events":
                break
            assert time.monotonic() < deadline, f"the views never caught up: {checks}"
            time.sleep(0.2)


def test_a_body_slower_than_the_body_timeout_is_dropped_and_writes_nothing(impatient_server: Server) -> None:
    headers = {"Authorization": f"Bearer {token()}"}
    with httpx.Client(base_url=impatient_server.base, headers=headers, timeout=30) as client:
        enterprise = client.post(
            "/v1/enterprises",
            json={
                "credit_code": credit_code(78),
                "name": "Slow Co.",
                "registered_capital": "1000000.00",
                "industry": "logistics",
                "region": "Shanghai",
                "established_on": "2015-03-01",
            },
        )
        assert enterprise.status_code == 201, enterprise.text
        before = client.get("/readyz").json()["checks"]["event_store"]
    body = b'{"credit_code": "' + credit_code(79).encode() + b'", "name": "Never Co.", "registered_capital": "1.00", '
    head = (
        f"POST /v1/enterprises HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token()}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body) + 100}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", impatient_server.port), timeout=30) as conn:
        conn.sendall(head + body)  # and never the rest
        assert conn.recv(65536) == b""  # closed by the server, unanswered
    with httpx.Client(base_url=impatient_server.base, timeout=30) as client:
        assert client.get("/readyz").json()["checks"]["event_store"] == before
