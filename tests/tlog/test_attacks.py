"""Each way an insider with write access to the database rewrites history is named by `arrears audit verify` in the
default configuration (the log's key and the local witness outside the database), exit 1; the witness refuses a
forked or shrunk log and alarms (both stores)."""

from __future__ import annotations

from uuid import UUID

import pytest
from prometheus_client import REGISTRY

from api.cli import main
from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, OPENED, open_case
from tests.tlog.insider import Insider

NOTE_TOPIC = "domain.case.events:NoteAdded"
#: the notes below follow a case's opening events: "called" is N + 1, "visited" N + 2, "wrote" N + 3
N = OPENED


def witnessed_cases(container: Container) -> list[UUID]:
    """Three cases of three notes each after their opening events, caught up, with a checkpoint published and
    cosigned by the local witness."""
    cases = [open_case(container.app, n) for n in (1, 2, 3)]
    for case_id in cases:
        for text in ("called", "visited", "wrote"):
            container.app.handle(AddNote(case_id=case_id, text=text, actor=COLLECTOR))
    container.projections.catch_up()
    container.tlog.publish()
    report = container.read_model.verify()
    assert report.ok and report.witnessed_size == container.tlog.size() > 0
    return cases


def named(container: Container, case_id: UUID | None = None) -> list[tuple[str, str, int | None]]:
    return [(m.kind, m.case_id, m.version) for m in container.read_model.verify(case_id).mismatches]


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI pointed at the same database, log key and witness."""
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    for name in ("log_key_file", "witness_dir"):
        value = getattr(settings, name)
        if value is not None:
            monkeypatch.setenv(f"ARREARS_{name.upper()}", str(value))
    return settings


def test_an_altered_event_rechained_with_its_head_deleted_is_named(
    container: Container, settings: Settings, cli: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _, b, _ = witnessed_cases(container)
    insider = Insider(settings)
    insider.update_state(b, N + 2, insider.state(b, N + 2).replace(b"visited", b"paid!!!"))
    forger = bootstrap(settings)  # the insider re-chains the audit view from the altered table (the code is open)
    try:
        forger.projections.rebuild(["audit"], show_progress=False)
    finally:
        forger.close()
    insider.delete_head(b)
    assert ("altered", str(b), N + 2) in named(container)
    assert named(container, b) == [("altered", str(b), N + 2)]
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert f"ALTERED       {b} v{N + 2}" in capsys.readouterr().out


def test_an_event_inserted_at_the_head_is_named(container: Container, settings: Settings, cli: Settings) -> None:
    a, _, _ = witnessed_cases(container)
    insider = Insider(settings)
    insider.insert(a, N + 4, NOTE_TOPIC, insider.state(a, N + 3).replace(b"wrote", b"waived"))
    container.projections.catch_up()  # the audit view chains it and seals it: the chains alone would pass it
    assert named(container) == [("inserted", str(a), N + 4)]
    assert named(container, a) == [("inserted", str(a), N + 4)]
    assert main(["audit", "verify"]) == 1


def test_a_deleted_event_is_named(container: Container, settings: Settings, cli: Settings) -> None:
    _, _, c = witnessed_cases(container)
    insider = Insider(settings)
    insider.delete(c, 2)
    insider.sql("DELETE FROM audit_trail WHERE originator_id = ? AND version = 2", (str(c),))
    report = container.read_model.verify()
    deleted = [m for m in report.mismatches if m.kind == "deleted"]
    assert len(deleted) == 1 and deleted[0].position is not None  # its log position and leaf are named
    assert deleted[0].detail.endswith("its audit trail row is gone too, so its case is unknown")
    assert "shrunk" in [m.kind for m in report.mismatches]  # fewer events than the witnessed checkpoint holds
    assert main(["audit", "verify"]) == 1


def test_a_deleted_event_is_named_by_its_case_while_its_trail_remains(container: Container, settings: Settings) -> None:
    _, b, _ = witnessed_cases(container)
    Insider(settings).delete(b, N + 3)  # the last of its chain
    assert ("deleted", str(b), N + 3) in named(container)


def test_reordered_events_are_named(container: Container, settings: Settings, cli: Settings) -> None:
    a, b, _ = witnessed_cases(container)
    Insider(settings).swap((a, 2), (b, 3))
    found = named(container)
    assert ("reordered", str(a), 2) in found and ("reordered", str(b), 3) in found
    assert main(["audit", "verify"]) == 1


def test_leaves_rewritten_too_are_caught_by_the_witnessed_root(
    container: Container, settings: Settings, cli: Settings
) -> None:
    _, b, _ = witnessed_cases(container)
    insider = Insider(settings)
    insider.update_state(b, N + 1, insider.state(b, N + 1).replace(b"called", b"paid!!"))
    insider.rehash_leaf(b, N + 1)  # the insider recomputes the leaf (the format is public) and drops the nodes above
    found = named(container)
    assert any(kind == "root_mismatch" for kind, _, _ in found), found
    assert ("altered", str(b), N + 1) in found  # the per-case chain still names the case
    # by case: no proof from the rewritten tree reaches the witnessed root, the altered event's least of all
    assert ("not_in_tree", str(b), N + 1) in named(container, b)
    assert main(["audit", "verify"]) == 1


def test_the_witness_refuses_a_shrunk_log_and_alarms(
    container: Container, settings: Settings, cli: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _, _ = witnessed_cases(container)
    insider = Insider(settings)
    insider.delete(a, 4)
    insider.sql("DELETE FROM tlog_leaves WHERE leaf_index = (SELECT MAX(leaf_index) FROM tlog_leaves)")
    insider.forget_checkpoints()
    capsys.readouterr()
    assert main(["witness"]) == 1
    err = capsys.readouterr().err
    assert "WITNESS ALARM (shrink)" in err
    assert "shrunk" in [kind for kind, _, _ in named(container)]


def test_the_witness_refuses_a_fork_and_alarms(
    container: Container, settings: Settings, cli: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _, b, _ = witnessed_cases(container)
    insider = Insider(settings)
    insider.update_state(b, N + 1, insider.state(b, N + 1).replace(b"called", b"paid!!"))
    insider.rehash_leaf(b, N + 1)
    insider.forget_checkpoints()
    capsys.readouterr()
    before = REGISTRY.get_sample_value("arrears_witness_alarms_total", {"kind": "fork"}) or 0
    assert main(["witness"]) == 1  # the log, re-signed at the same size with another root, is a fork
    assert REGISTRY.get_sample_value("arrears_witness_alarms_total", {"kind": "fork"}) == before + 1
    assert "WITNESS ALARM (fork)" in capsys.readouterr().err
    alarms = (container.tlog.witness.directory / "alarms.jsonl").read_text()  # type: ignore[union-attr]
    assert '"kind": "fork"' in alarms


def test_a_growing_log_is_cosigned_round_after_round(container: Container, cli: Settings) -> None:
    a, _, _ = witnessed_cases(container)
    first = container.tlog.size()
    container.app.handle(AddNote(case_id=a, text="later", actor=COLLECTOR))
    assert main(["witness"]) == 0  # the newest checkpoint is still the old one: cosigned again, nothing new
    container.tlog.publish()
    assert container.tlog.witness is not None and container.tlog.witness.size() == first + 1
    assert container.read_model.verify(catch_up=True).ok


def test_two_events_deleted_with_their_trail_rows_are_named_apart(container: Container, settings: Settings) -> None:
    a, _, c = witnessed_cases(container)
    insider = Insider(settings)
    for case_id, version in ((a, 3), (c, 2)):
        insider.delete(case_id, version)
        insider.sql("DELETE FROM audit_trail WHERE originator_id = ? AND version = ?", (str(case_id), version))
    deleted = [m for m in container.read_model.verify().mismatches if m.kind == "deleted"]
    assert len(deleted) == 2 and len({m.position for m in deleted}) == 2
