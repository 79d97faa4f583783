"""Timeline: every event of a case (or enterprise), one readable line each, paged in business-time order
(``occurred_at``: when it happened; a payment's is its value date), with ``recorded_at`` for known_at reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.narration import describe
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View, utc_text
from projections.sealed_text import SealedText

COLUMNS = (
    "originator_id",
    "version",
    "position",
    "type",
    "occurred_at",
    "recorded_at",
    "actor_user",
    "actor_role",
    "summary",
)


class TimelineView(View):
    """One row per stored event, keyed by (aggregate, version)."""

    name = "timeline"
    weight = 5
    tables = ("timeline",)
    #: 2: the actor as two columns (user, role) instead of one text; 3: an index for known_at reads;
    #: 4: summaries sealed under a cipher key
    version = 4

    def __init__(self, cipher: object | None = None) -> None:
        #: summaries name contact persons: with ARREARS_CIPHER_KEY set they are stored encrypted
        self.text = SealedText(cipher)

    def schema(self) -> list[str]:
        """The rows and the index the pages walk."""
        return [
            "CREATE TABLE IF NOT EXISTS timeline ("
            "originator_id TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL, type TEXT NOT NULL, "
            "occurred_at TEXT, recorded_at TEXT, actor_user TEXT, actor_role TEXT, summary TEXT NOT NULL, "
            "PRIMARY KEY (originator_id, version))",
            "CREATE INDEX IF NOT EXISTS timeline_order ON timeline (originator_id, occurred_at, version)",
            "CREATE INDEX IF NOT EXISTS timeline_known ON timeline (originator_id, recorded_at)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Append a row per event."""
        rows = []
        for envelope in batch:
            event = envelope.typed()
            if event is None:  # a kind this process does not know yet: still shown
                raw = envelope.raw or {}
                occurred = raw.get("occurred_at") or raw.get("timestamp")
                actor = raw.get("actor")
                rows.append(
                    (
                        envelope.key,
                        envelope.version,
                        envelope.position,
                        envelope.type,
                        utc_text(datetime.fromisoformat(occurred)) if isinstance(occurred, str) else None,
                        utc_text(datetime.fromisoformat(raw["timestamp"])) if "timestamp" in raw else None,
                        *_raw_actor(actor),
                        envelope.type,
                    )
                )
                continue
            actor = getattr(event, "actor", None)
            rows.append(
                (
                    envelope.key,
                    envelope.version,
                    envelope.position,
                    envelope.type,
                    utc_text(occurred) if (occurred := getattr(event, "occurred_at", None)) else envelope.recorded_at,
                    envelope.recorded_at,
                    actor.user_id if actor is not None else None,
                    str(actor.role) if actor is not None else None,
                    self.text.seal(describe(event)),
                )
            )
        tx.insert("timeline", COLUMNS, rows)


def _raw_actor(actor: Any) -> tuple[str | None, str | None]:
    """The user and role of an event of unknown kind, from its decoded JSON (None where absent)."""
    if not isinstance(actor, dict) or not isinstance(actor.get("user_id"), str):
        return None, None
    role = actor.get("role")
    return actor["user_id"], role if isinstance(role, str) else None
