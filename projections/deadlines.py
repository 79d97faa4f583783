"""Open deadlines by due time: what the scheduler reads to know what to fire."""

from __future__ import annotations

from collections.abc import Sequence

from domain.case.events import DeadlineCancelled, DeadlineExpired, DeadlineMet, DeadlineSet
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View, utc_text

COLUMNS = ("case_id", "deadline_id", "kind", "due_at", "action", "status", "set_version")


class DeadlinesView(View):
    """One row per deadline; open ones are indexed by due time."""

    name = "deadlines"
    weight = 1
    tables = ("deadlines",)

    def schema(self) -> list[str]:
        """Deadlines and the index the scheduler scans."""
        return [
            "CREATE TABLE IF NOT EXISTS deadlines ("
            "case_id TEXT NOT NULL, deadline_id TEXT NOT NULL, kind TEXT NOT NULL, due_at TEXT NOT NULL, "
            "action TEXT NOT NULL, status TEXT NOT NULL, set_version BIGINT NOT NULL, "
            "PRIMARY KEY (case_id, deadline_id))",
            "CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines (status, due_at)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Insert set deadlines; mark met, cancelled and expired ones."""
        upserts: dict[tuple[str, str], tuple[object, ...]] = {}
        closes: list[tuple[str, str, str]] = []
        for envelope in batch:
            event = envelope.typed()
            case_id = envelope.key
            if isinstance(event, DeadlineSet):
                key = (case_id, event.deadline_id)
                upserts[key] = (*key, event.kind, utc_text(event.due_at), event.action, "open", envelope.version)
            elif isinstance(event, DeadlineMet | DeadlineCancelled | DeadlineExpired):
                status = {DeadlineMet: "met", DeadlineCancelled: "cancelled", DeadlineExpired: "expired"}[type(event)]
                key = (case_id, event.deadline_id)
                if key in upserts:
                    upserts[key] = (*upserts[key][:5], status, upserts[key][6])
                else:
                    closes.append((status, case_id, event.deadline_id))
        tx.upsert("deadlines", ("case_id", "deadline_id"), COLUMNS, list(upserts.values()))
        tx.executemany("UPDATE deadlines SET status = ? WHERE case_id = ? AND deadline_id = ?", closes)
