"""Where the transparency log's signing key and its witness come from: settings, or (SQLite) files made once next to
the database file, like the development secret (``infrastructure.secret_key``)."""

from __future__ import annotations

from pathlib import Path

from infrastructure.database_url import DatabaseUrl
from infrastructure.settings import Settings
from infrastructure.signed_note import ED25519, Signer, Verifier
from infrastructure.witness import LocalWitness, load_or_create_signer
from infrastructure.witness_http import HttpWitness

#: what a log sends its checkpoints to
WitnessClient = LocalWitness | HttpWitness


def _beside_database(settings: Settings, suffix: str) -> Path | None:
    url = DatabaseUrl.parse(settings.database_url)
    if url.is_postgres or url.path == ":memory:":
        return None
    return Path(f"{Path(url.path).expanduser().resolve()}-{suffix}")


def resolve_log_signer(settings: Settings) -> Signer | None:
    """ARREARS_LOG_KEY, or the key in ARREARS_LOG_KEY_FILE (made there once), or on SQLite ``<db>-log-key`` (made
    once); None on PostgreSQL without either (checkpoints cannot be signed)."""
    if settings.log_key is not None:
        return Signer.parse(settings.log_key.get_secret_value())
    path = settings.log_key_file or _beside_database(settings, "log-key")
    if path is None:
        return None
    return load_or_create_signer(Path(path), settings.log_origin, ED25519)


def resolve_witness(settings: Settings, log_key: Verifier) -> WitnessClient | None:
    """The remote witness (ARREARS_WITNESS_URL and ARREARS_WITNESS_KEY), or the local one (ARREARS_WITNESS_DIR, by
    default ``<db>-witness`` on SQLite); None when neither is configured."""
    if settings.witness_url:
        if not settings.witness_key:
            raise ValueError("ARREARS_WITNESS_URL needs ARREARS_WITNESS_KEY (the witness's verifier key)")
        return HttpWitness(settings.witness_url, Verifier.parse(settings.witness_key), log_key)
    directory = settings.witness_dir or _beside_database(settings, "witness")
    if directory is None:
        return None
    return LocalWitness(Path(directory), log_key)
