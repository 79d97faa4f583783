"""Assertions that every view equals its oracle (used by the oracle, runtime and crash tests)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from application.bootstrap import Container
from domain.case.values import Department
from projections.reports import rate
from tests.projections.oracle import Oracle

REQUIREMENT_FIELDS = (
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


def fen(text: str) -> int:
    """A decimal string ("-12.30") as fen."""
    return int(text.replace(".", ""))


def all_pages(fetch: Any) -> list[Any]:
    """Follow next_cursor to the end."""
    items: list[Any] = []
    cursor = None
    while True:
        page = fetch(cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items


def assert_views_equal_oracle(container: Container) -> None:
    """Every view, compared with the log replayed in memory."""
    oracle = Oracle(container)
    read = container.read_model
    assert {s["lag"] for s in read.status()} == {0}

    listed = all_pages(lambda cursor: read.list_cases(cursor=cursor, limit=37))
    assert sorted(i.case_id for i in listed) == sorted(oracle.cases)
    for key in oracle.cases:
        view = read.case_progress(key).model_dump()  # type: ignore[arg-type]
        expected = oracle.progress(key)
        assert {k: view[k] for k in expected} == expected, (
            key,
            {k: (view[k], v) for k, v in expected.items() if view[k] != v},
        )

    for key in oracle.by_originator:
        pages = all_pages(lambda cursor, key=key: read.timeline(key, cursor=cursor, limit=7, case_only=False))  # type: ignore[misc]
        assert [(i.version, i.type, i.summary, i.actor) for i in pages] == oracle.timeline(key), key
        trail = read.audit(key, case_only=False).items  # type: ignore[arg-type]
        assert [(i.version, i.hash, i.prev_hash) for i in trail] == oracle.audit(key), key

    deadlines = read.open_deadlines()
    assert sorted((d.case_id, d.deadline_id, d.due_at) for d in deadlines) == oracle.open_deadlines()
    for department in Department:
        queue = all_pages(
            lambda cursor, department=department: read.queue(str(department), limit=500, cursor=cursor)  # type: ignore[misc]
        )
        assert sorted((t.case_id, t.task_id) for t in queue) == oracle.queue(str(department))

    portfolio = oracle.portfolio()
    report = read.portfolio_report()
    got = {k: v for k, v in report.counters.items() if v}
    assert got == portfolio["counters"], {
        k: (got.get(k), portfolio["counters"].get(k))
        for k in set(got) | set(portfolio["counters"])
        if got.get(k) != portfolio["counters"].get(k)
    }
    assert {(r.from_, r.to): r.count for r in report.roll_rates if r.count} == portfolio["rolls"]
    for r in report.roll_rates:
        assert r.rate == rate(r.count, portfolio["counters"].get(f"entered:{r.from_}", 0)), (r.from_, r.to)
    balance_by_day = portfolio["balance_by_day"]
    held: dict[str, int] = {}
    points = iter(report.overdue_balance_over_time)
    point = next(points, None)
    for day in sorted(set(balance_by_day) | {p.day for p in report.overdue_balance_over_time}):
        while point is not None and point.day == day:
            held[point.tier] = fen(point.balance)
            point = next(points, None)
        assert {t: v for t, v in held.items() if v} == {t: v for t, v in balance_by_day[day].items() if v}, day
    last = balance_by_day[max(balance_by_day)] if balance_by_day else {}
    view_balance = {t: fen(v) for t, v in report.overdue_balance_by_tier.items()}
    assert {t: v for t, v in view_balance.items() if v} == {t: v for t, v in last.items() if v}
    assert sum(view_balance.values()) == oracle.open_balance_fen()

    channels: dict[tuple[Any, ...], dict[str, int]] = {}
    for segment in read.channel_report().items:
        assert segment.sample_size == sum(c.attempts for c in segment.channels)
        for c in segment.channels:
            key = (segment.industry, segment.region, segment.tier, c.channel)
            counts = c.model_dump(include={"attempts", "rpc", "promises", "kept", "paid_7d"})
            channels[key] = {k: v for k, v in counts.items() if v}
    assert channels == oracle.channels()

    requirements, overrides = oracle.compliance()
    with container.projections.store.reading() as tx:
        rows = tx.query("SELECT * FROM compliance_requirements")
    stored = {(r["case_id"], int(r["seq"])): {k: r[k] for k in REQUIREMENT_FIELDS} for r in rows}
    for row in stored.values():
        for k in ("seq", "required_by", "met_by", "policy_version"):
            row[k] = None if row[k] is None else int(row[k])
    assert stored == {k: {f: r[f] for f in REQUIREMENT_FIELDS} for k, r in requirements.items()}
    compliance = read.compliance_report()
    assert sorted(
        (
            o.case_id,
            o.version,
            o.type,
            ",".join(o.rules),
            o.reason,
            o.actor.user_id,
            o.actor.role,
            o.occurred_at,
        )
        for o in compliance.overrides
    ) == sorted(overrides)
    assert sum(Counter(compliance.by_status).values()) == len(requirements)
