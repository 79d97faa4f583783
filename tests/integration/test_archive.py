"""Export and restore: the log goes out as JSON Lines with its chain heads and comes back into an empty database
(the same kind or the other) with every view and every chain hash equal to the source's."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from api.cli import main
from application.bootstrap import Container, bootstrap
from demo.seeding import seed_demo
from infrastructure.settings import Settings
from projections.archive import ArchiveError, export_log, restore_log
from tests.conftest import need_postgres, postgres_test_url
from tests.projections.checks import assert_views_equal_oracle


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of the kind the test's ``target_store`` parameter names."""
    kind = request.param
    if kind == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'restored.db'}")
        return
    need_postgres()
    schema = f"t_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Settings(database_url=postgres_test_url(), database_schema=schema)
    finally:
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def views_of(container: Container) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every view table, as text, sorted."""
    runtime = container.projections
    runtime.catch_up()
    tables: dict[str, list[tuple[str, ...]]] = {}
    with runtime.store.reading() as tx:
        for view in runtime.views.values():
            for table in view.tables:
                rows = tx.query(f"SELECT * FROM {table}")
                tables[table] = sorted(tuple(f"{k}={normal(v)}" for k, v in sorted(row.items())) for row in rows)
    return tables


def normal(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["sqlite", "postgres"], indirect=True)
def test_an_export_restored_into_an_empty_database_has_equal_views_and_chains(
    container: Container, target: Settings, tmp_path: Path
) -> None:
    seed_demo(container.app, 12)
    container.projections.catch_up()
    exported = io.BytesIO()
    report = export_log(container.store, container.projections.store, exported)
    assert report.events > 50 and report.mismatched == []
    restored = bootstrap(target)
    try:
        back = restore_log(restored.store, restored.projections.store, io.BytesIO(exported.getvalue()))
        assert (back.events, back.chain_heads) == (report.events, report.chain_heads)
        assert views_of(restored) == views_of(container)
        assert_views_equal_oracle(restored)
        verified = restored.read_model.verify()
        assert verified.ok and verified.checked_events == report.events
        with pytest.raises(ArchiveError, match="already holds events"):
            restore_log(restored.store, restored.projections.store, io.BytesIO(exported.getvalue()))
    finally:
        restored.close()


@pytest.mark.parametrize("target", ["sqlite"], indirect=True)
def test_a_cut_off_export_restores_nothing_and_the_cli_says_so(
    container: Container, target: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_demo(container.app, 2)
    container.projections.catch_up()
    whole = io.BytesIO()
    export_log(container.store, container.projections.store, whole)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(whole.getvalue().splitlines(keepends=True)[:-3]))
    assert main(["--database-url", target.database_url, "restore", str(cut)]) == 2
    assert "cut off" in capsys.readouterr().err
    restored = bootstrap(target)
    try:
        assert restored.store.recorder.max_notification_id() in (None, 0)
    finally:
        restored.close()
    whole_file = tmp_path / "whole.jsonl"
    whole_file.write_bytes(whole.getvalue())
    assert main(["--database-url", target.database_url, "restore", str(whole_file)]) == 0
    assert "chain heads equal the export's" in capsys.readouterr().out
