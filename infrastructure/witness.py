"""A witness: keeps, outside the database, the newest checkpoint of the log it has checked, and cosigns a newer one
only when a consistency proof shows it extends that one (C2SP tlog-witness semantics, tlog-cosignature/v1).

Its state is a directory of its own: ``witness-key`` (its Ed25519 cosigner key, generated once, mode 0600),
``checkpoint`` (the newest checkpoint it cosigned, with the log's signature and its cosignature), ``history.jsonl``
(every size and root it cosigned) and ``alarms.jsonl``. A checkpoint smaller than the one it holds (a shrink), a
different root for the same size or a proof that fails (a fork) is refused and alarmed: logged at ERROR, written to
``alarms.jsonl``, raised as ``WitnessAlarm``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter

from infrastructure.merkle import ProofError, verify_consistency
from infrastructure.signed_note import COSIGNATURE_V1, Checkpoint, Note, NoteError, Signer, Verifier, open_checkpoint

log = logging.getLogger("arrears.witness")
#: on /metrics of the process that ran the witness (or was refused by a remote one)
ALARMS = Counter("arrears_witness_alarms_total", "checkpoints a witness refused as a fork or a shrink", ["kind"])


class WitnessAlarm(RuntimeError):
    """The log showed a fork or a shrink: the witness refuses it and raises the alarm."""


class WitnessConflict(ValueError):
    """The log assumed another previous size than the witness holds (HTTP 409 in tlog-witness)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the witness holds a checkpoint of size {size}")
        self.size = size


@dataclass(frozen=True)
class Witnessed:
    """The newest checkpoint a witness cosigned, as it keeps it."""

    checkpoint: Checkpoint
    note: str


def write_private(path: Path, text: str) -> bool:
    """Create a file only its owner reads; False when it exists already (another process was first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as file:
        file.write(text + "\n")
    return True


def load_or_create_signer(path: Path, name: str, kind: int) -> Signer:
    """The key in ``path``, generated there once (0600) when missing."""
    if not path.exists():
        fresh = Signer.generate(name, kind)
        if write_private(path, fresh.encoded()):
            log.warning("generated a new %s key in %s", "witness" if kind == COSIGNATURE_V1 else "log", path)
            return fresh
    return Signer.parse(path.read_text())


class LocalWitness:
    """A witness whose state is a directory (``arrears witness``, and the one `serve` and `worker` run)."""

    def __init__(self, directory: Path, log_key: Verifier, name: str = "arrears-witness") -> None:
        self.directory = Path(directory)
        self.log_key = log_key
        self.signer = load_or_create_signer(self.directory / "witness-key", name, COSIGNATURE_V1)

    @property
    def verifier(self) -> Verifier:
        """The witness's public key (its vkey is what auditors are given)."""
        return self.signer.verifier

    def latest(self) -> Witnessed | None:
        """The newest checkpoint this witness cosigned (None before the first)."""
        path = self.directory / "checkpoint"
        if not path.exists():
            return None
        note = path.read_text()
        checkpoint, parsed = open_checkpoint(note, self.log_key)
        parsed.verify(self.verifier)
        return Witnessed(checkpoint, note)

    def size(self) -> int:
        """The size of the newest checkpoint cosigned (0 before the first)."""
        latest = self.latest()
        return 0 if latest is None else latest.checkpoint.size

    def add_checkpoint(self, old_size: int, proof: Sequence[bytes], note: str) -> str:
        """Cosign the log's checkpoint if it extends the one held (``old_size``: the size the log assumes it
        holds; ``proof``: the consistency proof from that size); returns the cosignature line."""
        try:
            checkpoint, parsed = open_checkpoint(note, self.log_key)
        except NoteError as error:
            raise NoteError(f"refused: {error}") from None
        held = self.latest()
        size = 0 if held is None else held.checkpoint.size
        if old_size != size:
            raise WitnessConflict(size)
        if held is not None:
            if checkpoint.size < size:
                self._alarm("shrink", held.checkpoint, checkpoint, "the log is smaller than a checkpoint it signed")
            try:
                if checkpoint.size == size:
                    verify_consistency(size, size, [], held.checkpoint.root, checkpoint.root)
                else:
                    verify_consistency(size, checkpoint.size, proof, held.checkpoint.root, checkpoint.root)
            except ProofError as error:
                self._alarm("fork", held.checkpoint, checkpoint, str(error))
        line = self.signer.cosign(parsed.text, int(time.time()))
        cosigned = Note(parsed.text, tuple(s for s in parsed.signatures if s[0] == self.log_key.name)).with_line(line)
        self._write("checkpoint", cosigned.lines())
        with (self.directory / "history.jsonl").open("a") as history:
            record = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root).decode(), "at": time.time()}
            history.write(json.dumps(record) + "\n")
        return line

    def _alarm(self, kind: str, held: Checkpoint, offered: Checkpoint, why: str) -> None:
        message = (
            f"WITNESS ALARM ({kind}): the log {offered.origin} offered size {offered.size} "
            f"root {base64.b64encode(offered.root).decode()} after this witness cosigned size {held.size} root "
            f"{base64.b64encode(held.root).decode()}: {why}. Its history was rewritten; nothing was cosigned."
        )
        log.error("%s", message)
        ALARMS.labels(kind).inc()
        with (self.directory / "alarms.jsonl").open("a") as alarms:
            alarms.write(json.dumps({"kind": kind, "at": time.time(), "message": message}) + "\n")
        raise WitnessAlarm(message)

    def _write(self, name: str, text: str) -> None:
        """Replace a state file atomically (a crash leaves the old one or the new one)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f".{name}.tmp"
        temporary.write_text(text)
        os.replace(temporary, self.directory / name)
