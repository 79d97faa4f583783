"""Schemathesis over the OpenAPI schema: every operation, with a valid admin token, on SQLite and PostgreSQL.

No response may be a 5xx, and every response must match the schema (status code, content type, body).
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api.main import create_app
from api.services import build_services
from infrastructure.clock import SystemClock
from tests.conftest import settings_for
from tests.e2e.conftest import TEST_SECRET, open_case, register

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx: Any, value: Any) -> bytes:
    """JSON Lines bodies are text: send the generated string as it is."""
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode("utf-8")


#: examples per operation (raise it for a deeper local run: ARREARS_SCHEMATHESIS_EXAMPLES=200)
EXAMPLES = int(os.environ.get("ARREARS_SCHEMATHESIS_EXAMPLES", "25"))
schema = schemathesis.openapi.from_dict(create_app().openapi())  # the document only; calls go to `running`


@pytest.fixture(params=["sqlite", "postgres"])
def running(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The API over a fresh store, with one registered enterprise and one open case to aim at."""
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    services = build_services(settings_for(request.param, tmp, request, secret_key=TEST_SECRET), SystemClock())
    app = create_app(services=services)
    try:
        with TestClient(app) as client:
            token = services.tokens.issue("fuzz", "admin", timedelta(hours=2))
            headers = {"Authorization": f"Bearer {token}"}
            case_id = open_case(client, headers, n=1)
            enterprise_id = register(client, headers, n=2)
        yield {"app": app, "headers": headers, "case_id": case_id, "enterprise_id": enterprise_id, "services": services}
    finally:
        services.close()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, running):
    params = case.path_parameters or {}
    if isinstance(params.get("case_id"), str) and not params["case_id"].startswith("0"):
        params["case_id"] = running["case_id"]  # most examples aim at a real case, some at unknown ids
    if isinstance(params.get("enterprise_id"), str) and not params["enterprise_id"].startswith("0"):
        params["enterprise_id"] = running["enterprise_id"]
    case.call_and_validate(headers=running["headers"], checks=CHECKS, app=running["app"])
