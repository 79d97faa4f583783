"""The enterprise directory: one row per enterprise (name, credit code, industry, region) with search keys, for
finding cases by firm name or credit code and for listing enterprises."""

from __future__ import annotations

from collections.abc import Sequence

from domain.enterprise.events import EnterpriseRegistered, ProfileUpdated
from infrastructure.view_store import PATTERN_OPS, ViewTx
from projections.base import Envelope, View, utc_text
from projections.search_keys import search_key

COLUMNS = (
    "enterprise_id",
    "credit_code",
    "name",
    "industry",
    "region",
    "name_key",
    "code_key",
    "registered_at",
    "version",
)


class EnterprisesView(View):
    """One row per enterprise, its name and credit code also as search keys (indexed for prefix searches)."""

    name = "enterprises"
    weight = 1
    tables = ("enterprises",)

    def schema(self) -> list[str]:
        """The directory and its prefix indexes."""
        return [
            "CREATE TABLE IF NOT EXISTS enterprises ("
            "enterprise_id TEXT PRIMARY KEY, credit_code TEXT NOT NULL, name TEXT NOT NULL, industry TEXT NOT NULL, "
            "region TEXT NOT NULL, name_key TEXT NOT NULL, code_key TEXT NOT NULL, registered_at TEXT, "
            "version BIGINT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS enterprises_name ON enterprises (name_key {PATTERN_OPS})",
            f"CREATE INDEX IF NOT EXISTS enterprises_code ON enterprises (code_key {PATTERN_OPS})",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Insert registered enterprises; replace a profile's name, code, industry and region when it changes."""
        rows: dict[str, tuple[object, ...]] = {}
        updates: list[tuple[object, ...]] = []
        for envelope in batch:
            event = envelope.typed()
            if not isinstance(event, EnterpriseRegistered | ProfileUpdated):
                continue
            registration = event.registration
            fields = (
                registration.credit_code,
                registration.name,
                registration.industry,
                registration.region,
                search_key(registration.name),
                search_key(registration.credit_code),
            )
            if isinstance(event, EnterpriseRegistered):
                rows[envelope.key] = (envelope.key, *fields, utc_text(event.occurred_at), envelope.version)
            elif envelope.key in rows:
                rows[envelope.key] = (envelope.key, *fields, rows[envelope.key][7], envelope.version)
            else:
                updates.append((*fields, envelope.version, envelope.key))
        tx.upsert("enterprises", ("enterprise_id",), COLUMNS, list(rows.values()))
        tx.executemany(
            "UPDATE enterprises SET credit_code = ?, name = ?, industry = ?, region = ?, name_key = ?, code_key = ?, "
            "version = ? WHERE enterprise_id = ?",
            updates,
        )
