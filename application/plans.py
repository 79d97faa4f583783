"""CollectionsApp's plan builder: a repayment plan of a kind, from its parameters, via domain/repayment.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from application.core import AppPart
from domain.base import Actor
from domain.case.values import Installment, PlanKind
from domain.money import Money
from domain.repayment import build_schedule, plan_parameters


@dataclass(frozen=True)
class PlanProposal:
    """The proposed plan's id and its dated schedule."""

    plan_id: str
    schedule: list[Installment]
    version: int


class PlanCommands(AppPart):
    """Mixed into CollectionsApp: build a plan's schedule from its kind and propose it."""

    def preview_plan(
        self, kind: PlanKind, amount: Money, start_on: date, parameters: dict[str, Any]
    ) -> list[Installment]:
        """The schedule a plan of ``kind`` would have (nothing is recorded)."""
        return build_schedule(kind, amount, start_on, parameters)

    def propose_plan_of_kind(
        self,
        case_id: UUID,
        *,
        kind: PlanKind,
        amount: Money,
        start_on: date,
        parameters: dict[str, Any],
        actor: Actor,
        plan_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> PlanProposal:
        """Build the schedule of a plan of ``kind`` (see domain/repayment.py) and propose it."""
        app = self._app
        schedule = build_schedule(kind, amount, start_on, parameters)
        recorded = plan_parameters(kind, parameters) | {"start_on": start_on.isoformat()}
        plan_id = app.propose_plan(
            case_id,
            kind=kind,
            amount=amount,
            schedule=schedule,
            actor=actor,
            parameters=recorded,
            plan_id=plan_id,
            expected_version=expected_version,
            occurred_at=occurred_at,
        )
        return PlanProposal(plan_id=plan_id, schedule=schedule, version=app.get_case(case_id).version)
