"""An export ends with its checkpoints and cosignatures; a restore checks everything before it commits anything
(a forged file, naive or re-chained or re-signed, restores nothing: exit 1); a restored log keeps its checkpoints
and continues the same tree (both stores)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.cli import main
from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.merkle import verify_consistency
from infrastructure.settings import Settings
from infrastructure.signed_note import Checkpoint, Note
from projections.audit_chain import GENESIS, chain_hash
from tests.conftest import need_postgres, postgres_test_url
from tests.factories import COLLECTOR
from tests.tlog.test_attacks import witnessed_cases


@pytest.fixture
def target(store: str, settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """An empty database of the same kind, run by the same bank: the same log key, its own witness."""
    keys = {"log_key_file": settings.log_key_file or Path(f"{tmp_path / 'arrears.db'}-log-key")}
    if store == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path / 'restored.db'}", **keys)  # type: ignore[arg-type]
        return
    need_postgres()
    schema = f"t_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield Settings(database_url=postgres_test_url(), database_schema=schema, witness_dir=tmp_path / "w2", **keys)  # type: ignore[arg-type]
    finally:
        with psycopg.connect(postgres_test_url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def export(container: Container, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    witnessed_cases(container)
    out = tmp_path / "log.jsonl"
    use(settings, monkeypatch)
    assert main(["export", "--out", str(out)]) == 0
    return out


def a_note(records: list[dict]) -> int:
    """The line of the first NoteAdded event in the file."""
    return next(n for n, r in enumerate(records) if r.get("topic", "").endswith("NoteAdded"))


def use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    for name in ("log_key_file", "witness_dir"):
        value = getattr(settings, name)
        monkeypatch.setenv(f"ARREARS_{name.upper()}", str(value) if value is not None else "")
        if value is None:
            monkeypatch.delenv(f"ARREARS_{name.upper()}")


def events_in(settings: Settings) -> int:
    built = bootstrap(settings)
    try:
        return built.tlog.size() + len(built.tlog.checkpoints())
    finally:
        built.close()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_an_export_ends_with_its_checkpoints_and_restores_into_a_log_that_continues_the_tree(
    container: Container, settings: Settings, target: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = export(container, settings, tmp_path, monkeypatch)
    records = lines(out)
    assert "checkpoint" in records[-2] and records[-1]["checkpoints"] >= 1
    signed = Checkpoint.parse(Note.parse(records[-2]["checkpoint"]).text)
    assert signed.size == records[-1]["events"] == len([r for r in records if "originator_id" in r])
    use(target, monkeypatch)
    assert main(["restore", str(out)]) == 0
    restored = bootstrap(target)
    try:
        assert restored.tlog.checkpoints()[-1] == records[-2]["checkpoint"]  # kept, with its cosignatures
        assert restored.tlog.root(signed.size) == signed.root
        case_id = uuid.UUID(records[a_note(records)]["originator_id"])
        restored.app.handle(AddNote(case_id=case_id, text="after the restore", actor=COLLECTOR))
        newer = Checkpoint.parse(Note.parse(restored.tlog.publish()).text)
        assert newer.size == signed.size + 1
        proof = restored.tlog.consistency(signed.size, newer.size)
        verify_consistency(signed.size, newer.size, proof, signed.root, newer.root)  # the same tree, continued
        assert restored.read_model.verify(catch_up=True).ok
    finally:
        restored.close()


def test_a_naively_forged_export_restores_nothing(
    container: Container,
    settings: Settings,
    target: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = export(container, settings, tmp_path, monkeypatch)
    records = lines(out)
    n = a_note(records)
    state = base64.b64decode(records[n]["state"]).replace(b"called", b"waived")
    assert state != base64.b64decode(records[n]["state"])
    records[n]["state"] = base64.b64encode(state).decode()
    write(out, records)
    use(target, monkeypatch)
    capsys.readouterr()
    assert main(["restore", str(out)]) == 1
    assert "chain(s) differ" in capsys.readouterr().err
    assert events_in(target) == 0


def test_a_rechained_forged_export_restores_nothing(
    container: Container,
    settings: Settings,
    target: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = export(container, settings, tmp_path, monkeypatch)
    records = lines(out)
    n = a_note(records)
    state = base64.b64decode(records[n]["state"]).replace(b"called", b"waived")
    assert state != base64.b64decode(records[n]["state"])
    records[n]["state"] = base64.b64encode(state).decode()
    heads: dict[str, tuple[int, str]] = {}
    for r in records:  # the forger recomputes every chain and head (the code is open)
        if "originator_id" in r:
            _, previous = heads.get(r["originator_id"], (0, GENESIS))
            raw = base64.b64decode(r["state"])
            heads[r["originator_id"]] = (
                r["version"],
                chain_hash(previous, r["originator_id"], r["version"], r["topic"], raw),
            )
        elif "head" in r:
            r["hash"] = heads[r["head"]][1]
    write(out, records)
    use(target, monkeypatch)
    capsys.readouterr()
    assert main(["restore", str(out)]) == 1
    assert "do not make the tree the log signed" in capsys.readouterr().err
    assert events_in(target) == 0


def test_an_export_resigned_with_another_key_restores_nothing(
    container: Container,
    settings: Settings,
    target: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = export(container, settings, tmp_path, monkeypatch)
    records = lines(out)
    from infrastructure.signed_note import Signer

    forger = Signer.generate("arrears.local/log")
    text = Note.parse(records[-2]["checkpoint"]).text
    records[-2]["checkpoint"] = text + "\n" + forger.sign(text)
    write(out, records)
    use(target, monkeypatch)
    capsys.readouterr()
    assert main(["restore", str(out)]) == 1
    assert "does not verify" in capsys.readouterr().err
    assert events_in(target) == 0
