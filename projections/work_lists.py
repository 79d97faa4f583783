"""Lists of work: a collector's worklist (their open cases by next person's act, and the open tasks given to them),
a department's queue, and who the database knows from assignments; each paged with its total."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from infrastructure.view_store import ViewTx
from projections.case_lists import cases_by_id
from projections.models import Queue, QueueItem, UserSummary, Worklist, WorklistItem
from projections.next_action import due_words
from projections.paging import decode_cursor, encode_cursor

#: what an item without a due time sorts as (last): a time in the stored form, so it orders as they do
NEVER = "9999-12-31T23:59:59.999999+00:00"
#: the department whose tasks a collector does
ROLE_OF_DEPARTMENT = {"collections": "collector"}

_WORK = (
    "SELECT * FROM ("
    "SELECT 'case' AS kind, case_id, '' AS task_id, '' AS title, COALESCE(next_act_due, ?) AS due "
    "FROM case_progress WHERE collector = ? AND status = 'open' "
    "UNION ALL "
    "SELECT 'task' AS kind, case_id, task_id, title, COALESCE(due_at, ?) AS due "
    "FROM tasks WHERE assignee = ? AND status = 'open'"
    ") w"
)


def worklist_page(tx: ViewTx, collector: str, cursor: str | None, size: int, zone: ZoneInfo, now: datetime) -> Worklist:
    """A page of a collector's work, earliest due first: each open case of theirs named by its next person's act
    (``visit due 12-08``), and each open task assigned to them."""
    total = int(
        tx.query("SELECT COUNT(*) AS n FROM case_progress WHERE collector = ? AND status = 'open'", [collector])[0]["n"]
    ) + int(tx.query("SELECT COUNT(*) AS n FROM tasks WHERE assignee = ? AND status = 'open'", [collector])[0]["n"])
    params: list[Any] = [NEVER, collector, NEVER, collector]
    after = ""
    if cursor:
        after = " WHERE (due, kind, case_id, task_id) > (?, ?, ?, ?)"
        params += decode_cursor(cursor, 4, str, str, str, str)
    rows = tx.query(f"{_WORK}{after} ORDER BY due, kind, case_id, task_id LIMIT ?", [*params, size + 1])
    page = rows[:size]
    cases = {case.case_id: case for case in cases_by_id(tx, sorted({r["case_id"] for r in page}), zone, now)}
    items = []
    for row in page:
        case = cases.get(row["case_id"])
        due = None if row["due"] == NEVER else row["due"]
        context: dict[str, Any] = {}
        if case is not None:
            context = {
                "loan_id": case.loan_id,
                "tier": case.tier,
                "firm_name": case.firm_name,
                "days_past_due": case.days_past_due,
            }
        if row["kind"] == "task":
            what = f"task: {row['title']}" + (f" {due_words(due, zone, now)}" if due else "")
            items.append(
                WorklistItem(case_id=row["case_id"], kind="task", id=row["task_id"], what=what, due_at=due, **context)
            )
            continue
        act = case.next_action if case is not None else None
        what = act.label if act is not None else "nothing due: no open deadline or task a person meets"
        items.append(
            WorklistItem(case_id=row["case_id"], kind="case", what=what, due_at=due, next_action=act, **context)
        )
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = encode_cursor(last["due"], last["kind"], last["case_id"], last["task_id"])
    return Worklist(collector=collector, items=items, total=total, limit=size, next_cursor=next_cursor)


def queue_page(tx: ViewTx, department: str, include_done: bool, cursor: str | None, size: int) -> Queue:
    """A page of a department's tasks, earliest due first (those without a due time last)."""
    where = "department = ?" + ("" if include_done else " AND status = 'open'")
    params: list[Any] = [department]
    total = int(tx.query(f"SELECT COUNT(*) AS n FROM tasks WHERE {where}", params)[0]["n"])
    order = "COALESCE(due_at, ?), case_id, task_id"
    after = ""
    if cursor:
        after = f" AND ({order}) > (?, ?, ?)"
        params += [NEVER, *decode_cursor(cursor, 3, str, str, str)]
    rows = tx.query(
        f"SELECT *, COALESCE(due_at, ?) AS due FROM tasks WHERE {where}{after} ORDER BY {order} LIMIT ?",
        [NEVER, *params, NEVER, size + 1],
    )
    items = [QueueItem.model_validate(r) for r in rows[:size]]
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = encode_cursor(last["due"], last["case_id"], last["task_id"])
    return Queue(department=department, items=items, total=total, limit=size, next_cursor=next_cursor)


def known_users(tx: ViewTx) -> list[UserSummary]:
    """Everyone the views know from assignments: collectors with cases, assignees of tasks (in their department's
    role), and the people who assigned them; most open cases first."""
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def user(user_id: str, role: str) -> dict[str, Any]:
        return found.setdefault(
            (user_id, role), {"user_id": user_id, "role": role, "open_cases": 0, "cases": 0, "open_tasks": 0}
        )

    for row in tx.query(
        "SELECT collector, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_cases, COUNT(*) AS cases "
        "FROM case_progress WHERE collector IS NOT NULL GROUP BY collector"
    ):
        entry = user(row["collector"], "collector")
        entry["open_cases"], entry["cases"] = int(row["open_cases"]), int(row["cases"])
    for row in tx.query(
        "SELECT assignee, department, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_tasks FROM tasks "
        "WHERE assignee <> '' GROUP BY assignee, department"
    ):
        role = str(ROLE_OF_DEPARTMENT.get(row["department"], row["department"]))
        user(row["assignee"], role)["open_tasks"] += int(row["open_tasks"])
    for row in tx.query(
        "SELECT DISTINCT actor_user, actor_role FROM timeline WHERE type IN ('CollectorAssigned', 'TaskAssigned') "
        "AND actor_user IS NOT NULL AND COALESCE(actor_role, 'system') <> 'system'"
    ):
        user(str(row["actor_user"]), str(row["actor_role"]))
    users = [UserSummary(**entry) for entry in found.values()]
    return sorted(users, key=lambda u: (-u.open_cases, -u.open_tasks, u.user_id, u.role))


def busiest_collector(tx: ViewTx) -> tuple[str, int] | None:
    """The collector with the most open cases and how many (None when no open case has a collector)."""
    rows = tx.query(
        "SELECT collector, COUNT(*) AS n FROM case_progress WHERE status = 'open' AND collector IS NOT NULL "
        "GROUP BY collector ORDER BY COUNT(*) DESC, collector LIMIT 1"
    )
    return (str(rows[0]["collector"]), int(rows[0]["n"])) if rows else None
