"""Tampering with the events table directly is found by `audit verify`, which names the event (both stores)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from uuid import UUID

import pytest
from pydantic import SecretStr

from api.cli import main
from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from tests.factories import COLLECTOR, OPENED, open_case
from tests.projections.raw import RawEvents

NOTE_TOPIC = "domain.case.events:NoteAdded"
#: the notes below follow a case's opening events
N = OPENED


@pytest.fixture
def keyed(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    """A process whose audit chain heads are sealed with an HMAC key."""
    built = bootstrap(settings.model_copy(update={"audit_key": SecretStr("audit-secret")}), clock)
    yield built
    built.close()


def three_cases(container: Container) -> list[UUID]:
    cases = [open_case(container.app, n) for n in (1, 2, 3)]
    for case_id in cases:
        for text in ("called", "visited", "wrote"):
            container.app.handle(AddNote(case_id=case_id, text=text, actor=COLLECTOR))
    container.projections.catch_up()
    assert container.read_model.verify().ok
    return cases


def named(container: Container, case_id: UUID | None = None) -> list[tuple[str, str, int | None]]:
    return [(m.kind, m.case_id, m.version) for m in container.read_model.verify(case_id).mismatches]


def test_an_updated_event_is_named(keyed: Container, settings: Settings) -> None:
    a, b, _ = three_cases(keyed)
    raw = RawEvents(settings)
    raw.update_state(b, N + 2, raw.state(b, N + 2).replace(b"visited", b"paid!!!"))
    assert named(keyed) == [("altered", str(b), N + 2)]
    assert named(keyed, a) == []


def test_a_deleted_event_is_named(keyed: Container, settings: Settings) -> None:
    _, b, c = three_cases(keyed)
    RawEvents(settings).delete(c, N + 1)
    RawEvents(settings).delete(b, N + 3)  # the last one of its chain
    deleted = [("deleted", str(b), N + 3), ("deleted", str(c), N + 1)]
    assert named(keyed) == sorted(deleted, key=lambda m: (m[1], m[2]))


def test_an_inserted_event_is_named(keyed: Container, settings: Settings) -> None:
    a, _, _ = three_cases(keyed)
    raw = RawEvents(settings)
    forged = raw.state(a, N + 3).replace(b"wrote", b"waived")
    raw.insert(a, N + 4, NOTE_TOPIC, forged)
    assert named(keyed) == [("inserted", str(a), N + 4)]


def test_reforging_the_chain_hides_nothing_with_or_without_the_key(keyed: Container, settings: Settings) -> None:
    a, _, _ = three_cases(keyed)
    raw = RawEvents(settings)
    raw.update_state(a, N + 1, raw.state(a, N + 1).replace(b"called", b"paid!!"))
    # someone with database access recomputes the audit view from the altered store...
    settings_without_key = settings.model_copy(update={"audit_key": None})
    forger = bootstrap(settings_without_key)
    try:
        forger.projections.rebuild(["audit"], show_progress=False)
        # ...which once hid the change from a verifier without the key; the transparency log's leaf, written with
        # the event, still names it
        assert named(forger) == [("altered", str(a), N + 1)]
    finally:
        forger.close()
    found = named(keyed)  # and one holding the key also sees every re-forged head fail its seal
    assert ("seal_invalid", str(a), N + 3) in found and ("altered", str(a), N + 1) in found


def test_cli_verify_exits_non_zero_and_names_the_event(
    keyed: Container, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _, _ = three_cases(keyed)
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("ARREARS_AUDIT_KEY", "audit-secret")
    assert main(["audit", "verify"]) == 0
    RawEvents(settings).delete(a, N + 2)
    assert main(["audit", "verify", "--case", str(a)]) == 1
    assert f"DELETED       {a} v{N + 2}" in capsys.readouterr().out


def test_cli_verify_catches_the_audit_view_up_first_or_says_how_far_behind_it_is(
    keyed: Container, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARREARS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ARREARS_DATABASE_SCHEMA", settings.database_schema)
    monkeypatch.setenv("ARREARS_AUDIT_KEY", "audit-secret")
    for n in (1, 2):  # recorded with no worker running (a CLI import, say): the audit view has not chained them
        case_id = open_case(keyed.app, n)
        keyed.app.handle(AddNote(case_id=case_id, text="called", actor=COLLECTOR))
    behind = keyed.projections.head() - keyed.projections.position("audit")
    assert behind > 0
    assert main(["audit", "verify", "--no-catch-up"]) == 1
    out = capsys.readouterr().out
    assert f"the audit view is {behind} event(s) behind the log" in out
    assert main(["audit", "verify", "--json"]) == 0  # no false tamper alarm: the view is caught up first
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout is the JSON alone
    assert report["ok"] and report["audit_behind"] == 0
    assert f"chained {behind} new event(s) first" in captured.err
