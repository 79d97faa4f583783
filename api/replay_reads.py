"""INTERIM read model: answers every query by replaying cases from the event store.

Temporary until the projections land (issue 5): then ``api/services.py`` swaps this class for the
projections' read model, and this module is deleted. Everything here is isolated: the case index is
an in-memory list per process, caught up from the store's notifications (``CaseOpened`` only), and
the audit hash chain is computed on the fly over the stored event bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic

from api.reads import CursorError, Json
from api.views import case_progress, timeline_item, to_api
from application.app import CollectionsApp
from domain.case import CollectionCase
from domain.case_events import CaseOpened, ContactEvent
from domain.money import Money

GENESIS = "0" * 64
NOTIFICATION_BATCH = 1000
NEVER = datetime.max.replace(tzinfo=UTC)


def encode_cursor(position: int) -> str:
    """An opaque cursor for a position."""
    return base64.urlsafe_b64encode(orjson.dumps({"p": position})).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor stands for (0 when there is none)."""
    if not cursor:
        return 0
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position = data["p"]
    except (binascii.Error, ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise CursorError("cursor is not one this server handed out") from None
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise CursorError("cursor is not one this server handed out")
    return position


def event_hash(prev_hash: str, stored: Any) -> str:
    """sha256 over the previous hash and the stored event's canonical bytes."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(str(stored.originator_id).encode())
    digest.update(str(stored.originator_version).encode())
    digest.update(stored.topic.encode())
    digest.update(bytes(stored.state))
    return digest.hexdigest()


class ReplayReads:
    """CaseReads by replaying from the store (interim)."""

    def __init__(self, app: CollectionsApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.case_ids: list[tuple[int, UUID]] = []  # (notification id, case id), in order
        self.position = 0
        self.opened_topic = get_topic(CaseOpened)

    # --- the case index ------------------------------------------------------------------------

    def _catch_up(self) -> list[tuple[int, UUID]]:
        with self.lock:
            while True:
                batch = self.app.recorder.select_notifications(
                    start=self.position + 1, limit=NOTIFICATION_BATCH, topics=[self.opened_topic]
                )
                for notification in batch:
                    self.case_ids.append((notification.id, UUID(str(notification.originator_id))))
                    self.position = notification.id
                if len(batch) < NOTIFICATION_BATCH:
                    if not batch:
                        max_id = self.app.recorder.max_notification_id()
                        self.position = max(self.position, max_id or 0)
                    return list(self.case_ids)

    def _cases(self) -> Iterator[CollectionCase]:
        for _, case_id in self._catch_up():
            yield self.app.get_case(case_id)

    # --- queries ---------------------------------------------------------------------------------

    def case_progress(self, case_id: UUID) -> Json:
        """The progress view of one case."""
        return case_progress(self.app.get_case(case_id))

    def list_cases(
        self,
        tier: str | None,
        status: str | None,
        collector: str | None,
        department: str | None,
        cursor: str | None,
        limit: int,
    ) -> Json:
        """Cases oldest first, filtered, one page at a time."""
        after = decode_cursor(cursor)
        items: list[Json] = []
        next_cursor = None
        for position, case_id in self._catch_up():
            if position <= after:
                continue
            case = self.app.get_case(case_id)
            if tier is not None and (case.tier is None or case.tier.value != tier):
                continue
            if status is not None and case.status.value != status:
                continue
            if collector is not None and case.collector != collector:
                continue
            if department is not None and not any(
                t.status == "open" and t.department.value == department for t in case.tasks.values()
            ):
                continue
            if len(items) == limit:
                next_cursor = encode_cursor(after)
                break
            items.append(case_progress(case))
            after = position
        return {"items": items, "next_cursor": next_cursor}

    def timeline(self, case_id: UUID, cursor: str | None, limit: int) -> Json:
        """Every event of the case in occurred_at order (ties by version), paged."""
        offset = decode_cursor(cursor)
        events = sorted(self.app.case_events(case_id), key=lambda e: (e.occurred_at, e.originator_version))
        page = events[offset : offset + limit]
        more = offset + limit < len(events)
        return {
            "case_id": str(case_id),
            "items": [timeline_item(e) for e in page],
            "next_cursor": encode_cursor(offset + limit) if more else None,
        }

    def audit(self, case_id: UUID) -> Json:
        """The case's events with a sha256 chain computed now over the stored bytes."""
        self.app.get_case(case_id)  # 404 for an unknown id
        items = []
        prev = GENESIS
        for stored in self.app.recorder.select_events(case_id):
            event: Any = self.app.mapper.to_domain_event(stored)
            current = event_hash(prev, stored)
            items.append(
                {
                    "version": stored.originator_version,
                    "type": stored.topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1],
                    "recorded_at": event.timestamp.isoformat(),
                    "occurred_at": event.occurred_at.isoformat(),
                    "actor": to_api(getattr(event, "actor", None)),
                    "hash": current,
                    "prev_hash": prev,
                }
            )
            prev = current
        return {"case_id": str(case_id), "chain": "computed on read (interim)", "items": items}

    def department_queue(self, department: str) -> Json:
        """Open tasks of a department across cases, earliest due first (undated last)."""
        items = []
        for case in self._cases():
            for task in case.tasks.values():
                if task.status == "open" and task.department.value == department:
                    items.append({"case_id": str(case.id), "loan_id": case.loan_id, **to_api(task)})
        items.sort(key=lambda t: (t["due_at"] is None, t["due_at"] or "", t["task_id"]))
        return {"department": department, "items": items}

    def worklist(self, collector: str) -> Json:
        """The collector's open deadlines and tasks, earliest due first."""
        items: list[Json] = []
        for case in self._cases():
            if case.collector != collector or case.status.value != "open":
                continue
            base = {"case_id": str(case.id), "loan_id": case.loan_id, "tier": case.tier.value if case.tier else None}
            for d in case.deadlines.values():
                if d.status == "open":
                    items.append({**base, "kind": "deadline", "id": d.deadline_id, "what": d.kind, "due_at": d.due_at})
            for t in case.tasks.values():
                if t.status == "open":
                    items.append({**base, "kind": "task", "id": t.task_id, "what": t.title, "due_at": t.due_at})
            if not any(i["case_id"] == base["case_id"] for i in items):
                items.append({**base, "kind": "contact", "id": None, "what": "no next action set", "due_at": None})
        items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or NEVER))
        return {"collector": collector, "items": [{**i, "due_at": to_api(i["due_at"])} for i in items]}

    def portfolio_report(self) -> Json:
        """Case counts by status and tier, balances and recovery per currency."""
        by_status: Counter[str] = Counter()
        by_tier: dict[str, dict[str, Any]] = {}
        totals: dict[str, dict[str, int]] = {}
        promises: Counter[str] = Counter()
        for case in self._cases():
            by_status[case.status.value] += 1
            tier = case.tier.value if case.tier else "unrated"
            row = by_tier.setdefault(tier, {"cases": 0, "outstanding": {}})
            row["cases"] += 1
            row["outstanding"][case.currency] = row["outstanding"].get(case.currency, 0) + case.outstanding.fen
            money = totals.setdefault(case.currency, {"outstanding": 0, "paid": 0})
            money["outstanding"] += case.outstanding.fen
            money["paid"] += case.paid.fen
            for p in case.promises.values():
                promises[p.status] += 1
        settled = promises["kept"] + promises["broken"]
        return {
            "cases": sum(by_status.values()),
            "by_status": dict(by_status),
            "by_tier": {
                tier: {
                    "cases": row["cases"],
                    "outstanding": {c: str(Money.of(f, c)) for c, f in row["outstanding"].items()},
                }
                for tier, row in sorted(by_tier.items())
            },
            "balances": {
                c: {
                    "outstanding": str(Money.of(m["outstanding"], c)),
                    "paid": str(Money.of(m["paid"], c)),
                    "recovery_rate": _ratio(m["paid"], m["paid"] + m["outstanding"]),
                }
                for c, m in sorted(totals.items())
            },
            "promises": dict(promises),
            "promise_kept_rate": _ratio(promises["kept"], settled),
        }

    def channel_report(self) -> Json:
        """Attempts and right-party contacts per channel (all segments together, interim)."""
        attempts: Counter[str] = Counter()
        reached: Counter[str] = Counter()
        for _, case_id in self._catch_up():
            for event in self.app.case_events(case_id):
                if isinstance(event, ContactEvent):
                    attempts[event.channel.value] += 1
                    reached[event.channel.value] += event.outcome.reached_party
        return {
            "items": [
                {
                    "channel": channel,
                    "attempts": attempts[channel],
                    "right_party_contacts": reached[channel],
                    "right_party_rate": _ratio(reached[channel], attempts[channel]),
                }
                for channel in sorted(attempts)
            ]
        }

    def compliance_report(self) -> Json:
        """Contacts logged under a supervisor's override (the rule checks arrive with the contact policy)."""
        overrides = []
        for _, case_id in self._catch_up():
            for event in self.app.case_events(case_id):
                if isinstance(event, ContactEvent) and event.override_reason:
                    overrides.append(
                        {
                            "case_id": str(case_id),
                            "version": event.originator_version,
                            "channel": event.channel.value,
                            "occurred_at": event.occurred_at.isoformat(),
                            "actor": to_api(event.actor),
                            "overridden_rules": list(event.overridden_rules),
                            "override_reason": event.override_reason,
                        }
                    )
        return {"overrides": overrides, "violations": [], "gaps": []}

    def verify_audit(self) -> Json:
        """Check every case's stored events: versions contiguous from 1, each one decodes."""
        problems: list[Json] = []
        events_checked = 0
        cases = self._catch_up()
        for _, case_id in cases:
            expected = 1
            for stored in self.app.recorder.select_events(case_id):
                events_checked += 1
                if stored.originator_version != expected:
                    problems.append(
                        {"case_id": str(case_id), "version": expected, "problem": "missing or out of order"}
                    )
                    expected = stored.originator_version
                try:
                    self.app.mapper.to_domain_event(stored)
                except Exception as error:  # any decode failure is evidence of tampering
                    problems.append(
                        {"case_id": str(case_id), "version": stored.originator_version, "problem": str(error)[:200]}
                    )
                expected += 1
        return {
            "ok": not problems,
            "cases_checked": len(cases),
            "events_checked": events_checked,
            "problems": problems,
            "method": "interim: versions and decoding checked; the stored hash chain arrives with projections",
        }


def _ratio(numerator: int, denominator: int) -> str | None:
    """A ratio as a decimal string with 4 places, or None when there is nothing to divide by."""
    if denominator == 0:
        return None
    scaled = (numerator * 10_000 * 2 + denominator) // (2 * denominator)  # round half up, integers only
    return f"{scaled // 10_000}.{scaled % 10_000:04d}"
