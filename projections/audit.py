"""Audit trail: a per-aggregate sha256 hash chain over each stored event's canonical bytes, heads sealed."""

from __future__ import annotations

from collections.abc import Sequence

from infrastructure.view_store import ViewTx
from projections.audit_chain import GENESIS, chain_hash, seal
from projections.base import Envelope, View

COLUMNS = ("originator_id", "version", "position", "type", "hash", "prev_hash", "recorded_at")
HEAD_COLUMNS = ("originator_id", "version", "hash", "seal")


class AuditTrailView(View):
    """Every stored event chained to the one before it in the same aggregate; every event kind, known or not."""

    name = "audit"
    weight = 3
    tables = ("audit_trail", "audit_heads")

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key

    def schema(self) -> list[str]:
        """The links and the sealed heads."""
        return [
            "CREATE TABLE IF NOT EXISTS audit_trail ("
            "originator_id TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL, type TEXT NOT NULL, "
            "hash TEXT NOT NULL, prev_hash TEXT NOT NULL, recorded_at TEXT, PRIMARY KEY (originator_id, version))",
            "CREATE TABLE IF NOT EXISTS audit_heads ("
            "originator_id TEXT PRIMARY KEY, version BIGINT NOT NULL, hash TEXT NOT NULL, seal TEXT)",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Extend each aggregate's chain and re-seal its head."""
        ids = sorted({e.key for e in batch})
        heads = {
            row["originator_id"]: (row["version"], row["hash"])
            for row in tx.select_in("audit_heads", "originator_id", ids)
        }
        rows = []
        for envelope in batch:
            key = envelope.key
            version, prev = heads.get(key, (0, GENESIS))
            if envelope.version != version + 1:
                raise ValueError(f"{key} v{envelope.version} does not follow the chain head v{version}")
            link = chain_hash(prev, key, envelope.version, envelope.topic, envelope.state)
            rows.append((key, envelope.version, envelope.position, envelope.type, link, prev, envelope.recorded_at))
            heads[key] = (envelope.version, link)
        tx.insert("audit_trail", COLUMNS, rows)
        touched = {row[0] for row in rows}
        tx.upsert(
            "audit_heads",
            ("originator_id",),
            HEAD_COLUMNS,
            [(k, heads[k][0], heads[k][1], seal(self.key, k, *heads[k])) for k in sorted(touched)],
        )
