"""Compliance: the contacts each case's strategy required (the cadence of the policy version its strategy
assignment names) vs the contacts made (on time, late, missing), every supervisor override (of a contact or a
planned visit) and every breach (a contact recorded although it broke a rule, or a service breach: the bank's own
deadline passed), each with the events (case id, version) that prove it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.case.events import (
    CaseClosed,
    CaseEvent,
    CaseOpened,
    CaseResolved,
    ContactEvent,
    StrategyAssigned,
    VisitScheduled,
)
from domain.case.judgement_events import ServiceBreachRecorded
from domain.strategy import PolicyPublished, PolicyTerms
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View, utc_text
from projections.cadence import Cadences
from projections.state import load_states, save_states, state_table_ddl

REQUIREMENT_COLUMNS = (
    "case_id",
    "seq",
    "tier",
    "kind",
    "due_at",
    "status",
    "required_by",
    "met_at",
    "met_by",
    "policy_version",
)
OVERRIDE_COLUMNS = ("case_id", "version", "type", "rules", "reason", "actor_user", "actor_role", "occurred_at")
BREACH_COLUMNS = ("case_id", "version", "type", "rules", "actor_user", "actor_role", "occurred_at")


class ComplianceView(View):
    """Requirements (one row per required contact), overrides (one row per overridden contact) and breaches
    (one row per contact recorded with broken rules)."""

    name = "compliance"
    weight = 3
    tables = (
        "compliance_state",
        "compliance_requirements",
        "compliance_overrides",
        "compliance_breaches",
        "compliance_policies",
    )
    # 2: an override's actor as two columns (user, role) instead of one text; 3: breaches; 4: the cadence of the
    # governing policy version (compliance_policies), overrides of planned visits; 5: service breaches (the bank's
    # own visit, letter or recontact not done in time: ``ServiceBreachRecorded``, rules ``service:<kind>``)
    version = 5

    def schema(self) -> list[str]:
        """Working state per case, the requirements and the overrides."""
        return [
            state_table_ddl("compliance_state"),
            "CREATE TABLE IF NOT EXISTS compliance_requirements (case_id TEXT NOT NULL, seq INTEGER NOT NULL, "
            "tier TEXT NOT NULL, kind TEXT NOT NULL, due_at TEXT NOT NULL, status TEXT NOT NULL, "
            "required_by BIGINT NOT NULL, met_at TEXT, met_by BIGINT, policy_version INTEGER, "
            "PRIMARY KEY (case_id, seq))",
            "CREATE INDEX IF NOT EXISTS compliance_requirements_status ON compliance_requirements (status, due_at)",
            "CREATE TABLE IF NOT EXISTS compliance_overrides (case_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "type TEXT NOT NULL, rules TEXT NOT NULL, reason TEXT NOT NULL, actor_user TEXT NOT NULL, "
            "actor_role TEXT NOT NULL, occurred_at TEXT, "
            "PRIMARY KEY (case_id, version))",
            "CREATE TABLE IF NOT EXISTS compliance_breaches (case_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "type TEXT NOT NULL, rules TEXT NOT NULL, actor_user TEXT NOT NULL, actor_role TEXT NOT NULL, "
            "occurred_at TEXT, PRIMARY KEY (case_id, version))",
            "CREATE TABLE IF NOT EXISTS compliance_policies (version INTEGER PRIMARY KEY, terms TEXT NOT NULL)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Open, satisfy and close requirements; record overrides."""
        relevant = [e for e in batch if isinstance(e.typed(), CaseEvent | CaseOpened | PolicyPublished)]
        keys = {e.key for e in relevant if not isinstance(e.event, PolicyPublished)}
        cadences = Cadences()
        for row in tx.query("SELECT version, terms FROM compliance_policies"):
            cadences.publish(int(row["version"]), PolicyTerms.model_validate_json(row["terms"]))
        published: list[tuple[Any, ...]] = []
        states = load_states(tx, "compliance_state", keys)
        requirements: dict[tuple[str, int], dict[str, Any]] = {}
        overrides: list[tuple[Any, ...]] = []
        breaches: list[tuple[Any, ...]] = []
        for envelope in relevant:
            event = envelope.event
            if isinstance(event, PolicyPublished):
                cadences.publish(event.version, event.terms)
                published.append((event.version, event.terms.model_dump_json()))
                continue
            judge(states, envelope.key, envelope.version, event, requirements, overrides, breaches, cadences)
        tx.upsert("compliance_policies", ("version",), ("version", "terms"), published)
        save_states(tx, "compliance_state", states, keys & set(states))
        rows = [tuple(r[c] for c in REQUIREMENT_COLUMNS) for _, r in sorted(requirements.items())]
        tx.upsert("compliance_requirements", ("case_id", "seq"), REQUIREMENT_COLUMNS, rows)
        tx.upsert("compliance_overrides", ("case_id", "version"), OVERRIDE_COLUMNS, overrides)
        tx.upsert("compliance_breaches", ("case_id", "version"), BREACH_COLUMNS, breaches)


def judge(
    states: dict[str, dict[str, Any]],
    case_id: str,
    version: int,
    event: Any,
    requirements: dict[tuple[str, int], dict[str, Any]],
    overrides: list[tuple[Any, ...]],
    breaches: list[tuple[Any, ...]] | None = None,
    cadences: Cadences | None = None,
) -> None:
    """What one case event does to the case's required contacts, under the cadence of the policy version the
    case's strategy assignment names (shared with the evidence pack)."""
    book = cadences if cadences is not None else Cadences()
    if isinstance(event, CaseOpened):
        states[case_id] = {"seq": 0, "open": None}
        return
    state = states.get(case_id)
    if state is None:
        return
    if isinstance(event, ContactEvent | VisitScheduled) and event.override_reason:
        overrides.append(
            (
                case_id,
                version,
                type(event).__name__,
                ",".join(event.overridden_rules),
                event.override_reason,
                event.actor.user_id,
                str(event.actor.role),
                utc_text(event.occurred_at),
            )
        )
    if isinstance(event, ServiceBreachRecorded) and breaches is not None:  # the bank's own work left undone
        rules = f"service:{event.kind}"
        breaches.append(
            (
                case_id,
                version,
                "ServiceBreachRecorded",
                rules,
                event.responsible,
                "department",
                utc_text(event.occurred_at),
            )
        )
    if isinstance(event, ContactEvent) and event.breached_rules and breaches is not None:
        breaches.append(
            (
                case_id,
                version,
                type(event).__name__,
                ",".join(event.breached_rules),
                event.actor.user_id,
                str(event.actor.role),
                utc_text(event.occurred_at),
            )
        )
    current = state["open"]
    at = utc_text(event.occurred_at) or ""

    def close(status: str, **extra: Any) -> None:
        current.update(status=status, **extra)
        requirements[(case_id, current["seq"])] = dict(current)
        state["open"] = None

    def require(tier: str, policy_version: int | None, since: datetime, required_by: int) -> None:
        rule = book.required(tier, policy_version)
        if rule is None:  # the tier's treatment under this version requires no contact
            return
        state["seq"] += 1
        state["open"] = {
            "case_id": case_id,
            "seq": state["seq"],
            "tier": tier,
            "kind": rule.kind,
            "due_at": utc_text(since + rule.within),
            "status": "open",
            "required_by": required_by,
            "met_at": None,
            "met_by": None,
            "policy_version": policy_version,
        }
        requirements[(case_id, state["seq"])] = dict(state["open"])

    if isinstance(event, StrategyAssigned):
        if current is not None:
            close("missed" if current["due_at"] < at else "superseded")
        require(str(event.tier), event.policy_version, event.occurred_at, version)
    elif isinstance(event, ContactEvent) and current is not None:
        rule = book.required(current["tier"], current["policy_version"])
        if rule is not None and rule.satisfied_by(event):
            tier, policy_version = current["tier"], current["policy_version"]
            close("met" if at <= current["due_at"] else "late", met_at=at, met_by=version)
            if rule.recurring:
                require(tier, policy_version, event.occurred_at, version)
    elif isinstance(event, CaseResolved | CaseClosed) and current is not None:
        close("missed" if current["due_at"] < at else "cancelled")
