"""Schemathesis, stateful: scenarios that follow the OpenAPI links from what a response created (an enterprise, a
case, a task, a plan) to the operations that take its id, over the whole API, on SQLite and PostgreSQL.

Every response must be below 500 and match the schema (status code, content type, body).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from api.main import create_app
from tests.e2e.test_schemathesis import CHECKS, running  # noqa: F401  (the fixture)
from tests.factories import credit_code

#: scenarios per store (raise it for a deeper local run: ARREARS_SCHEMATHESIS_SCENARIOS=200)
SCENARIOS = int(os.environ.get("ARREARS_SCHEMATHESIS_SCENARIOS", "40"))
schema = schemathesis.openapi.from_dict(create_app().openapi())


ENTERPRISE = {
    "name": "Stateful Co., Ltd.",
    "registered_capital": "50000000.00",
    "industry": "manufacturing",
    "region": "Jiangsu",
    "established_on": "2010-05-01",
    "contacts": [{"name": "Li Na", "role": "CFO", "phone": "+86 138 0013 8000"}],
}
CASE = {
    "principal": "10000000.00",
    "outstanding": "6000000.00",
    "overdue_amount": "1200000.00",
    "overdue_since": "2026-09-15",
}


def test_the_document_links_created_ids_to_the_operations_that_take_them() -> None:
    document = create_app().openapi()
    links = {
        f"{method.upper()} {path}": sorted(operation["responses"]["201"].get("links", {}))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "201" in operation.get("responses", {})
    }
    assert "open_case_v1_cases_post" in links["POST /v1/enterprises"]
    assert len(links["POST /v1/cases"]) >= 15  # every operation on a case
    assert links["POST /v1/cases/{case_id}/tasks"] == [
        "complete_task_v1_cases__case_id__tasks__task_id__completion_post"
    ]


def test_stateful_scenarios_over_the_whole_api(running: dict[str, Any]) -> None:  # noqa: F811
    steps: list[tuple[str, int]] = []
    made = iter(range(100, 100_000))

    class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            """Creations that start a scenario get a valid body (a fresh credit code or loan, real dates), so there
            is something to follow the links to; every other call is generated as it is."""
            case.headers = {**(case.headers or {}), "Authorization": running["headers"]["Authorization"]}
            n = next(made)
            if case.method == "POST" and case.path == "/v1/enterprises":
                case.body = {**ENTERPRISE, "credit_code": credit_code(n)}
            elif case.method == "POST" and case.path == "/v1/cases" and isinstance(case.body, dict):
                case.body = {**CASE, "loan_id": f"LN-S{n:06d}", "enterprise_id": case.body.get("enterprise_id")}
            else:
                return
            case.headers.pop("Idempotency-Key", None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": running["headers"], "app": running["app"]}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            steps.append((f"{case.method} {case.path}", response.status_code))
            case.validate_response(response, checks=CHECKS)

    Scenarios.run(
        settings=settings(
            max_examples=SCENARIOS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            stateful_step_count=8,
        )
    )
    linked = [step for step in steps if "{" in step[0] and step[1] < 400]
    reached = sorted({step[0] for step in linked})
    print(
        f"\nstateful schemathesis: {SCENARIOS} scenarios, {len(steps)} calls, {len(linked)} answered below 400 on ids "
        f"an earlier call created, {len(reached)} operations reached that way"
    )
    assert linked, "no scenario reached an operation through a link"
