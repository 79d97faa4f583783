"""The read interface the HTTP API and the scheduler use: plain dicts with DESIGN.md §6 field names
(amounts as decimal strings, times ISO 8601), served from the projections' views."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.errors import NotFoundError
from infrastructure.view_store import Row, ViewStore
from projections.audit_verify import verify_chains
from projections.base import fen_text, utc_text
from projections.portfolio import BUCKETS
from projections.runtime import ProjectionRuntime

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(*parts: Any) -> str:
    """An opaque paging cursor."""
    return base64.urlsafe_b64encode(orjson.dumps(list(parts))).decode()


def decode_cursor(cursor: str) -> list[Any]:
    """The parts of a cursor made by encode_cursor (ValueError when it is not one)."""
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as error:
        raise ValueError("invalid cursor") from error
    if not isinstance(parts, list):
        raise ValueError("invalid cursor")
    return parts


def _limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def progress_item(row: Row) -> dict[str, Any]:
    """A case_progress row as the API's case (DESIGN.md §6 names)."""
    pending = orjson.loads(row["pending"])
    return {
        "case_id": row["case_id"],
        "version": int(row["version"]),
        "status": row["status"],
        "resolution": row["resolution"],
        "tier": row["tier"],
        "score": row["score"],
        "enterprise_id": row["enterprise_id"],
        "loan_id": row["loan_id"],
        "collector": row["collector"],
        "currency": row["currency"],
        "principal": fen_text(row["principal_fen"]),
        "outstanding": fen_text(row["outstanding_fen"]),
        "overdue_amount": fen_text(row["overdue_fen"]),
        "paid": fen_text(row["paid_fen"]),
        "opened_at": row["opened_at"],
        "last_contact_at": row["last_contact_at"],
        "next_action_due": row["next_action_due"],
        "contacts": orjson.loads(row["contacts"]),
        "open_deadlines": sorted(k[2:] for k in pending if k.startswith("d:")),
        "open_tasks": sorted(k[2:] for k in pending if k.startswith("t:")),
        "updated_at": row["updated_at"],
    }


class ReadModel:
    """Synchronous queries over the views (one short read transaction each)."""

    def __init__(
        self, store: ViewStore, runtime: ProjectionRuntime, events: Any, audit_key: bytes | None, clock: Any
    ) -> None:
        self.store = store
        self.runtime = runtime
        self.events = events
        self.audit_key = audit_key
        self.clock = clock

    def _query(self, sql: str, params: list[Any] | None = None) -> list[Row]:
        with self.store.reading() as tx:
            return tx.query(sql, params or [])

    # --- cases ---------------------------------------------------------------------------------

    def case_progress(self, case_id: UUID) -> dict[str, Any]:
        """Where a case stands now (NotFoundError for an unknown case)."""
        rows = self._query("SELECT * FROM case_progress WHERE case_id = ?", [str(case_id)])
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
    ) -> dict[str, Any]:
        """Cases by filters, paged by case id: {items, next_cursor}."""
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
            params.append(str(decode_cursor(cursor)[0]))
        size = _limit(limit)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(f"SELECT * FROM case_progress {where} ORDER BY case_id LIMIT ?", [*params, size + 1])
        items = [progress_item(r) for r in rows[:size]]
        return {"items": items, "next_cursor": encode_cursor(items[-1]["case_id"]) if len(rows) > size else None}

    def timeline(self, case_id: UUID, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
        """Every event of a case in occurred_at order, paged: {items, next_cursor}."""
        size = _limit(limit)
        params: list[Any] = [str(case_id)]
        after = ""
        if cursor:
            occurred, version = decode_cursor(cursor)
            after = " AND (occurred_at > ? OR (occurred_at = ? AND version > ?))"
            params += [occurred, occurred, int(version)]
        rows = self._query(
            "SELECT version, type, occurred_at, recorded_at, actor, summary FROM timeline "
            f"WHERE originator_id = ?{after} ORDER BY occurred_at, version LIMIT ?",
            [*params, size + 1],
        )
        items = [{**row, "version": int(row["version"])} for row in rows[:size]]
        last = items[-1] if items else None
        next_cursor = encode_cursor(last["occurred_at"], last["version"]) if last and len(rows) > size else None
        return {"items": items, "next_cursor": next_cursor}

    def audit(self, case_id: UUID) -> dict[str, Any]:
        """The case's hash chain: {items: [{version, type, hash, prev_hash, recorded_at, position}], head}."""
        rows = self._query(
            "SELECT version, type, hash, prev_hash, recorded_at, position FROM audit_trail "
            "WHERE originator_id = ? ORDER BY version",
            [str(case_id)],
        )
        heads = self._query("SELECT version, hash, seal FROM audit_heads WHERE originator_id = ?", [str(case_id)])
        items = [{**r, "version": int(r["version"]), "position": int(r["position"])} for r in rows]
        return {"case_id": str(case_id), "items": items, "head": heads[0] if heads else None}

    def verify(self, case_id: UUID | None = None) -> dict[str, Any]:
        """Recompute the chains from the events table: {ok, checked_events, mismatches: [{kind, case_id, version}]}."""
        report = verify_chains(self.events, self.store, self.audit_key, case_id)
        report["audit_position"] = self.runtime.position("audit")
        return report

    # --- work ----------------------------------------------------------------------------------

    def queue(self, department: str, include_done: bool = False, limit: int | None = None) -> dict[str, Any]:
        """A department's tasks, open ones by due time: {department, items}."""
        status = "" if include_done else " AND status = 'open'"
        rows = self._query(
            f"SELECT * FROM tasks WHERE department = ?{status} ORDER BY due_at IS NULL, due_at, case_id, task_id "
            "LIMIT ?",
            [department, _limit(limit)],
        )
        return {"department": department, "items": [{**r, "version": int(r["version"])} for r in rows]}

    def worklist(self, collector: str, limit: int | None = None) -> dict[str, Any]:
        """A collector's open cases by next action due, and the tasks assigned to them: {collector, cases, tasks}."""
        cases = self._query(
            "SELECT * FROM case_progress WHERE collector = ? AND status = 'open' "
            "ORDER BY next_action_due IS NULL, next_action_due, case_id LIMIT ?",
            [collector, _limit(limit)],
        )
        tasks = self._query(
            "SELECT * FROM tasks WHERE assignee = ? AND status = 'open' ORDER BY due_at IS NULL, due_at LIMIT ?",
            [collector, _limit(limit)],
        )
        return {
            "collector": collector,
            "cases": [progress_item(r) for r in cases],
            "tasks": [{**r, "version": int(r["version"])} for r in tasks],
        }

    def open_deadlines(self, due_before: datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Open deadlines due at or before a time (all open ones without it), earliest first."""
        params: list[Any] = []
        due = ""
        if due_before is not None:
            due = " AND due_at <= ?"
            params.append(utc_text(due_before))
        rows = self._query(
            f"SELECT * FROM deadlines WHERE status = 'open'{due} ORDER BY due_at, case_id LIMIT ?",
            [*params, limit or 10_000],
        )
        return [{**r, "set_version": int(r["set_version"])} for r in rows]

    # --- reports -------------------------------------------------------------------------------

    def portfolio_report(self) -> dict[str, Any]:
        """KPIs: overdue balance over time and by tier, recovery, cure, roll, promise-kept and RPC rates."""
        counters = {r["name"]: int(r["value"]) for r in self._query("SELECT name, value FROM portfolio_counters")}
        balance_rows = self._query("SELECT day, tier, delta_fen FROM portfolio_balance ORDER BY day, tier")
        running: dict[str, int] = {}
        over_time = []
        for row in balance_rows:
            running[row["tier"]] = running.get(row["tier"], 0) + int(row["delta_fen"])
            over_time.append({"day": row["day"], "tier": row["tier"], "balance": fen_text(running[row["tier"]])})
        rolls = self._query("SELECT from_bucket, to_bucket, count FROM portfolio_rolls ORDER BY from_bucket, to_bucket")

        def rate(part: int, whole: int) -> str | None:
            return f"{part / whole:.4f}" if whole else None

        c = counters.get
        return {
            "overdue_balance_by_tier": {tier: fen_text(fen) for tier, fen in sorted(running.items())},
            "overdue_balance_over_time": over_time,
            "cases_opened": c("cases_opened", 0),
            "cases_resolved": c("cases_resolved", 0),
            "recovered": fen_text(c("recovered_fen", 0)),
            "recovery_rate": rate(c("recovered_fen", 0), c("opened_fen", 0)),
            "cure_rate": rate(c("cases_cured", 0), c("cases_opened", 0)),
            "promise_kept_rate": rate(c("promises_kept", 0), c("promises_kept", 0) + c("promises_broken", 0)),
            "right_party_contact_rate": rate(c("right_party_contacts", 0), c("contacts", 0)),
            "roll_rates": [
                {
                    "from": r["from_bucket"],
                    "to": r["to_bucket"],
                    "count": int(r["count"]),
                    "rate": rate(int(r["count"]), c(f"entered:{r['from_bucket']}", 0)),
                }
                for r in rolls
            ],
            "buckets": ["current", *(label for _, label in BUCKETS), ">360"],
            "counters": counters,
        }

    def channel_report(self) -> dict[str, Any]:
        """Per segment (industry, region, tier) x channel: counts and rates, and the recommended channel order."""
        rows = self._query("SELECT * FROM channel_stats ORDER BY industry, region, tier, channel")
        segments: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for row in rows:
            attempts = int(row["attempts"])
            item = {
                k: row[k] if k in ("channel",) else int(row[k])
                for k in ("channel", "attempts", "rpc", "promises", "kept", "paid_7d")
            }
            item["rpc_rate"] = f"{int(row['rpc']) / attempts:.4f}" if attempts else None
            item["paid_7d_rate"] = f"{int(row['paid_7d']) / attempts:.4f}" if attempts else None
            segments.setdefault((row["industry"], row["region"], row["tier"]), []).append(item)
        items = []
        for (industry, region, tier), channels in segments.items():
            order = sorted(
                channels,
                key=lambda i: (
                    -(i["paid_7d"] + i["kept"]) / max(i["attempts"], 1),
                    -i["rpc"] / max(i["attempts"], 1),
                    i["channel"],
                ),
            )
            items.append(
                {
                    "industry": industry,
                    "region": region,
                    "tier": tier,
                    "channels": channels,
                    "recommended_order": [i["channel"] for i in order],
                    "sample_size": sum(i["attempts"] for i in channels),
                }
            )
        return {"items": items}

    def compliance_report(self, as_of: datetime | None = None) -> dict[str, Any]:
        """Required contacts vs made: met, late and missing ones with their evidence, and overrides."""
        now = utc_text(as_of or self.clock.now()) or ""
        rows = self._query("SELECT * FROM compliance_requirements ORDER BY case_id, seq")
        counts: dict[str, int] = {}
        gaps = []
        for row in rows:
            status = row["status"]
            if (status == "open" and row["due_at"] < now) or status == "missed":
                status = "missing"
            counts[status] = counts.get(status, 0) + 1
            if status in ("late", "missing"):
                evidence = [{"case_id": row["case_id"], "version": int(row["required_by"]), "role": "required_by"}]
                if row["met_by"] is not None:
                    evidence.append({"case_id": row["case_id"], "version": int(row["met_by"]), "role": "met_by"})
                gaps.append(
                    {
                        "case_id": row["case_id"],
                        "tier": row["tier"],
                        "kind": row["kind"],
                        "status": status,
                        "due_at": row["due_at"],
                        "met_at": row["met_at"],
                        "evidence": evidence,
                    }
                )
        overrides = [
            {
                **r,
                "version": int(r["version"]),
                "rules": [x for x in r["rules"].split(",") if x],
                "evidence": [{"case_id": r["case_id"], "version": int(r["version"])}],
            }
            for r in self._query("SELECT * FROM compliance_overrides ORDER BY case_id, version")
        ]
        return {
            "as_of": now,
            "requirements": len(rows),
            "by_status": counts,
            "violations": gaps,
            "overrides": overrides,
        }

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
