"""SQLite's ``synchronous`` level: full by default (a commit survives a power cut), normal when asked (the demo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.bootstrap import bootstrap
from infrastructure.environment import eventsourcing_env
from infrastructure.settings import Settings
from infrastructure.sqlite_factory import ArrearsSQLiteFactory
from tests.factories import open_case


def levels(settings: Settings) -> set[int]:
    """The synchronous level of every connection the store's pool made (0 off, 1 normal, 2 full)."""
    container = bootstrap(settings)
    try:
        open_case(container.app)  # a write and the views' reads make the pool's connections
        container.projections.catch_up()
        pool = container.store.recorder.datastore.pool  # type: ignore[attr-defined]
        connection = pool.get_connection()
        try:
            connections = [connection, *pool._pool]
            return {c._sqlite_conn.execute("PRAGMA synchronous").fetchone()[0] for c in connections}
        finally:
            pool.put_connection(connection)
    finally:
        container.close()


def test_full_by_default_normal_when_asked(tmp_path: Path) -> None:
    assert levels(Settings(database_url=f"sqlite:///{tmp_path / 'full.db'}")) == {2}
    assert levels(Settings(database_url=f"sqlite:///{tmp_path / 'normal.db'}", sqlite_synchronous="normal")) == {1}


def test_a_bad_level_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", sqlite_synchronous="off")  # type: ignore[arg-type]
    env = eventsourcing_env(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}")) | {"SQLITE_SYNCHRONOUS": "off"}
    with pytest.raises(OSError, match="SQLITE_SYNCHRONOUS"):
        ArrearsSQLiteFactory(env)
