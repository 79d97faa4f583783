"""HTTP fixtures: the API built by create_app() over the store under test, and tokens per role."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api.main import create_app
from domain.base import Role
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.conftest import settings_for
from tests.factories import credit_code

TEST_SECRET = "test-secret-key-that-is-at-least-32-bytes-long"
Headers = dict[str, str]


@pytest.fixture
def settings(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for the store under test, with a known signing key."""
    return settings_for(store, tmp_path, request, secret_key=TEST_SECRET)


@pytest.fixture
def client(settings: Settings, clock: ManualClock) -> Iterator[TestClient]:
    """The API over HTTP (in-process); the lifespan bootstraps once."""
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


@pytest.fixture
def as_role(client: TestClient) -> Callable[..., Headers]:
    """Authorization headers for a user in a role."""

    def headers(role: str | Role, user: str | None = None, **extra: str) -> Headers:
        role = Role(role)
        token = client.app.state.services.tokens.issue(user or f"{role.value}.user", role, timedelta(hours=1))  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


def register(client: TestClient, headers: Headers, n: int = 1) -> str:
    """Register enterprise n over HTTP; its id."""
    response = client.post(
        "/v1/enterprises",
        json={
            "credit_code": credit_code(n),
            "name": f"Enterprise {n} Co., Ltd.",
            "registered_capital": "50000000.00",
            "industry": "manufacturing",
            "region": "Jiangsu",
            "established_on": "2010-05-01",
            "contacts": [{"name": "Li Na", "role": "CFO", "phone": "+86 138 0013 8000"}],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["enterprise_id"])


def open_case(client: TestClient, headers: Headers, n: int = 1, **changes: Any) -> str:
    """Register enterprise n and open a case on loan LN-n over HTTP; the case id."""
    enterprise_id = register(client, headers, n)
    body = {
        "loan_id": f"LN-{n:06d}",
        "enterprise_id": enterprise_id,
        "principal": "10000000.00",
        "outstanding": "6000000.00",
        "overdue_amount": "1200000.00",
        "overdue_since": "2026-09-15",
        **changes,
    }
    response = client.post("/v1/cases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


CALL = {"channel": "phone", "party": "Li Na", "outcome": "connected", "summary": "asked about the overdue amount"}
