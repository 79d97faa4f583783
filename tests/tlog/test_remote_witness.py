"""A witness run by another department or bank, over HTTP (C2SP tlog-witness: POST /add-checkpoint): the log posts
each checkpoint with its consistency proof and keeps the cosignature; the witness's own state refuses a fork."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from application.bootstrap import Container, bootstrap
from application.commands import AddNote
from infrastructure.clock import ManualClock
from infrastructure.settings import Settings
from infrastructure.signed_note import Note, Signer
from infrastructure.witness import LocalWitness, WitnessAlarm
from infrastructure.witness_http import serve
from tests.factories import COLLECTOR, OPENED, open_case
from tests.tlog.insider import Insider


@pytest.fixture
def remote(settings: Settings, clock: ManualClock, tmp_path: Path) -> Iterator[tuple[Container, LocalWitness]]:
    """The log (its key fixed in advance) and a witness server in another directory, as the log's witness."""
    signer = Signer.generate("bank.example/arrears")
    witness = LocalWitness(tmp_path / "elsewhere", signer.verifier, name="witness.other-bank.example")
    server = serve(witness, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    configured = settings.model_copy(
        update={
            "log_key": SecretStr(signer.encoded()),
            "witness_url": f"http://127.0.0.1:{server.server_port}",
            "witness_key": witness.verifier.vkey,
        }
    )
    built = bootstrap(configured, clock)
    yield built, witness
    built.close()
    server.shutdown()


def test_a_remote_witness_cosigns_over_http_and_refuses_a_fork(
    remote: tuple[Container, LocalWitness], settings: Settings
) -> None:
    container, witness = remote
    case_id = open_case(container.app)
    note = container.tlog.publish()
    Note.parse(note).verify(witness.verifier)  # cosigned, and the cosignature kept with the checkpoint
    container.app.handle(AddNote(case_id=case_id, text="called", actor=COLLECTOR))
    container.tlog.publish()
    assert witness.size() == container.tlog.size()
    report = container.read_model.verify(catch_up=True)
    assert report.ok and report.witnessed_size == container.tlog.size()

    insider = Insider(settings)
    note_version = OPENED + 1  # the note follows the case's opening events
    insider.update_state(case_id, note_version, insider.state(case_id, note_version).replace(b"called", b"waived"))
    insider.rehash_leaf(case_id, note_version)
    insider.forget_checkpoints()
    with pytest.raises(WitnessAlarm, match="refused"):
        container.tlog.publish()
    assert any(m.kind == "root_mismatch" for m in container.read_model.verify().mismatches)
