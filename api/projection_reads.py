"""CaseReads over the projections' views (``projections/read_model.py``), shaped as the API answers.

Each read first catches the views up with the log (exactly once, safe beside other processes and an
``arrears worker``), so a client reads its own writes.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from api.reads import CursorError, Json
from application.bootstrap import Container

_ACTOR = re.compile(r"^(?P<user>.*) \((?P<role>[a-z]+)\)$")


def actor_of(text: str | None) -> Json | None:
    """``"wang (collector)"`` → ``{"user_id": "wang", "role": "collector"}``; system actors have no role suffix."""
    if text is None:
        return None
    match = _ACTOR.match(text)
    if match is None:
        return {"user_id": text, "role": "system"}
    return {"user_id": match["user"], "role": match["role"]}


def progress(item: Json) -> Json:
    """The views' case progress with the API's names (counts of open tasks and deadlines, contacts by channel)."""
    shaped = dict(item)
    shaped["contact_counts"] = shaped.pop("contacts", {}) or {}
    shaped["open_task_ids"] = list(shaped.get("open_tasks") or [])
    shaped["open_deadline_ids"] = list(shaped.get("open_deadlines") or [])
    shaped["open_tasks"] = len(shaped["open_task_ids"])
    shaped["open_deadlines"] = len(shaped["open_deadline_ids"])
    return shaped


class ProjectionReads:
    """The projections' read model behind the CaseReads protocol."""

    def __init__(self, container: Container) -> None:
        self.model = container.read_model
        self.runtime = container.projections

    def _fresh(self) -> None:
        self.runtime.catch_up()

    def _exists(self, case_id: UUID) -> None:
        self.model.case_progress(case_id)  # NotFoundError for an unknown case

    def case_progress(self, case_id: UUID) -> Json:
        """The progress view of one case."""
        self._fresh()
        return progress(self.model.case_progress(case_id))

    def list_cases(
        self,
        tier: str | None,
        status: str | None,
        collector: str | None,
        department: str | None,
        cursor: str | None,
        limit: int,
    ) -> Json:
        """Cases by filters, paged (in case id order)."""
        self._fresh()
        try:
            page = self.model.list_cases(tier, status, collector, department, cursor, limit)
        except ValueError:
            raise CursorError("cursor is not one this server handed out") from None
        return {"items": [progress(i) for i in page["items"]], "next_cursor": page["next_cursor"]}

    def timeline(self, case_id: UUID, cursor: str | None, limit: int) -> Json:
        """Every event of the case in occurred_at order, paged."""
        self._fresh()
        self._exists(case_id)
        try:
            page = self.model.timeline(case_id, cursor, limit)
        except (ValueError, TypeError):
            raise CursorError("cursor is not one this server handed out") from None
        items = [{**i, "actor": actor_of(i.get("actor")), "data": i.get("data", {})} for i in page["items"]]
        return {"case_id": str(case_id), "items": items, "next_cursor": page["next_cursor"]}

    def audit(self, case_id: UUID) -> Json:
        """The case's stored hash chain."""
        self._fresh()
        self._exists(case_id)
        return self.model.audit(case_id)

    def department_queue(self, department: str) -> Json:
        """Open tasks of a department, earliest due first."""
        self._fresh()
        return self.model.queue(department)

    def worklist(self, collector: str) -> Json:
        """The collector's open cases by next action due, and the tasks assigned to them."""
        self._fresh()
        page = self.model.worklist(collector)
        items: list[Json] = [
            {
                "case_id": c["case_id"],
                "loan_id": c.get("loan_id"),
                "tier": c.get("tier"),
                "kind": "case",
                "id": None,
                "what": "next action on the case",
                "due_at": c.get("next_action_due"),
            }
            for c in page["cases"]
        ]
        items += [
            {"case_id": t["case_id"], "kind": "task", "id": t["task_id"], "what": t["title"], "due_at": t["due_at"]}
            for t in page["tasks"]
        ]
        items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or ""))
        return {"collector": collector, "items": items, "cases": page["cases"], "tasks": page["tasks"]}

    def portfolio_report(self) -> Json:
        """Portfolio KPIs from the views."""
        self._fresh()
        return self.model.portfolio_report()

    def channel_report(self) -> Json:
        """Channel effectiveness per segment, with the recommended order."""
        self._fresh()
        return self.model.channel_report()

    def compliance_report(self) -> Json:
        """Required contacts vs made, violations with evidence, overrides."""
        self._fresh()
        return self.model.compliance_report()

    def verify_audit(self) -> Json:
        """Recompute the chains from the events table and name what was altered, removed or inserted."""
        self._fresh()
        report: dict[str, Any] = self.model.verify()
        return {**report, "problems": report.get("mismatches", [])}
