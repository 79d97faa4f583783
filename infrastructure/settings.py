"""Process settings, read once from ``ARREARS_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infrastructure.database_url import DatabaseUrl


class Settings(BaseSettings):
    """Everything a process of arrears can be configured with."""

    model_config = SettingsConfigDict(env_prefix="ARREARS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./arrears.db",
        description="sqlite:///PATH (embedded default) or postgresql://user[:password]@host[:port]/db",
    )
    database_schema: str = Field(default="", description="PostgreSQL schema for the tables (default: public)")
    read_database_url: str = Field(
        default="",
        description="PostgreSQL: a streaming replica of the database the views are read from (the same schema); "
        "writes, the projections' own work and the aggregates stay on ARREARS_DATABASE_URL (docs/scaling.md)",
    )
    replica_wait_seconds: float = Field(
        default=0.5,
        ge=0,
        le=30,
        description="how long a read waits for the replica to replay the caller's last write before it is "
        "answered from the primary instead",
    )
    cipher_key: SecretStr | None = Field(
        default=None, description="base64 AES key (16, 24 or 32 bytes); encrypts stored events at rest"
    )
    snapshot_interval: int | None = Field(
        default=None,
        ge=1,
        description="take a snapshot of an aggregate every N events (default: 20 on SQLite, 100 on PostgreSQL)",
    )
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="full",
        description="SQLite's fsync per commit: full (a committed write survives a power cut) or normal (WAL: the "
        "file stays consistent, the last commits may be lost to a power cut; `arrears demo` uses it)",
    )
    aggregate_cache_size: int = Field(default=10_000, ge=0, description="aggregates kept in memory (0 = off)")
    async_inserts: bool = Field(
        default=False,
        description="PostgreSQL: API writes hand their insert to a thread and await it, so the event loop goes on "
        "(about twice the closed-loop writes, a longer latency tail; off: the loop waits for each insert)",
    )
    pool_size: int = Field(default=10, ge=1, description="PostgreSQL connections per process")
    lock_timeout_seconds: int = Field(default=5, ge=0, description="how long a writer waits for the table lock")
    db_timeout_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="PostgreSQL: the longest a request waits for a connection (an unreachable database is then a 503)",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="signs API bearer tokens (HS256); unset on SQLite: a dev key is generated next to the db file",
    )
    token_ttl_seconds: int = Field(default=8 * 3600, ge=1, description="default lifetime of an issued token")
    api_threads: int = Field(default=8, ge=1, description="threads per API process that run requests")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1, description="larger request bodies are refused (413)")
    idempotency_ttl_seconds: int = Field(
        default=60, ge=1, description="an unfinished Idempotency-Key reservation older than this may be taken over"
    )
    idempotency_retention_seconds: int = Field(
        default=24 * 3600,
        ge=60,
        description="an Idempotency-Key is kept this long after its first use, then forgotten (purged by the "
        "scheduler; a retry after it is a new request)",
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="a request's line and headers together may hold this many bytes; more is refused (431)",
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="a connection must deliver a request's line and headers within this many seconds of opening "
        "(or of the request's first byte); otherwise it is closed (408)",
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="a request's body must arrive within this many seconds of its headers; otherwise the "
        "connection is closed and nothing is done",
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, le=300, description="an idle keep-alive connection is closed after this many seconds"
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="HMAC key sealing the audit trail's chain heads (any string; keep it off the database)",
    )
    log_key: SecretStr | None = Field(
        default=None,
        description="the transparency log's Ed25519 signing key (PRIVATE+KEY+name+id+base64, as `arrears log keygen` "
        "prints it); keep it off the database",
    )
    log_key_file: Path | None = Field(
        default=None,
        description="a file holding the log's signing key (generated there once if missing); default on SQLite: "
        "next to the db file (<db>-log-key)",
    )
    log_origin: str = Field(
        default="arrears.local/log", description="the log's name (checkpoint origin) when a key is generated"
    )
    witness_dir: Path | None = Field(
        default=None,
        description="the local witness's state directory (its own key and the newest checkpoint it cosigned); "
        "default on SQLite: <db>-witness",
    )
    witness_url: str | None = Field(
        default=None, description="a remote witness (`arrears witness serve` or any C2SP tlog-witness) instead"
    )
    witness_key: str | None = Field(default=None, description="the remote witness's verifier key (vkey)")
    checkpoint_seconds: float = Field(
        default=60.0, ge=0, description="how often `serve` and `worker` publish and witness a checkpoint (0: never)"
    )
    projection_batch_size: int = Field(default=2000, ge=1, description="events per projection transaction")
    projection_poll_seconds: float = Field(default=0.5, gt=0, description="how often SQLite is polled for new events")
    projection_throttle_seconds: float = Field(
        default=0.0, ge=0, description="pause after each projection batch (tests of crashes mid catch-up)"
    )
    rebuild_processes: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="processes a rebuild of several views spreads them over (default: one per core on PostgreSQL, "
        "1 on SQLite, whose one writer they would queue on)",
    )
    scheduler_tick_seconds: float = Field(
        default=30.0,
        ge=0,
        description="how often `arrears serve` and `arrears worker` fire the due deadlines (0: never)",
    )
    scheduler_workers: int = Field(
        default=4, ge=1, le=64, description="threads a tick fires the due deadlines of different cases on"
    )
    business_zone: str = Field(
        default="Asia/Shanghai",
        description="the IANA time zone the CLI shows times in (always with their offset)",
    )
    worker_log_seconds: float = Field(
        default=30.0, gt=0, description="how often `arrears worker` logs what it did (views, lag, scheduler ticks)"
    )

    @field_validator("audit_key", mode="before")
    @classmethod
    def _empty_audit_key_is_none(cls, value: object) -> object:
        """``ARREARS_AUDIT_KEY=""`` means no key (nothing sealed, seals not checked), never the empty key."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _replica_of_postgres(self) -> Settings:
        if self.read_database_url:
            if not DatabaseUrl.parse(self.read_database_url).is_postgres:
                raise ValueError("ARREARS_READ_DATABASE_URL must be a postgresql:// URL (a streaming replica)")
            if not DatabaseUrl.parse(self.database_url).is_postgres:
                raise ValueError("ARREARS_READ_DATABASE_URL needs ARREARS_DATABASE_URL on PostgreSQL (its primary)")
        return self

    @field_validator("business_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone."""
        return ZoneInfo(self.business_zone)

    @property
    def rebuild_processes_in_effect(self) -> int:
        """The setting, or one process per core on PostgreSQL and 1 on SQLite."""
        if self.rebuild_processes is not None:
            return self.rebuild_processes
        return (os.cpu_count() or 1) if DatabaseUrl.parse(self.database_url).is_postgres else 1

    @property
    def snapshot_every(self) -> int:
        """The snapshot interval in effect: the setting, or the store's default.

        SQLite writes a due snapshot in the events' own transaction (``infrastructure.snapshotting``), so a short
        interval costs its writes almost nothing and keeps a long case's cold load within 3x a short one's;
        PostgreSQL writes it in a second round trip, and its cold loads are dominated by the round trips anyway.
        """
        if self.snapshot_interval is not None:
            return self.snapshot_interval
        return 100 if DatabaseUrl.parse(self.database_url).is_postgres else 20
