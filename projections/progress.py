"""Case progress: one row per case (status, tier, money, last contact, next action due, contacts by channel)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson
from pydantic import TypeAdapter

from domain.case.events import (
    CaseClosed,
    CaseEvent,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CollectorAssigned,
    ContactEvent,
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    DelinquencyClassified,
    DisputeRaised,
    DisputeResolved,
    Escalated,
    LimitationPeriodSet,
    PaymentReceived,
    RiskAssessed,
    StrategyAssigned,
    TaskAssigned,
    TaskCompleted,
)
from domain.case.ledger_events import LoanScheduleRecorded
from domain.case.ledger_fold import day_of, entry_of
from domain.case.values import MET_BY
from domain.loan_ledger import LoanDue, LoanTerms, Position, TaggedEntry, legacy_dues, position
from domain.rules import local_date
from infrastructure.view_store import PATTERN_OPS, Row, ViewTx
from projections.base import Envelope, View, utc_text
from projections.next_action import next_act
from projections.search_keys import search_key

#: reads a stored ledger entry back
ENTRY: TypeAdapter[Any] = TypeAdapter(TaggedEntry)

COLUMNS = (
    "case_id",
    "enterprise_id",
    "loan_id",
    "version",
    "status",
    "resolution",
    "tier",
    "score",
    "collector",
    "currency",
    "principal_fen",
    "outstanding_fen",
    "overdue_fen",
    "paid_fen",
    "opened_at",
    "last_contact_at",
    "next_action_due",
    "departments",
    "contacts",
    "pending",
    "updated_at",
    "facts",
    "loan_key",
    "next_act_due",
)


class CaseProgressView(View):
    """Where each case stands now; also serves case lists and collector worklists."""

    name = "progress"
    weight = 8
    #: 2: ``facts`` (overdue since, days past due, classification, limitation end, policy version, dispute,
    #: the open deadlines with what meets each); 3: money from the loan's schedule (dues, payments, penalty
    #: interest in ``facts``), the classification's rules and reason; 4: ``loan_key`` (the loan id as a search key,
    #: prefix-indexed) and ``next_act_due`` (when the next person's act is due: projections/next_action.py), the
    #: open tasks' titles in ``facts``; 5: the one position function (daily penalty, costs, acceleration, agreements'
    #: schedules; the contract's terms in ``facts``)
    version = 5
    tables = ("case_progress",)

    def schema(self) -> list[str]:
        """One row per case, indexed for the list filters."""
        return [
            "CREATE TABLE IF NOT EXISTS case_progress ("
            "case_id TEXT PRIMARY KEY, enterprise_id TEXT NOT NULL, loan_id TEXT NOT NULL, version BIGINT NOT NULL, "
            "status TEXT NOT NULL, resolution TEXT, tier TEXT, score INTEGER, collector TEXT, currency TEXT NOT NULL, "
            "principal_fen BIGINT NOT NULL, outstanding_fen BIGINT NOT NULL, overdue_fen BIGINT NOT NULL, "
            "paid_fen BIGINT NOT NULL, opened_at TEXT NOT NULL, last_contact_at TEXT, next_action_due TEXT, "
            "departments TEXT NOT NULL, contacts TEXT NOT NULL, pending TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "facts TEXT NOT NULL, loan_key TEXT NOT NULL, next_act_due TEXT)",
            "CREATE INDEX IF NOT EXISTS case_progress_collector ON case_progress (collector, next_action_due)",
            "CREATE INDEX IF NOT EXISTS case_progress_status ON case_progress (status, tier, case_id)",
            f"CREATE INDEX IF NOT EXISTS case_progress_loan ON case_progress (loan_key {PATTERN_OPS})",
            "CREATE INDEX IF NOT EXISTS case_progress_enterprise ON case_progress (enterprise_id)",
            "CREATE INDEX IF NOT EXISTS case_progress_worklist ON case_progress (collector, status, next_act_due)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Load the touched cases, evolve them, write them back."""
        ids = {e.key for e in batch if not _is_other(e)}
        if not ids:
            return
        rows: dict[str, dict[str, Any]] = {}
        for row in tx.select_in("case_progress", "case_id", sorted(ids)):
            rows[row["case_id"]] = _loaded(row)
        changed: set[str] = set()
        for envelope in batch:
            if _is_other(envelope):
                continue
            key = envelope.key
            event = envelope.typed()
            if isinstance(event, CaseOpened):
                rows[key] = _opened(event)
            found = rows.get(key)
            if found is None:
                continue  # an unknown kind of aggregate
            row = found
            if event is not None:
                evolve(row, event)
            row["version"] = envelope.version
            row["updated_at"] = envelope.recorded_at or row["updated_at"]
            changed.add(key)
        tx.upsert("case_progress", ("case_id",), COLUMNS, [_stored(rows[k]) for k in sorted(changed)])


def _is_other(envelope: Envelope) -> bool:
    """Events of other aggregates (enterprises...) that progress ignores."""
    return envelope.event is not None and not isinstance(envelope.event, CaseOpened | CaseEvent)


def _opened(event: CaseOpened) -> dict[str, Any]:
    row = _first_row(event)
    now = position_of(row["facts"], local_date(event.occurred_at, event.timezone))
    row["outstanding_fen"], row["overdue_fen"] = now.outstanding_fen, now.overdue_fen
    return row


def _first_row(event: CaseOpened) -> dict[str, Any]:
    return {
        "case_id": str(event.originator_id),
        "enterprise_id": str(event.enterprise_id),
        "loan_id": event.loan_id,
        "loan_key": search_key(event.loan_id),
        "next_act_due": None,
        "version": event.originator_version,
        "status": "open",
        "resolution": None,
        "tier": None,
        "score": None,
        "collector": None,
        "currency": event.currency,
        "principal_fen": event.principal.fen,
        "outstanding_fen": 0,
        "overdue_fen": event.overdue_amount.fen,
        "paid_fen": 0,
        "opened_at": utc_text(event.occurred_at),
        "last_contact_at": None,
        "next_action_due": None,
        "departments": "",
        "contacts": {},
        "pending": {},
        "updated_at": utc_text(event.timestamp),
        "facts": {
            "overdue_since": event.overdue_since.isoformat(),
            "disputed": False,
            "deadlines": {},
            "timezone": event.timezone,
            "dues": [
                d.model_dump(mode="json")
                for d in event.dues or legacy_dues(event.overdue_amount.fen, event.overdue_since, event.outstanding.fen)
            ],
            "entries": [],
            "terms": event.terms.model_dump(mode="json") if event.terms is not None else None,
        },
    }


def _ledger(row: dict[str, Any], event: Any) -> bool:
    """The loan's schedule and the acts on its ledger (domain/case/ledger_fold.py): the money figures follow from
    them by the one position function, as of the event's business day, as the case computes them; True when the
    event was a payment."""
    facts = row["facts"]
    if "dues" not in facts:  # a row built before schedules (rebuilt on start: the view's version moved)
        return False
    entry = entry_of(event, facts["timezone"])
    if isinstance(event, LoanScheduleRecorded):
        facts["dues"] = [d.model_dump(mode="json") for d in event.dues]
        facts["terms"] = event.terms.model_dump(mode="json") if event.terms is not None else None
    elif entry is not None:
        facts["entries"].append(entry.model_dump(mode="json"))
    elif not isinstance(event, DelinquencyClassified):
        return False
    if isinstance(event, PaymentReceived):
        row["paid_fen"] += event.amount.fen
    day = event.as_of if isinstance(event, DelinquencyClassified) else day_of(event, facts["timezone"])
    now = position_of(facts, day)
    row["outstanding_fen"] = now.outstanding_fen
    row["overdue_fen"] = now.overdue_fen
    if now.overdue_since is not None:
        facts["overdue_since"] = now.overdue_since.isoformat()
    facts["penalty_fen"] = now.penalty_fen
    return isinstance(event, PaymentReceived)


def position_of(facts: dict[str, Any], day: date) -> Position:
    """The loan's position as of a day from a progress row's facts (the one function: domain/loan_ledger.py)."""
    dues = [LoanDue.model_validate(d) for d in facts["dues"]]
    entries = [ENTRY.validate_python(e) for e in facts["entries"]]
    terms = LoanTerms.model_validate(facts["terms"]) if facts.get("terms") else None
    return position(dues, entries, day, terms)


def evolve_facts(facts: dict[str, Any], event: Any) -> None:
    """The facts a case's page shows besides its money and contacts."""
    deadlines: dict[str, Any] = facts.setdefault("deadlines", {})
    if isinstance(event, DelinquencyClassified):
        facts["days_past_due"] = event.days_past_due
        facts["classification"] = {
            "bucket": event.bucket,
            "category": event.category,
            "as_of": str(event.as_of),
            "rule_ids": list(event.rule_ids),
            "reason": event.reason,
        }
    elif isinstance(event, LimitationPeriodSet):
        facts["limitation_ends_on"] = event.ends_on.isoformat()
    elif isinstance(event, StrategyAssigned):
        facts["policy_version"] = event.policy_version
    elif isinstance(event, DisputeRaised | DisputeResolved):
        facts["disputed"] = isinstance(event, DisputeRaised)
    elif isinstance(event, DeadlineSet):
        deadlines[event.deadline_id] = {
            "kind": event.kind,
            "due_at": utc_text(event.due_at),
            "action": event.action,
            "met_by": event.met_by or list(MET_BY.get(event.kind, ())),
        }
    elif isinstance(event, DeadlineMet | DeadlineCancelled | DeadlineExpired):
        deadlines.pop(event.deadline_id, None)
    elif isinstance(event, TaskAssigned):
        facts.setdefault("tasks", {})[event.task_id] = event.title
    elif isinstance(event, TaskCompleted):
        facts.setdefault("tasks", {}).pop(event.task_id, None)


def evolve(row: dict[str, Any], event: Any) -> None:
    """Apply one case event to a progress row."""
    evolve_facts(row["facts"], event)
    pending: dict[str, list[Any]] = row["pending"]
    if isinstance(event, ContactEvent):
        channel = str(event.channel)
        row["contacts"][channel] = row["contacts"].get(channel, 0) + 1
        at = utc_text(event.occurred_at)
        if row["last_contact_at"] is None or (at is not None and at > row["last_contact_at"]):
            row["last_contact_at"] = at
        return
    if _ledger(row, event):
        return
    if isinstance(event, CollectorAssigned):
        row["collector"] = event.collector
    elif isinstance(event, CaseResolved):
        row["status"], row["resolution"] = "resolved", str(event.resolution)
    elif isinstance(event, CaseReopened):
        row["status"], row["resolution"] = "open", None
    elif isinstance(event, CaseClosed):
        row["status"] = "closed"
    elif isinstance(event, RiskAssessed):
        row["score"] = event.score
        row["tier"] = row["tier"] or str(event.tier)
    elif isinstance(event, StrategyAssigned):
        row["tier"] = str(event.tier)
    elif isinstance(event, Escalated):
        row["tier"] = str(event.to_tier)
    elif isinstance(event, DeadlineSet):
        pending[f"d:{event.deadline_id}"] = [utc_text(event.due_at), None]
        _pending_changed(row)
    elif isinstance(event, DeadlineMet | DeadlineCancelled | DeadlineExpired):
        pending.pop(f"d:{event.deadline_id}", None)
        _pending_changed(row)
    elif isinstance(event, TaskAssigned):
        pending[f"t:{event.task_id}"] = [utc_text(event.due_at), str(event.department)]
        _pending_changed(row)
    elif isinstance(event, TaskCompleted):
        pending.pop(f"t:{event.task_id}", None)
        _pending_changed(row)


def _pending_changed(row: dict[str, Any]) -> None:
    """What is due next, and which departments have open work."""
    pending: dict[str, list[Any]] = row["pending"]
    dues = [due for due, _ in pending.values() if due is not None]
    row["next_action_due"] = min(dues, default=None)
    act = next_act(row["facts"], pending)
    row["next_act_due"] = act["due_at"] if act else None
    row["departments"] = "".join(sorted({f",{dept}," for _, dept in pending.values() if dept}))


def _loaded(row: Row) -> dict[str, Any]:
    loaded = dict(row)
    loaded["contacts"] = orjson.loads(row["contacts"])
    loaded["pending"] = orjson.loads(row["pending"])
    loaded["facts"] = orjson.loads(row["facts"])
    return loaded


def _stored(row: dict[str, Any]) -> tuple[Any, ...]:
    values = dict(row)
    values["contacts"] = orjson.dumps(row["contacts"], option=orjson.OPT_SORT_KEYS).decode()
    values["pending"] = orjson.dumps(row["pending"], option=orjson.OPT_SORT_KEYS).decode()
    values["facts"] = orjson.dumps(row["facts"], option=orjson.OPT_SORT_KEYS).decode()
    return tuple(values[c] for c in COLUMNS)
