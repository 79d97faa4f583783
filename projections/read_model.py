"""The read side: typed answers (``projections/models.py``, ``projections/reports.py``) served from the views, which the
HTTP API returns as they are.

Each query first brings the views it reads (and only those) up to the log's head, so a client reads its own writes
whether or not a worker follows the log, then reads them in one read transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.case.events import CaseOpened
from domain.errors import NotFoundError
from infrastructure.view_store import ViewStore, ViewTx
from projections.audit_verify import verify_chains
from projections.base import utc_text
from projections.case_lists import CASE_COLUMNS, CASE_TABLES, CaseFilter, case_page, enterprise_page, progress_item
from projections.models import (
    ActorOut,
    AuditHead,
    AuditItem,
    AuditTrail,
    AuditVerification,
    CaseList,
    CaseProgress,
    EnterpriseList,
    OpenDeadline,
    Queue,
    Timeline,
    TimelineItem,
    UserSummary,
    Worklist,
)
from projections.paging import CursorError, decode_cursor, encode_cursor, page_size
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
from projections.work_lists import busiest_collector, known_users, queue_page, worklist_page

#: the type of the event that opens a case: its first event in the timeline and audit views
CASE_OPENED = CaseOpened.__name__
#: the role of the scheduler and the other automatic actors: a timeline's ``people_only`` hides their events
SYSTEM_ROLE = "system"
__all__ = ["CursorError", "ReadModel"]


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
        zone: ZoneInfo | None = None,
        reads: ViewStore | None = None,
    ) -> None:
        self.store = store
        #: the transparency log whose witnessed tree ``verify`` compares the events table with
        self.tlog = tlog
        #: where the queries' read transactions run: the views' own store, or a replica of it
        #: (``infrastructure.replica_reads``, which waits there for what the refresh put on the primary)
        self.reads = reads or store
        self.runtime = runtime
        self.events = events
        self.audit_key = audit_key
        self.clock = clock
        #: the business zone: next actions are named with their day there
        self.zone = zone or ZoneInfo("Asia/Shanghai")
        self.text = SealedText(store_cipher(events))

    @contextmanager
    def _reading(self, *views: str) -> Iterator[ViewTx]:
        """A read transaction over these views, once they hold everything recorded so far."""
        self.runtime.refresh(views)
        with self.reads.reading() as tx:
            yield tx

    @staticmethod
    def _check_case(tx: ViewTx, table: str, case_id: UUID) -> None:
        """NotFoundError unless the view's first event of this aggregate opened a case."""
        rows = tx.query(f"SELECT type FROM {table} WHERE originator_id = ? AND version = 1", [str(case_id)])
        if not rows or rows[0]["type"] != CASE_OPENED:
            raise NotFoundError(f"no case {case_id}")

    # --- cases ---------------------------------------------------------------------------------

    def case_progress(self, case_id: UUID) -> CaseProgress:
        """Where a case stands now, with its firm and named next action (NotFoundError for an unknown case)."""
        with self._reading("progress", "enterprises") as tx:
            rows = tx.query(f"SELECT {CASE_COLUMNS} FROM {CASE_TABLES} WHERE c.case_id = ?", [str(case_id)])
        if not rows:
            raise NotFoundError(f"no case {case_id}")
        return progress_item(rows[0], self.zone, self.clock.now())

    def list_cases(
        self,
        tier: str | None = None,
        status: str | None = None,
        collector: str | None = None,
        department: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
        q: str | None = None,
    ) -> CaseList:
        """Cases by filters and search (``q``: a loan id, firm name or credit code, or the start of one), paged with
        the total (CursorError for a cursor this server did not hand out)."""
        wanted = CaseFilter(tier, status, collector, department, q)
        with self._reading("progress", "enterprises") as tx:
            return case_page(tx, wanted, cursor, page_size(limit), self.zone, self.clock.now())

    def enterprises(self, q: str | None = None, cursor: str | None = None, limit: int | None = None) -> EnterpriseList:
        """Enterprises by name (``q``: a name or credit code, or the start of one), paged with the total."""
        with self._reading("enterprises") as tx:
            return enterprise_page(tx, q, cursor, page_size(limit))

    def timeline(
        self,
        case_id: UUID,
        cursor: str | None = None,
        limit: int | None = None,
        case_only: bool = True,
        as_of: datetime | None = None,
        known_at: datetime | None = None,
        kinds: list[str] | None = None,
        people_only: bool = False,
    ) -> Timeline:
        """Every event of a case in business-time (occurred_at) order, paged with the total: NotFoundError unless
        ``case_id`` is a case's id (``case_only=False``: any aggregate's events, e.g. an enterprise's; none for an
        unknown id). ``as_of`` keeps the events that had happened by then, ``known_at`` those recorded by then,
        ``kinds`` those of these event types, ``people_only`` those a person did (not the scheduler's)."""
        size = page_size(limit)
        params: list[Any] = [str(case_id)]
        where = ""
        if as_of is not None:
            where += " AND occurred_at <= ?"
            params.append(utc_text(as_of))
        if known_at is not None:
            where += " AND recorded_at <= ?"
            params.append(utc_text(known_at))
        if kinds:
            where += f" AND type IN ({', '.join('?' for _ in kinds)})"
            params += kinds
        if people_only:
            where += " AND actor_user IS NOT NULL AND COALESCE(actor_role, ?) <> ?"
            params += [SYSTEM_ROLE, SYSTEM_ROLE]
        after, after_params = "", []
        if cursor:
            occurred, version = decode_cursor(cursor, 2, str, int)
            after = " AND (occurred_at > ? OR (occurred_at = ? AND version > ?))"
            after_params = [occurred, occurred, version]
        with self._reading("timeline") as tx:
            if case_only:
                self._check_case(tx, "timeline", case_id)
            total = int(tx.query(f"SELECT COUNT(*) AS n FROM timeline WHERE originator_id = ?{where}", params)[0]["n"])
            rows = tx.query(
                "SELECT version, type, occurred_at, recorded_at, actor_user, actor_role, summary FROM timeline "
                f"WHERE originator_id = ?{where}{after} ORDER BY occurred_at, version LIMIT ?",
                [*params, *after_params, size + 1],
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
        if not items and not cursor and (as_of is not None or known_at is not None):
            # the case opened first: nothing of it by then means it did not exist then (as ``case_then`` answers)
            raise NotFoundError(f"nothing of case {case_id} had happened or been recorded by then")
        last = items[-1] if items else None
        next_cursor = encode_cursor(last.occurred_at, last.version) if last and len(rows) > size else None
        return Timeline(case_id=str(case_id), items=items, total=total, limit=size, next_cursor=next_cursor)

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

    def queue(
        self, department: str, include_done: bool = False, limit: int | None = None, cursor: str | None = None
    ) -> Queue:
        """A department's tasks, open ones by due time, paged with the total."""
        with self._reading("queues") as tx:
            return queue_page(tx, department, include_done, cursor, page_size(limit))

    def worklist(self, collector: str, limit: int | None = None, cursor: str | None = None) -> Worklist:
        """A collector's open cases by their next person's act, named, and the open tasks assigned to them, earliest
        first, paged with the total."""
        with self._reading("progress", "queues", "enterprises") as tx:
            return worklist_page(tx, collector, cursor, page_size(limit), self.zone, self.clock.now())

    def busiest_collector(self) -> tuple[str, int] | None:
        """The collector with the most open cases and how many (None when no open case has a collector)."""
        with self._reading("progress") as tx:
            return busiest_collector(tx)

    def users(self) -> list[UserSummary]:
        """Everyone the views know from assignments, with their open cases and tasks (most open cases first)."""
        with self._reading("progress", "queues", "timeline") as tx:
            return known_users(tx)

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
