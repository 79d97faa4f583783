"""Oracles: each view recomputed by replaying the whole log in memory, for comparison with the stored views."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from application.bootstrap import Container
from domain.base import DomainEvent
from domain.case import CollectionCase
from domain.case.events import CaseEvent, CaseOpened
from domain.money import Money
from domain.narration import describe
from domain.rules import local_date
from projections.audit_chain import GENESIS, chain_hash
from projections.base import utc_text
from projections.models import ActorOut
from tests.projections.rules import channel_counts, compliance_rows, outstanding_after, portfolio_figures


def whole_log(container: Container) -> list[tuple[Any, Any]]:
    """Every (notification, typed event or None) in log order."""
    found: list[tuple[Any, Any]] = []
    start = 0
    while True:
        page = container.store.recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        for n in page:
            try:
                event = container.store.mapper.to_domain_event(n)
            except Exception:
                event = None
            found.append((n, event))
        if len(page) < 1000:
            return found
        start = page[-1].id


def actor_of(event: Any) -> ActorOut | None:
    """Who did it, as the API shows it (None for events without an actor)."""
    actor = getattr(event, "actor", None)
    return None if actor is None else ActorOut(user_id=actor.user_id, role=str(actor.role))


class Oracle:
    """The views, recomputed from scratch."""

    def __init__(self, container: Container) -> None:
        self.log = whole_log(container)
        self.now = container.app.clock.now()
        self.by_originator: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        for n, e in self.log:
            self.by_originator[str(n.originator_id)].append((n, e))
        self.cases: dict[str, CollectionCase] = {}
        for key, items in self.by_originator.items():
            events = [e for _, e in items if isinstance(e, CaseOpened | CaseEvent)]
            if events and isinstance(events[0], CaseOpened):
                self.cases[key] = container.app.replay(events)

    def progress(self, key: str) -> dict[str, Any]:
        """A case as the API shows it now: its money is the one position function's today (an open or resolved
        case: penalty accrues and days pass between its events), a closed case's as of its last act."""
        case = self.cases[key]
        outstanding, overdue = str(case.outstanding), str(case.overdue_amount)
        if str(case.status) != "closed":
            today = case.position_as_of(local_date(self.now, case.timezone))
            outstanding, overdue = str(Money.of(today.outstanding_fen)), str(Money.of(today.overdue_fen))
        return {
            "version": case.version,
            "status": str(case.status),
            "tier": case.tier and str(case.tier),
            "collector": case.collector,
            "outstanding": outstanding,
            "overdue_amount": overdue,
            "paid": str(case.paid),
            "last_contact_at": utc_text(case.last_contact_at),
            "next_action_due": utc_text(case.next_action_due()),
            "contact_counts": dict(case.contact_counts),
            "open_tasks": sum(1 for t in case.tasks.values() if t.status == "open"),
            "open_deadlines": sum(1 for d in case.deadlines.values() if d.status == "open"),
        }

    def timeline(self, key: str) -> list[tuple[int, str, str, ActorOut | None]]:
        items = self.by_originator[key]
        rows = [
            (
                utc_text(getattr(e, "occurred_at", None) or e.timestamp) if e else "",
                n.originator_version,
                type(e).__name__ if isinstance(e, DomainEvent) else n.topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1],
                describe(e) if e is not None else n.topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1],
                actor_of(e),
            )
            for n, e in items
        ]
        return [(v, t, s, a) for _, v, t, s, a in sorted(rows, key=lambda r: (r[0] or "", r[1]))]

    def audit(self, key: str) -> list[tuple[int, str, str]]:
        chain, prev = [], GENESIS
        for n, _ in self.by_originator[key]:
            link = chain_hash(prev, n.originator_id, n.originator_version, n.topic, n.state)
            chain.append((n.originator_version, link, prev))
            prev = link
        return chain

    def open_deadlines(self) -> list[tuple[str, str, str]]:
        return sorted(
            (key, d.deadline_id, utc_text(d.due_at) or "")
            for key, case in self.cases.items()
            for d in case.deadlines.values()
            if d.status == "open"
        )

    def queue(self, department: str) -> list[tuple[str, str]]:
        return sorted(
            (key, t.task_id)
            for key, case in self.cases.items()
            for t in case.tasks.values()
            if t.status == "open" and str(t.department) == department
        )

    def portfolio(self) -> dict[str, Any]:
        """The portfolio KPIs, per case over its whole history (tests/projections/rules.py, not the view's code)."""
        return portfolio_figures(self.log)

    def open_balance_fen(self) -> int:
        """What the open cases owe as of the last act on each one's ledger (the portfolio's balance)."""
        return sum(
            outstanding_after([e for _, e in self.by_originator[key] if isinstance(e, CaseOpened | CaseEvent)])
            for key, c in self.cases.items()
            if str(c.status) == "open"
        )

    def channels(self) -> dict[tuple[str, str, str, str], dict[str, int]]:
        """Channel counts per segment x channel (tests/projections/rules.py, not the view's code)."""
        return channel_counts(self.log)

    def compliance(self) -> tuple[dict[tuple[str, int], dict[str, Any]], list[tuple[Any, ...]]]:
        """Required contacts and overrides (tests/projections/rules.py, not the view's code)."""
        return compliance_rows(self.log)
