"""An evidence pack carries each event's inclusion proof against a checkpoint the log signed and the witness
cosigned; `arrears evidence verify` checks them offline with nothing but the two public keys (both stores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from application.bootstrap import Container
from infrastructure.clock import ManualClock
from infrastructure.signed_note import Signer, Verifier
from projections.evidence_verify import verify_pack
from tests.projections.test_evidence import pack, worked_case


def keys(container: Container) -> tuple[str, str]:
    assert container.tlog.verifier is not None and container.tlog.witness is not None
    return container.tlog.verifier.vkey, container.tlog.witness.verifier.vkey


def test_a_pack_proves_every_event_in_the_witnessed_tree(
    container: Container, clock: ManualClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = worked_case(container, clock)
    directory = pack(container, case_id, tmp_path, clock)
    proofs = json.loads((directory / "tlog.json").read_text())
    events = (directory / "events.jsonl").read_text().splitlines()
    assert len(proofs["leaves"]) == len(events) > 0
    assert "\n\n\u2014 " in proofs["checkpoint"]  # a signed note: the log's signature, the witness's cosignature
    log_key, witness_key = keys(container)
    check = verify_pack(directory, None, Verifier.parse(log_key), Verifier.parse(witness_key))
    assert check.ok, check.problems
    assert check.tlog.startswith(f"{len(events)} inclusion proofs against checkpoint")
    assert main(["evidence", "verify", str(directory), "--log-key", log_key, "--witness-key", witness_key]) == 0
    assert "checked with the keys you gave" in capsys.readouterr().out


def test_a_modified_or_truncated_proof_or_another_log_key_is_refused(
    container: Container, clock: ManualClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = worked_case(container, clock)
    directory = pack(container, case_id, tmp_path, clock)
    log_key, witness_key = keys(container)
    original = (directory / "tlog.json").read_text()
    document = json.loads(original)
    document["leaves"][1]["proof"] = document["leaves"][1]["proof"][:-1]  # truncated
    document["leaves"][2]["position"] += 1  # the event moved
    (directory / "tlog.json").write_text(json.dumps(document))
    found = verify_pack(directory).problems
    assert any(f"case {case_id} v2: not in the log's signed tree" in p for p in found)
    assert any(f"case {case_id} v3: not in the log's signed tree" in p for p in found)
    (directory / "tlog.json").write_text(original)
    stranger = Signer.generate("arrears.local/log").verifier.vkey  # same name, another key
    capsys.readouterr()
    assert main(["evidence", "verify", str(directory), "--log-key", stranger, "--witness-key", witness_key]) == 1
    assert "the checkpoint does not verify under the log's key" in capsys.readouterr().out
    assert main(["evidence", "verify", str(directory), "--log-key", log_key, "--witness-key", witness_key]) == 0
