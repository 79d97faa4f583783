"""The evidence pack on both stores: made from a case, checked offline from its files alone, and every kind of
change to it named: an altered event, a removed one, a rewritten judgement, an extra file, a re-forged chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from application.bootstrap import Container, bootstrap
from application.commands.contacts import VisitFacts
from domain.case.values import Channel, Tier
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from projections.audit_chain import GENESIS, chain_hash
from projections.evidence import EvidenceRefused, build_pack, cases_in_period
from projections.evidence_format import sha256
from projections.evidence_verify import verify_pack
from tests.factories import open_case
from tests.projections.raw import RawEvents
from tests.projections.test_reports import DAY, contact, strategy

KEY = b"audit-secret"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def keyed(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    built = bootstrap(settings.model_copy(update={"audit_key": SecretStr(KEY.decode())}), clock)
    yield built
    built.close()


def worked_case(container: Container, clock: ManualClock) -> UUID:
    """A medium-risk case whose required visit was made a day late, with an SMS on the way."""
    case_id = open_case(container.app)
    strategy(container, case_id, Tier.MEDIUM)
    clock.advance(DAY)
    contact(container, case_id, Channel.SMS)
    clock.advance(7 * DAY)
    contact(container, case_id, Channel.VISIT, visit=VisitFacts(staff=("wang.collector", "liu.legal")))
    return case_id


def pack(container: Container, case_id: UUID, tmp_path: Path, clock: ManualClock) -> Path:
    bundle = build_pack(
        container.read_model, [case_id], clock.now(), SHANGHAI, {"kind": "case", "case_id": str(case_id)}
    )
    return bundle.write(tmp_path / "pack")


def test_a_pack_verifies_offline_and_states_the_judgement_with_its_proof(
    keyed: Container, clock: ManualClock, tmp_path: Path
) -> None:
    case_id = worked_case(keyed, clock)
    directory = pack(keyed, case_id, tmp_path, clock)
    versions = {type(e).__name__: e.originator_version for e in keyed.app.case_events(case_id)}
    keyed.close()  # no database from here on
    check = verify_pack(directory, KEY)
    assert check.ok, check.problems
    assert (check.cases, check.seals_checked, check.compliance_checked) == (1, True, True)
    [visit] = json.loads((directory / "compliance.json").read_text())[str(case_id)]["requirements"]
    assert (visit["kind"], visit["status"]) == ("visit", "late")
    # the strategy that required it, the visit that met it late
    assert visit["proved_by_versions"] == [versions["StrategyAssigned"], versions["VisitCompleted"]]
    html = (directory / "report.html").read_text()
    assert "late" in html and str(case_id) in html and "+08:00" in html
    stored = [json.loads(line) for line in (directory / "events.jsonl").read_text().splitlines()]
    assert [r["version"] for r in stored] == list(range(1, len(stored) + 1)) and stored[0]["encoding"] == "json"


def rewrite(directory: Path, name: str, text: str, manifest_too: bool = True) -> None:
    (directory / name).write_text(text)
    if manifest_too:  # a forger who also fixes the manifest's sha256 (but has no key to re-seal it)
        manifest = json.loads((directory / "manifest.json").read_text())
        manifest["files"][name] = sha256(text.encode())
        (directory / "manifest.json").write_text(json.dumps(manifest))


def test_every_change_to_a_pack_is_named(keyed: Container, clock: ManualClock, tmp_path: Path) -> None:
    case_id = worked_case(keyed, clock)
    directory = pack(keyed, case_id, tmp_path, clock)
    events = (directory / "events.jsonl").read_text()
    lines = events.splitlines(keepends=True)
    sms = next(e.originator_version for e in keyed.app.case_events(case_id) if type(e).__name__ == "SmsSent")

    rewrite(directory, "events.jsonl", events.replace('"channel\\":\\"sms', '"channel\\":\\"email'), manifest_too=False)
    found = verify_pack(directory).problems  # even without the key
    assert "events.jsonl was changed: its sha256 is not the one in manifest.json" in found
    assert f"case {case_id} v{sms}: the event's stored bytes no longer match its chained hash" in found
    assert not any(f" v{sms - 1}:" in p or f" v{sms + 1}:" in p for p in found)  # the change is named alone

    rewrite(directory, "events.jsonl", "".join(lines[:2] + lines[3:]))
    found = verify_pack(directory, KEY).problems
    assert f"case {case_id}: events are not versions 1..{len(lines)} (missing [3])" in found
    assert any("manifest.json's seal does not verify" in p for p in found)

    rewrite(directory, "events.jsonl", events)
    compliance = (directory / "compliance.json").read_text()
    rewrite(directory, "compliance.json", compliance.replace('"late"', '"met"'))
    found = verify_pack(directory).problems
    assert found == [f"case {case_id}: the compliance judgement in compliance.json is not what its events show"]

    rewrite(directory, "compliance.json", compliance)
    (directory / "notes.txt").write_text("added later")
    assert verify_pack(directory).problems == ["notes.txt is not part of the pack (not in manifest.json)"]


def test_a_chain_reforged_without_the_key_fails_its_seals_and_its_inclusion_proof(
    keyed: Container, clock: ManualClock, tmp_path: Path
) -> None:
    case_id = worked_case(keyed, clock)
    directory = pack(keyed, case_id, tmp_path, clock)
    records = [json.loads(line) for line in (directory / "events.jsonl").read_text().splitlines()]
    sms = next(i for i, r in enumerate(records) if r["topic"].endswith("SmsSent"))
    records[sms]["state"] = records[sms]["state"].replace("Li Na", "Wu Lei")
    previous, links = GENESIS, []
    for r in records:  # recompute every hash, the head and the manifest's sha256s: all consistent again
        link = chain_hash(previous, r["originator_id"], r["version"], r["topic"], r["state"].encode())
        links.append(
            {"originator_id": r["originator_id"], "version": r["version"], "prev_hash": previous, "hash": link}
        )
        previous = link
    rewrite(directory, "events.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    rewrite(directory, "chain.jsonl", "".join(json.dumps(link) + "\n" for link in links))
    heads = json.loads((directory / "heads.json").read_text())
    heads[0]["hash"] = previous
    rewrite(directory, "heads.json", json.dumps(heads))
    # consistent chains: without the key they once told nothing; the transparency log's proof still does
    assert [p for p in verify_pack(directory).problems if "not in the log's signed tree" in p] == [
        p for p in verify_pack(directory).problems
    ]
    altered = records[sms]["version"]  # the SMS, after the case's opening events
    assert any(f"case {case_id} v{altered}: not in the log's signed tree" in p for p in verify_pack(directory).problems)
    found = verify_pack(directory, KEY).problems  # with the key, both seals fail too
    assert f"case {case_id}: the chain head's seal does not verify under the audit key" in found
    assert any("manifest.json's seal does not verify" in p for p in found)


def test_no_pack_is_made_from_a_tampered_store(
    keyed: Container, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    case_id = worked_case(keyed, clock)
    keyed.projections.catch_up()
    RawEvents(settings).update_state(case_id, 3, b'{"forged": true}')
    with pytest.raises(EvidenceRefused, match=f"altered {case_id} v3"):
        pack(keyed, case_id, tmp_path, clock)


def test_a_period_packs_every_case_with_an_event_in_it(keyed: Container, clock: ManualClock) -> None:
    first = worked_case(keyed, clock)
    start = clock.now()
    clock.advance(DAY)
    second = open_case(keyed.app, 2)
    assert cases_in_period(keyed.read_model, start + DAY / 2, clock.now() + DAY) == [second]
    assert set(cases_in_period(keyed.read_model, start - 30 * DAY, clock.now() + DAY)) == {first, second}


def test_events_encrypted_at_rest_are_packed_exactly_and_still_verify(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    from eventsourcing.cipher import AESCipher

    update = {"audit_key": SecretStr(KEY.decode()), "cipher_key": SecretStr(AESCipher.create_key(32))}
    ciphered = bootstrap(settings.model_copy(update=update), clock)
    try:
        case_id = worked_case(ciphered, clock)
        directory = pack(ciphered, case_id, tmp_path, clock)
    finally:
        ciphered.close()
    records = [json.loads(line) for line in (directory / "events.jsonl").read_text().splitlines()]
    assert {r["encoding"] for r in records} == {"base64"}  # the stored ciphertext, byte for byte
    check = verify_pack(directory, KEY)
    assert check.ok and not check.compliance_checked  # chains and seals hold; the judgement needs the cipher key
