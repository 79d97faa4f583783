"""The read side: typed answers (``projections/models.py``, ``projections/reports.py``) served from the views, which the
HTTP API returns as they are.

Each query first brings the views it reads (and only those) up to the log's head, so a client reads its own writes
whether or not a worker follows the log, then reads them in one read transaction.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.case.events import CaseOpened
from domain.errors import NotFoundError
from infrastructure.view_store import Row, ViewStore, ViewTx
from projections.audit_verify import verify_chains
from projections.base import fen_text, utc_text
from projections.models import (
    ActorOut,
    AuditHead,
    AuditItem,
    AuditTrail,
    AuditVerification,
    CaseDeadline,
    CaseList,
    CaseProgress,
    OpenDeadline,
    Queue,
    QueueItem,
    Timeline,
    TimelineItem,
    Worklist,
    WorklistItem,
)
from projections.reports import (
    ChannelReport,
    ComplianceReport,
    PortfolioReport,
    channel_report,
    compliance_report,
    portfolio_report,
)
from projections.runtime import ProjectionRuntime
from projections.sealed_text import SealedText, store_cipher
from projections.tlog_verify import check_case, check_tree, merged_findings
from projections.transparency import TransparencyLog

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: the type of the event that opens a case: its first event in the timeline and audit views
CASE_OPENED = CaseOpened.__name__


class CursorError(ValueError):
    """A paging cursor that this server did not hand out."""


def encode_cursor(*parts: Any) -> str:
    """An opaque paging cursor."""
    return base64.urlsafe_b64encode(orjson.dumps(list(parts))).decode()


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The ``length`` parts of a cursor made by encode_cursor (CursorError when it is not one)."""
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        parts = None
    if not isinstance(parts, list) or len(parts) != length:
        raise CursorError("cursor is not one this server handed out")
    return parts


def _limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def progress_item(row: Row) -> CaseProgress:
    """A case_progress row as the API's case (DESIGN.md §6 names)."""
    pending = orjson.loads(row["pending"])
    facts = orjson.loads(row["facts"])
    deadlines = sorted(
        (CaseDeadline(deadline_id=key, **value) for key, value in facts.get("deadlines", {}).items()),
        key=lambda d: (d.due_at or "", d.deadline_id),
    )
    return CaseProgress(
        case_id=row["case_id"],
        version=int(row["version"]),
        status=row["status"],
        resolution=row["resolution"],
        tier=row["tier"],
        score=row["score"],
        enterprise_id=row["enterprise_id"],
        loan_id=row["loan_id"],
        collector=row["collector"],
        currency=row["currency"],
        principal=fen_text(row["principal_fen"]),
        outstanding=fen_text(row["outstanding_fen"]) or "",
        overdue_amount=fen_text(row["overdue_fen"]),
        paid=fen_text(row["paid_fen"]) or "",
        opened_at=row["opened_at"],
        last_contact_at=row["last_contact_at"],
        next_action_due=row["next_action_due"],
        contact_counts=orjson.loads(row["contacts"]),
        open_deadlines=sum(1 for k in pending if k.startswith("d:")),
        open_tasks=sum(1 for k in pending if k.startswith("t:")),
        overdue_since=facts.get("overdue_since"),
        disputed=facts.get("disputed"),
        days_past_due=facts.get("days_past_due"),
        classification=facts.get("classification"),
        limitation_ends_on=facts.get("limitation_ends_on"),
        policy_version=facts.get("policy_version"),
        deadlines=deadlines,
    )


class ReadModel:
    """Synchronous queries over the views (one short read transaction each, after catching up what it reads)."""

    def __init__(
        self,
        store: ViewStore,
        runtime: ProjectionRuntime,
        events: Any,
        audit_key: bytes | None,
        clock: Any,
        tlog: TransparencyLog | None = None,
    ) -> None:
        self.store = store
        #: the transparency log whose witnessed tree ``verify`` compares the events table with
        self.tlog = tlog
        self.runtime = runtime
        self.events = events
        self.audit_key = audit_key
        self.clock = clock
        self.text = SealedText(store_cipher(events))

    @contextmanager
    def _reading(self, *views: str) -> Iterator[ViewTx]:
        """A read transaction over these views, once they hold everything recorded so far."""
        self.runtime.refresh(views)
        with self.store.reading() as tx:
            yield tx

    @staticmethod
    def _check_case(tx: ViewTx, table: str, case_id: UUID) -> None:
        """NotFoundError unless the view's first event of this aggregate opened a case."""
        rows = tx.query(f"SELECT type FROM {table} WHERE originator_id = ? AND version = 1", [str(case_id)])
        if not rows or rows[0]["type"] != CASE_OPENED:
            raise NotFoundError(f"no case {case_id}")

    # --- cases ---------------------------------------------------------------------------------

    def case_progress(self, case_id: UUID) -> CaseProgress:
        """Where a case stands now (NotFoundError for an unknown case)."""
        with self._reading("progress") as tx:
            rows = tx.query("SELECT * FROM case_progress WHERE case_id = ?", [str(case_id)])
        if not rows:
            raise NotFoundError(f"no case {case_id}")
        return progress_item(rows[0])

    def list_cases(
        self,
        tier: str | None = None,
        status: str | None = None,
        collector: str | None = None,
        department: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> CaseList:
        """Cases by filters, paged by case id (CursorError for a cursor this server did not hand out)."""
        clauses, params = [], []
        for column, value in (("tier", tier), ("status", status), ("collector", collector)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if department is not None:
            clauses.append("departments LIKE ?")
            params.append(f"%,{department},%")
        if cursor:
            clauses.append("case_id > ?")
            params.append(str(decode_cursor(cursor, 1)[0]))
        size = _limit(limit)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading("progress") as tx:
            rows = tx.query(f"SELECT * FROM case_progress {where} ORDER BY case_id LIMIT ?", [*params, size + 1])
        items = [progress_item(r) for r in rows[:size]]
        return CaseList(items=items, next_cursor=encode_cursor(items[-1].case_id) if len(rows) > size else None)

    def timeline(
        self,
        case_id: UUID,
        cursor: str | None = None,
        limit: int | None = None,
        case_only: bool = True,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
    ) -> Timeline:
        """Every event of a case in business-time (occurred_at) order, paged: NotFoundError unless ``case_id`` is a
        case's id (``case_only=False``: any aggregate's events, e.g. an enterprise's; none for an unknown id).
        ``as_of`` keeps the events that had happened by then, ``known_at`` those recorded by then."""
        size = _limit(limit)
        params: list[Any] = [str(case_id)]
        after = ""
        if as_of is not None:
            after += " AND occurred_at <= ?"
            params.append(utc_text(as_of))
        if known_at is not None:
            after += " AND recorded_at <= ?"
            params.append(utc_text(known_at))
        if cursor:
            occurred, version = decode_cursor(cursor, 2)
            if not isinstance(occurred, str) or not isinstance(version, int):
                raise CursorError("cursor is not one this server handed out")
            after += " AND (occurred_at > ? OR (occurred_at = ? AND version > ?))"
            params += [occurred, occurred, version]
        with self._reading("timeline") as tx:
            if case_only:
                self._check_case(tx, "timeline", case_id)
            rows = tx.query(
                "SELECT version, type, occurred_at, recorded_at, actor_user, actor_role, summary FROM timeline "
                f"WHERE originator_id = ?{after} ORDER BY occurred_at, version LIMIT ?",
                [*params, size + 1],
            )
        items = [
            TimelineItem(
                version=int(row["version"]),
                type=row["type"],
                occurred_at=row["occurred_at"],
                recorded_at=row["recorded_at"],
                actor=ActorOut.of(row["actor_user"], row["actor_role"]),
                summary=self.text.open(row["summary"]),
            )
            for row in rows[:size]
        ]
        last = items[-1] if items else None
        next_cursor = encode_cursor(last.occurred_at, last.version) if last and len(rows) > size else None
        return Timeline(case_id=str(case_id), items=items, next_cursor=next_cursor)

    def audit(self, case_id: UUID, case_only: bool = True) -> AuditTrail:
        """The case's hash chain and its sealed head: NotFoundError unless ``case_id`` is a case's id
        (``case_only=False``: any aggregate's chain, e.g. an enterprise's)."""
        with self._reading("audit") as tx:
            if case_only:
                self._check_case(tx, "audit_trail", case_id)
            rows = tx.query(
                "SELECT version, type, hash, prev_hash, recorded_at, position FROM audit_trail "
                "WHERE originator_id = ? ORDER BY version",
                [str(case_id)],
            )
            heads = tx.query("SELECT version, hash, seal FROM audit_heads WHERE originator_id = ?", [str(case_id)])
        return AuditTrail(
            case_id=str(case_id),
            items=[AuditItem.model_validate(r) for r in rows],
            head=AuditHead.model_validate(heads[0]) if heads else None,
        )

    def verify(self, case_id: UUID | None = None, catch_up: bool = False) -> AuditVerification:
        """Recompute the chains from the events table and name what was altered, deleted or inserted.

        Without ``catch_up`` the audit view is compared as it stands (what `arrears audit verify` checks: an event
        the view has not chained yet shows as inserted); with it, the view first chains what was recorded so far.
        """
        if catch_up:
            self.runtime.refresh(["audit"])
        report = verify_chains(self.events, self.store, self.audit_key, case_id)
        mismatches = report.pop("mismatches")
        tree = None
        if self.tlog is not None:
            if case_id is None:
                tree = check_tree(self.events, self.store, self.tlog)
            else:
                tree = check_case(self.events, self.store, self.tlog, case_id)
            mismatches = merged_findings(mismatches, tree.mismatches)
        report["ok"] = not mismatches
        return AuditVerification(
            **report,
            mismatches=mismatches,
            problems=mismatches,
            audit_position=self.runtime.position("audit"),
            scope="log" if case_id is None else "case",
            tree_leaves=None if tree is None else tree.leaves,
            witnessed_size=None if tree is None or tree.witnessed is None else tree.witnessed.size,
            witnessed_checkpoint=None if tree is None else tree.witness_note or None,
        )

    # --- work ----------------------------------------------------------------------------------

    def queue(self, department: str, include_done: bool = False, limit: int | None = None) -> Queue:
        """A department's tasks, open ones by due time."""
        status = "" if include_done else " AND status = 'open'"
        with self._reading("queues") as tx:
            rows = tx.query(
                f"SELECT * FROM tasks WHERE department = ?{status} "
                "ORDER BY due_at IS NULL, due_at, case_id, task_id LIMIT ?",
                [department, _limit(limit)],
            )
        return Queue(department=department, items=[QueueItem.model_validate(r) for r in rows])

    def worklist(self, collector: str, limit: int | None = None) -> Worklist:
        """A collector's open cases by next action due and the open tasks assigned to them, earliest first."""
        with self._reading("progress", "queues") as tx:
            cases = tx.query(
                "SELECT case_id, loan_id, tier, next_action_due FROM case_progress "
                "WHERE collector = ? AND status = 'open' ORDER BY next_action_due IS NULL, next_action_due, case_id "
                "LIMIT ?",
                [collector, _limit(limit)],
            )
            tasks = tx.query(
                "SELECT case_id, task_id, title, due_at FROM tasks WHERE assignee = ? AND status = 'open' "
                "ORDER BY due_at IS NULL, due_at LIMIT ?",
                [collector, _limit(limit)],
            )
        items = [
            WorklistItem(
                case_id=c["case_id"],
                kind="case",
                what="next action on the case",
                due_at=c["next_action_due"],
                loan_id=c["loan_id"],
                tier=c["tier"],
            )
            for c in cases
        ]
        items += [
            WorklistItem(case_id=t["case_id"], kind="task", id=t["task_id"], what=t["title"], due_at=t["due_at"])
            for t in tasks
        ]
        items.sort(key=lambda i: (i.due_at is None, i.due_at or ""))
        return Worklist(collector=collector, items=items)

    def open_deadlines(self, due_before: datetime | None = None, limit: int | None = None) -> list[OpenDeadline]:
        """Open deadlines due at or before a time (all open ones without it), earliest first."""
        params: list[Any] = []
        due = ""
        if due_before is not None:
            due = " AND due_at <= ?"
            params.append(utc_text(due_before))
        with self._reading("deadlines") as tx:
            rows = tx.query(
                f"SELECT * FROM deadlines WHERE status = 'open'{due} ORDER BY due_at, case_id LIMIT ?",
                [*params, limit or 10_000],
            )
        return [OpenDeadline.model_validate(r) for r in rows]

    # --- reports -------------------------------------------------------------------------------

    def portfolio_report(self) -> PortfolioReport:
        """KPIs: overdue balance over time and by tier, recovery, cure, roll, promise-kept and RPC rates."""
        with self._reading("portfolio") as tx:
            return portfolio_report(tx)

    def channel_report(self) -> ChannelReport:
        """Per segment (industry, region, tier) x channel: counts and rates, and the recommended channel order."""
        with self._reading("channels") as tx:
            return channel_report(tx)

    def compliance_report(self, as_of: datetime | None = None) -> ComplianceReport:
        """Required contacts vs made (open ones judged at ``as_of``, default now), with evidence, and overrides."""
        now = utc_text(as_of or self.clock.now()) or ""
        with self._reading("compliance") as tx:
            return compliance_report(tx, now)

    # --- health --------------------------------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        """Per projection: position, head, lag, failed event position and error."""
        return [s.as_dict() for s in self.runtime.status()]

    def lag(self) -> dict[str, int]:
        """Events each projection is behind the log."""
        return {s.name: s.lag for s in self.runtime.status()}

    def metrics(self) -> str:
        """Prometheus text lines for /metrics: position, lag and failure of every projection."""
        lines = [
            "# HELP arrears_projection_lag Events recorded but not yet projected.",
            "# TYPE arrears_projection_lag gauge",
        ]
        statuses = self.runtime.status()
        lines += [f'arrears_projection_lag{{projection="{s.name}"}} {s.lag}' for s in statuses]
        lines += [
            "# HELP arrears_projection_position Last event position projected.",
            "# TYPE arrears_projection_position gauge",
        ]
        lines += [f'arrears_projection_position{{projection="{s.name}"}} {s.position}' for s in statuses]
        lines += [
            "# HELP arrears_projection_failed_position Position of the event that stopped the projection (0: none).",
            "# TYPE arrears_projection_failed_position gauge",
        ]
        lines += [
            f'arrears_projection_failed_position{{projection="{s.name}"}} {s.failed_position or 0}' for s in statuses
        ]
        return "\n".join(lines) + "\n"
