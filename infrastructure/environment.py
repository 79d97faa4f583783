"""The eventsourcing environment (persistence module, tables, cipher, cache) built from settings."""

from __future__ import annotations

import base64
import binascii
import math
from pathlib import Path

from infrastructure.database_url import DatabaseUrl
from infrastructure.settings import Settings


class CipherKeyError(ValueError):
    """ARREARS_CIPHER_KEY is not a base64 AES key."""


def check_cipher_key(key: str) -> None:
    """AES keys are 16, 24 or 32 bytes, given in base64."""
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError) as error:
        raise CipherKeyError("ARREARS_CIPHER_KEY must be base64") from error
    if len(raw) not in (16, 24, 32):
        raise CipherKeyError(f"ARREARS_CIPHER_KEY must decode to 16, 24 or 32 bytes, not {len(raw)}")


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """The environment variables eventsourcing's factories read, for these settings."""
    url = DatabaseUrl.parse(settings.database_url)
    env: dict[str, str] = {"CREATE_TABLE": "y"}
    if settings.aggregate_cache_size > 0:  # eventsourcing reads 0 as "unbounded", so leave it unset for "off"
        env.update(AGGREGATE_CACHE_MAXSIZE=str(settings.aggregate_cache_size), AGGREGATE_CACHE_FASTFORWARD="y")
    if url.is_postgres:
        env.update(
            PERSISTENCE_MODULE="infrastructure.postgres_factory:ArrearsPostgresFactory",
            APPLICATION_RECORDER_TOPIC="infrastructure.postgres_recorder:LockedInsertPostgresRecorder",
            DB_TIMEOUT_SECONDS=str(settings.db_timeout_seconds),
            POSTGRES_CONNECT_TIMEOUT=str(max(1, math.ceil(settings.db_timeout_seconds))),
            POSTGRES_DBNAME=url.dbname,
            POSTGRES_HOST=url.host,
            POSTGRES_PORT=str(url.port),
            POSTGRES_USER=url.user,
            POSTGRES_PASSWORD=url.password,
            POSTGRES_POOL_SIZE=str(settings.pool_size),
            POSTGRES_MAX_OVERFLOW=str(settings.pool_size),
            POSTGRES_LOCK_TIMEOUT=str(settings.lock_timeout_seconds),
            POSTGRES_PRE_PING="n",  # a broken connection is retried by the recorder; a ping costs a round trip
        )
        if settings.database_schema:
            env["POSTGRES_SCHEMA"] = settings.database_schema
    else:
        if url.path != ":memory:":
            Path(url.path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        env.update(
            PERSISTENCE_MODULE="infrastructure.sqlite_factory:ArrearsSQLiteFactory",
            APPLICATION_RECORDER_TOPIC="infrastructure.sqlite_recorder:KeyedSQLiteRecorder",
            SQLITE_DBNAME=url.path,
            SQLITE_SYNCHRONOUS=settings.sqlite_synchronous,
            SQLITE_LOCK_TIMEOUT=str(settings.lock_timeout_seconds),
        )
    if settings.cipher_key is not None:
        key = settings.cipher_key.get_secret_value()
        check_cipher_key(key)
        env.update(CIPHER_TOPIC="eventsourcing.cipher:AESCipher", CIPHER_KEY=key)
    return env
