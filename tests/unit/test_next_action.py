"""A case's next action, named as a collector reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from projections.next_action import label, next_act

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def deadline(kind: str, due_at: str, met_by: list[str]) -> dict[str, object]:
    return {"kind": kind, "due_at": due_at, "action": "remind", "met_by": met_by}


def test_the_earliest_deadline_or_task_names_the_next_action_but_never_a_ledger_review() -> None:
    facts = {
        "deadlines": {
            "review-1": deadline("ledger_review", "2026-12-06T16:00:00.000000+00:00", []),
            "visit-1": deadline("visit", "2026-12-07T17:00:00.000000+00:00", ["visit"]),
            "reminder-1": deadline("reminder", "2026-12-09T01:00:00.000000+00:00", []),
        },
        "tasks": {"t1": "Supply the loan file"},
    }
    pending = {"d:review-1": ["...", None], "t:t1": ["2026-12-08T01:00:00.000000+00:00", "credit"]}
    act = next_act(facts, pending)
    assert act == {"what": "visit", "due_at": "2026-12-07T17:00:00.000000+00:00", "ref": "deadline:visit-1"}
    assert label(act, SHANGHAI, NOW) == "visit due 12-08"  # 17:00 UTC on 12-07 is 01:00 on 12-08 in Shanghai
    del facts["deadlines"]["visit-1"]  # type: ignore[attr-defined]
    task = next_act(facts, pending)
    assert task is not None and label(task, SHANGHAI, NOW) == "credit task: Supply the loan file due 12-08"
    assert next_act({"deadlines": {"review-1": facts["deadlines"]["review-1"]}}, {}) is None  # type: ignore[index]


def test_a_passed_action_says_overdue_and_another_year_names_its_year() -> None:
    passed = {"what": "promise", "due_at": "2026-12-01T01:00:00+00:00", "ref": "deadline:p"}
    assert label(passed, SHANGHAI, NOW) == "promise overdue since 12-01"
    later = {"what": "limitation warning", "due_at": "2029-07-22T01:00:00+00:00", "ref": "deadline:l"}
    assert label(later, SHANGHAI, NOW) == "limitation warning due 2029-07-22"
