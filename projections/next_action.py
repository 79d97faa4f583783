"""A case's next action, named: the earliest open deadline a person meets (a visit, a promise, a payment...) or open
task, shown as a collector reads it ("visit due 12-08") in the business zone.

The scheduler's ledger reviews (a scheduled loan's next due day, when the scheduler itself re-reads the ledger) are
bookkeeping: they never name a case's next action (``next_action_due`` still counts them). Every other open deadline
does, those that only time something (a reminder, a limitation warning) as much as those a person meets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.case.arrears import REVIEW_KIND

#: deadline kinds the scheduler sets for itself, which no person acts on
BOOKKEEPING = frozenset({REVIEW_KIND})

#: deadline kinds in words (others: the kind with its underscores as spaces)
KIND_NAMES = {
    "payment_or_promise": "payment or promise",
    "lawyers_letter": "lawyer's letter",
    "agreement_or_payment": "agreement or payment",
    "recontact": "re-contact",
    "installment": "instalment",
}


def kind_name(kind: str) -> str:
    """A deadline kind as words."""
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def next_act(facts: dict[str, Any], pending: dict[str, list[Any]]) -> dict[str, Any] | None:
    """The earliest open person's act of a case (``{"what", "due_at", "ref"}``; times as stored), or None.

    ``facts["deadlines"]`` holds the open deadlines with what meets them, ``pending`` the open deadlines and tasks
    (``t:<id>`` → [due, department]), ``facts["tasks"]`` the open tasks' titles."""
    found: list[tuple[str, str, str]] = []
    for deadline_id, deadline in facts.get("deadlines", {}).items():
        if deadline.get("kind") not in BOOKKEEPING and deadline.get("due_at"):
            found.append((deadline["due_at"], kind_name(str(deadline.get("kind", ""))), f"deadline:{deadline_id}"))
    titles: dict[str, str] = facts.get("tasks", {})
    for key, (due, department) in pending.items():
        if key.startswith("t:") and due is not None:
            task_id = key[2:]
            found.append((due, f"{department} task: {titles.get(task_id, task_id)}", f"task:{task_id}"))
    if not found:
        return None
    due, what, ref = min(found)
    return {"what": what, "due_at": due, "ref": ref}


def due_words(due_at: str, zone: ZoneInfo, now: datetime) -> str:
    """``due 12-08`` (``overdue since 12-08`` once passed): the day in the business zone, with its year when that
    is not this year."""
    due = datetime.fromisoformat(due_at)
    local, today = due.astimezone(zone), now.astimezone(zone)
    day = f"{local:%m-%d}" if local.year == today.year else f"{local:%Y-%m-%d}"
    return f"{'overdue since' if due < now else 'due'} {day}"


def label(act: dict[str, Any], zone: ZoneInfo, now: datetime) -> str:
    """``visit due 12-08``: what, and when in the business zone."""
    return f"{act['what']} {due_words(act['due_at'], zone, now)}"
