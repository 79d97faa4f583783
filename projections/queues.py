"""Department queues: every task given to a department, open ones first by due time."""

from __future__ import annotations

from collections.abc import Sequence

from domain.case.events import TaskAssigned, TaskCompleted
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View, utc_text

COLUMNS = ("case_id", "task_id", "department", "title", "due_at", "assignee", "status", "assigned_at", "version")


class QueuesView(View):
    """One row per task, indexed by department and due time."""

    name = "queues"
    weight = 1
    tables = ("tasks",)

    def schema(self) -> list[str]:
        """Tasks and the indexes queues and worklists read."""
        return [
            "CREATE TABLE IF NOT EXISTS tasks ("
            "case_id TEXT NOT NULL, task_id TEXT NOT NULL, department TEXT NOT NULL, title TEXT NOT NULL, "
            "due_at TEXT, assignee TEXT NOT NULL, status TEXT NOT NULL, assigned_at TEXT NOT NULL, "
            "version BIGINT NOT NULL, PRIMARY KEY (case_id, task_id))",
            "CREATE INDEX IF NOT EXISTS tasks_queue ON tasks (department, status, due_at)",
            "CREATE INDEX IF NOT EXISTS tasks_assignee ON tasks (assignee, status, due_at)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Insert assigned tasks; mark completed ones done."""
        upserts: dict[tuple[str, str], list[object]] = {}
        done: list[tuple[str, str]] = []
        for envelope in batch:
            event = envelope.typed()
            case_id = envelope.key
            if isinstance(event, TaskAssigned):
                key = (case_id, event.task_id)
                upserts[key] = [
                    *key,
                    str(event.department),
                    event.title,
                    utc_text(event.due_at),
                    event.assignee,
                    "open",
                    utc_text(event.occurred_at),
                    envelope.version,
                ]
            elif isinstance(event, TaskCompleted):
                key = (case_id, event.task_id)
                if key in upserts:
                    upserts[key][6] = "done"
                else:
                    done.append(key)
        tx.upsert("tasks", ("case_id", "task_id"), COLUMNS, [tuple(r) for r in upserts.values()])
        tx.executemany("UPDATE tasks SET status = 'done' WHERE case_id = ? AND task_id = ?", done)
