"""The key that signs API tokens: from ARREARS_SECRET_KEY, or a dev key persisted next to the SQLite file."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from infrastructure.database_url import DatabaseUrl
from infrastructure.settings import Settings

log = logging.getLogger("arrears.secret_key")
#: HS256 keys shorter than this are refused (RFC 7518 §3.2 asks for at least 256 bits)
MIN_KEY_BYTES = 32


class SecretKeyError(ValueError):
    """No usable signing key."""


def dev_key_path(settings: Settings) -> Path | None:
    """Where the generated dev key lives: next to the SQLite database (None on PostgreSQL)."""
    url = DatabaseUrl.parse(settings.database_url)
    if url.is_postgres or url.path == ":memory:":
        return None
    return Path(f"{Path(url.path).expanduser().resolve()}-secret-key")


def resolve_secret_key(settings: Settings) -> str:
    """ARREARS_SECRET_KEY, or (SQLite only) a random dev key generated once and kept in a file."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key.encode()) < MIN_KEY_BYTES:
            raise SecretKeyError(f"ARREARS_SECRET_KEY must be at least {MIN_KEY_BYTES} bytes")
        return key
    path = dev_key_path(settings)
    if path is None:
        raise SecretKeyError("set ARREARS_SECRET_KEY (at least 32 bytes) to serve on PostgreSQL")
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    log.warning("ARREARS_SECRET_KEY is unset: generated a development key in %s (set the variable in production)", path)
    return key
