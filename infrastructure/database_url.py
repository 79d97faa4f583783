"""Turn ``ARREARS_DATABASE_URL`` into the eventsourcing environment for SQLite or PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


class DatabaseUrlError(ValueError):
    """The database URL names no engine arrears supports."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL."""

    engine: str  # "sqlite" or "postgresql"
    path: str = ""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""

    @classmethod
    def parse(cls, url: str) -> DatabaseUrl:
        """Parse ``sqlite:///path`` or ``postgresql://user:password@host:port/db``."""
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            path = unquote(parts.path)
            if parts.netloc:
                raise DatabaseUrlError(f"sqlite URLs have no host: use sqlite:///{parts.netloc}{path}")
            path = path[1:] if path.startswith("/") else path
            if not path:
                raise DatabaseUrlError("sqlite URL needs a file path, e.g. sqlite:///./arrears.db")
            return cls(engine="sqlite", path=path)
        if parts.scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
            dbname = unquote(parts.path.lstrip("/"))
            if not dbname:
                raise DatabaseUrlError("postgresql URL needs a database name, e.g. postgresql://user@host/db")
            return cls(
                engine="postgresql",
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 5432,
                user=unquote(parts.username or ""),
                password=unquote(parts.password or ""),
                dbname=dbname,
            )
        raise DatabaseUrlError(f"unsupported database URL scheme {parts.scheme!r}: use sqlite or postgresql")

    @property
    def is_postgres(self) -> bool:
        """True for PostgreSQL."""
        return self.engine == "postgresql"
