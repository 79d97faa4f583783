"""Assertions that every view equals its oracle (used by the oracle, runtime and crash tests)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from application.bootstrap import Container
from domain.case.values import Department
from tests.projections.oracle import Oracle


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
        assert {k: view[k] for k in oracle.progress(key)} == oracle.progress(key), key

    for key in oracle.by_originator:
        pages = all_pages(lambda cursor, key=key: read.timeline(key, cursor=cursor, limit=7, case_only=False))  # type: ignore[misc]
        assert [(i.version, i.type, i.summary, i.actor) for i in pages] == oracle.timeline(key), key
        trail = read.audit(key, case_only=False).items  # type: ignore[arg-type]
        assert [(i.version, i.hash, i.prev_hash) for i in trail] == oracle.audit(key), key

    deadlines = read.open_deadlines()
    assert sorted((d.case_id, d.deadline_id, d.due_at) for d in deadlines) == oracle.open_deadlines()
    for department in Department:
        queue = read.queue(str(department), limit=500).items
        assert sorted((t.case_id, t.task_id) for t in queue) == oracle.queue(str(department))

    counters, by_tier, simple = oracle.portfolio()
    report = read.portfolio_report()
    assert {k: v for k, v in report.counters.items() if v} == {k: v for k, v in counters.items() if v}
    for name, value in simple.items():
        assert report.counters.get(name, 0) == value, name
    view_balance = {t: int(v.replace(".", "")) for t, v in report.overdue_balance_by_tier.items()}
    assert {t: v for t, v in view_balance.items() if v} == {t: v for t, v in by_tier.items() if v}
    assert sum(view_balance.values()) == oracle.open_balance_fen()

    channels: dict[tuple[Any, ...], dict[str, int]] = {}
    for segment in read.channel_report().items:
        for c in segment.channels:
            key = (segment.industry, segment.region, segment.tier, c.channel)
            counts = c.model_dump(include={"attempts", "rpc", "promises", "kept", "paid_7d"})
            channels[key] = {k: v for k, v in counts.items() if v}
    assert channels == {k: {n: v for n, v in c.items() if v} for k, c in oracle.channels().items()}

    requirements, overrides = oracle.compliance()
    with container.projections.store.reading() as tx:
        rows = tx.query("SELECT * FROM compliance_requirements")
    stored = {(r["case_id"], int(r["seq"])): (r["status"], r["due_at"], r["met_by"]) for r in rows}
    assert stored == {k: (r["status"], r["due_at"], r["met_by"]) for k, r in requirements.items()}
    compliance = read.compliance_report()
    assert sorted((o.case_id, o.version, o.actor.user_id, o.actor.role) for o in compliance.overrides) == sorted(
        (o[0], o[1], o[5], o[6]) for o in overrides
    )
    assert sum(Counter(compliance.by_status).values()) == len(requirements)
