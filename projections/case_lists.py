"""Finding cases and enterprises: the case list with its filters and search (loan id, firm name, credit code; prefix
and exact), the enterprise list, each paged with its total."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from domain.rules import local_date
from infrastructure.view_store import Row, ViewTx
from projections.base import fen_text
from projections.models import (
    CaseDeadline,
    CaseList,
    CaseProgress,
    EnterpriseList,
    EnterpriseSummary,
    NextAction,
)
from projections.next_action import label, next_act
from projections.paging import decode_cursor, encode_cursor
from projections.progress import position_of
from projections.search_keys import search_key

#: a case row with its borrower's name and credit code
CASE_COLUMNS = "c.*, e.name AS firm_name, e.credit_code AS firm_code"
CASE_TABLES = "case_progress c LEFT JOIN enterprises e ON e.enterprise_id = c.enterprise_id"


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to (None: any)."""

    tier: str | None = None
    status: str | None = None
    collector: str | None = None
    department: str | None = None
    #: a loan id, firm name or credit code, or the start of one
    q: str | None = None


def progress_item(row: Row, zone: ZoneInfo, now: datetime) -> CaseProgress:
    """A case_progress row (with its firm's name and code when joined) as the API's case (DESIGN.md §6 names); its
    money and days past due are the one position function's on ``now``'s day in the case's zone (penalty accrues and
    days pass between events)."""
    pending = orjson.loads(row["pending"])
    facts = orjson.loads(row["facts"])
    money = {"outstanding_fen": row["outstanding_fen"], "overdue_fen": row["overdue_fen"]}
    days_past_due = facts.get("days_past_due")
    if "dues" in facts and row["status"] != "closed":  # the one position function's figures today, in its zone
        today = position_of(facts, local_date(now, facts["timezone"]))
        money = {"outstanding_fen": today.outstanding_fen, "overdue_fen": today.overdue_fen}
        days_past_due = today.days_past_due
        if today.overdue_since is not None:
            facts["overdue_since"] = today.overdue_since.isoformat()
    deadlines = sorted(
        (CaseDeadline(deadline_id=key, **value) for key, value in facts.get("deadlines", {}).items()),
        key=lambda d: (d.due_at or "", d.deadline_id),
    )
    act = next_act(facts, pending) if row["status"] == "open" else None
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
        outstanding=fen_text(money["outstanding_fen"]) or "",
        overdue_amount=fen_text(money["overdue_fen"]),
        paid=fen_text(row["paid_fen"]) or "",
        opened_at=row["opened_at"],
        last_contact_at=row["last_contact_at"],
        next_action_due=row["next_action_due"],
        contact_counts=orjson.loads(row["contacts"]),
        open_deadlines=sum(1 for k in pending if k.startswith("d:")),
        open_tasks=sum(1 for k in pending if k.startswith("t:")),
        overdue_since=facts.get("overdue_since"),
        disputed=facts.get("disputed"),
        days_past_due=days_past_due,
        classification=facts.get("classification"),
        limitation_ends_on=facts.get("limitation_ends_on"),
        policy_version=facts.get("policy_version"),
        deadlines=deadlines,
        firm_name=row.get("firm_name"),
        credit_code=row.get("firm_code"),
        next_action=NextAction(**act, label=label(act, zone, now)) if act else None,
    )


def cases_by_id(tx: ViewTx, case_ids: list[str], zone: ZoneInfo, now: datetime) -> list[CaseProgress]:
    """These cases (with their firms), in the order given."""
    if not case_ids:
        return []
    marks = ", ".join("?" for _ in case_ids)
    rows = tx.query(f"SELECT {CASE_COLUMNS} FROM {CASE_TABLES} WHERE c.case_id IN ({marks})", case_ids)
    found = {row["case_id"]: progress_item(row, zone, now) for row in rows}
    return [found[case_id] for case_id in case_ids if case_id in found]


def _search(tx: ViewTx, key: str) -> tuple[str, list[Any], str, list[Any]]:
    """The condition a search key puts on cases (loan id, firm name or credit code starting with it), and the rank
    of a found case (0: one of them is the key exactly, 1: starts with it), each with its parameters."""
    loan, loan_params = tx.prefix_match("loan_key", key)
    name, name_params = tx.prefix_match("f.name_key", key)
    code, code_params = tx.prefix_match("f.code_key", key)
    firms = "SELECT p.case_id FROM enterprises f JOIN case_progress p ON p.enterprise_id = f.enterprise_id WHERE"
    # a union of three index lookups (an OR across the two tables would scan every case)
    where = f"c.case_id IN (SELECT case_id FROM case_progress WHERE {loan} UNION {firms} {name} UNION {firms} {code})"
    rank = "(CASE WHEN c.loan_key = ? OR e.name_key = ? OR e.code_key = ? THEN 0 ELSE 1 END)"
    return where, [*loan_params, *name_params, *code_params], rank, [key, key, key]


def case_page(tx: ViewTx, wanted: CaseFilter, cursor: str | None, size: int, zone: ZoneInfo, now: datetime) -> CaseList:
    """A page of cases by filters: by case id, or when searching, exact matches first, then by loan id."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("c.tier", wanted.tier), ("c.status", wanted.status), ("c.collector", wanted.collector)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if wanted.department is not None:
        clauses.append("c.departments LIKE ?")
        params.append(f"%,{wanted.department},%")
    key = search_key(wanted.q) if wanted.q is not None else None
    if key is not None:
        found, found_params, rank, rank_params = _search(tx, key)
        clauses.append(found)
        params += found_params
        order, order_params = [rank, "c.loan_key", "c.case_id"], rank_params
    else:
        rank, order, order_params = "0", ["c.case_id"], []
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    # a search's first page counts what it found in the same pass (a window over the found rows); otherwise a count
    counted = key is not None and not cursor
    total = 0 if counted else int(tx.query(f"SELECT COUNT(*) AS n FROM case_progress c{where}", params)[0]["n"])
    after, after_params = "", []
    if cursor:
        last = decode_cursor(cursor, len(order), *((int, str, str) if key is not None else (str,)))
        marks = ", ".join("?" for _ in order)
        after = f"{' AND' if where else ' WHERE'} ({', '.join(order)}) > ({marks})"
        after_params = [*order_params, *last]
    # the page's keys first (narrow rows sort fast), then its cases whole
    keys = f"c.case_id, c.loan_key, {rank} AS found_rank" + (", COUNT(*) OVER () AS found" if counted else "")
    sql = f"SELECT {keys} FROM {CASE_TABLES}{where}{after} ORDER BY {', '.join(order)}"
    rows = tx.query(f"{sql} LIMIT ?", [*order_params, *params, *after_params, *order_params, size + 1])
    if counted:
        total = int(rows[0]["found"]) if rows else 0
    items = cases_by_id(tx, [r["case_id"] for r in rows[:size]], zone, now)
    next_cursor = None
    if len(rows) > size:
        last_row = rows[size - 1]
        if key is not None:
            next_cursor = encode_cursor(int(last_row["found_rank"]), last_row["loan_key"], last_row["case_id"])
        else:
            next_cursor = encode_cursor(last_row["case_id"])
    return CaseList(items=items, total=total, limit=size, next_cursor=next_cursor)


def enterprise_page(tx: ViewTx, q: str | None, cursor: str | None, size: int) -> EnterpriseList:
    """A page of enterprises by name (searching: by name or credit code starting with ``q``, exact ones first)."""
    key = search_key(q) if q is not None else None
    where, params, order, rank_params = "", [], ["name_key", "enterprise_id"], []
    if key is not None:
        name, name_params = tx.prefix_match("name_key", key)
        code, code_params = tx.prefix_match("code_key", key)
        where, params = f" WHERE ({name} OR {code})", [*name_params, *code_params]
        order, rank_params = ["(CASE WHEN name_key = ? OR code_key = ? THEN 0 ELSE 1 END)", *order], [key, key]
    total = int(tx.query(f"SELECT COUNT(*) AS n FROM enterprises{where}", params)[0]["n"])
    after, after_params = "", []
    if cursor:
        last = decode_cursor(cursor, len(order), *((int, str, str) if key is not None else (str, str)))
        after = f"{' AND' if where else ' WHERE'} ({', '.join(order)}) > ({', '.join('?' for _ in order)})"
        after_params = [*rank_params, *last]
    rows = tx.query(
        f"SELECT *, {order[0]} AS sort_first FROM enterprises{where}{after} ORDER BY {', '.join(order)} LIMIT ?",
        [*rank_params, *params, *after_params, *rank_params, size + 1],
    )
    items = [EnterpriseSummary.model_validate(r) for r in rows[:size]]
    next_cursor = None
    if len(rows) > size:
        last_row = rows[size - 1]
        parts = [last_row["name_key"], last_row["enterprise_id"]]
        next_cursor = encode_cursor(*([int(last_row["sort_first"]), *parts] if key is not None else parts))
    return EnterpriseList(items=items, total=total, limit=size, next_cursor=next_cursor)
