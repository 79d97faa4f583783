"""The transparency log's part of an evidence pack (``tlog.json``): the pack's checkpoint, signed by the log and
cosigned by the witness, and for each of the pack's events its log position, leaf index and inclusion proof; and
its offline check, with nothing but the log's and the witness's public keys.

``tlog.json``::

    {"checkpoint": "<signed note: origin, size, root; the log's signature and the witness's cosignature>",
     "log_key": "<the log's vkey>", "witness_key": "<the witness's vkey, or null>",
     "leaves": [{"case_id": "...", "version": 1, "position": 17, "index": 16, "proof": ["<base64>", ...]}, ...]}

The keys in the file only say which keys signed; an auditor checks against the keys the bank gave them
(`arrears evidence verify DIR --log-key VKEY --witness-key VKEY`).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from uuid import UUID

from infrastructure.merkle import ProofError, verify_inclusion
from infrastructure.signed_note import Checkpoint, NoteError, Verifier, open_checkpoint
from infrastructure.tlog_store import event_leaf_hash
from infrastructure.witness import WitnessAlarm
from projections.evidence_format import PackedEvent
from projections.transparency import TransparencyLog

TLOG = "tlog.json"


class PackTlogError(ValueError):
    """The log cannot vouch for the pack's events (not yet in a checkpoint, no leaf)."""


def tlog_file(tlog: TransparencyLog, case_ids: list[UUID]) -> bytes | None:
    """``tlog.json`` for these cases, against a checkpoint published now (None when the log has no signing key)."""
    if tlog.signer is None:
        return None
    try:
        note = tlog.publish()
    except WitnessAlarm as alarm:
        raise PackTlogError(f"the witness refuses the log's checkpoint, so no pack is made: {alarm}") from None
    checkpoint, _ = open_checkpoint(note, tlog.signer.verifier)
    rows = [(case_id, row) for case_id in case_ids for row in tlog.case_leaves(case_id)]
    missing = [f"{case_id} v{row['version']}" for case_id, row in rows if row["index"] is None]
    if missing:
        raise PackTlogError(f"events without a leaf in the transparency log: {', '.join(missing[:10])}")
    proofs = tlog.inclusions([row["index"] for _, row in rows], checkpoint.size)
    leaves = [
        {
            "case_id": str(case_id),
            "version": row["version"],
            "position": row["position"],
            "index": row["index"],
            "proof": [base64.b64encode(h).decode() for h in proof],
        }
        for (case_id, row), proof in zip(rows, proofs, strict=True)
    ]
    witness = tlog.witness.verifier.vkey if tlog.witness is not None else None
    document = {"checkpoint": note, "log_key": tlog.signer.verifier.vkey, "witness_key": witness, "leaves": leaves}
    return json.dumps(document, indent=1, sort_keys=True).encode()


def check_tlog(
    directory: Path,
    events: dict[str, list[PackedEvent]],
    log_key: Verifier | None,
    witness_key: Verifier | None,
) -> tuple[list[str], str]:
    """Problems found checking ``tlog.json`` against the pack's events, and what was checked, in words."""
    try:
        document = json.loads((directory / TLOG).read_bytes())
        note = str(document["checkpoint"])
        leaves = list(document["leaves"])
        given = (log_key, witness_key)
        log_key = log_key or Verifier.parse(document["log_key"])
        if witness_key is None and document.get("witness_key"):
            witness_key = Verifier.parse(document["witness_key"])
    except FileNotFoundError:
        return [f"{TLOG} is missing: the pack carries no proof from the transparency log"], "no transparency log"
    except (ValueError, KeyError, TypeError, NoteError) as error:
        return [f"{TLOG} cannot be read: {error}"], "transparency log unreadable"
    problems: list[str] = []
    try:
        checkpoint, parsed = open_checkpoint(note, log_key)
    except NoteError as error:
        return [f"{TLOG}: the checkpoint does not verify under the log's key: {error}"], "checkpoint refused"
    if witness_key is None:
        problems.append(f"{TLOG}: the checkpoint names no witness")
    else:
        try:
            parsed.verify(witness_key)
        except NoteError as error:
            problems.append(f"{TLOG}: the witness's cosignature does not verify: {error}")
    proven = _check_leaves(leaves, events, checkpoint, problems)
    keys = "the keys you gave" if all(given) else "the keys named in the pack (give --log-key and --witness-key)"
    return problems, f"{proven} inclusion proofs against checkpoint {checkpoint.size} checked with {keys}"


def _check_leaves(
    leaves: list[Any], events: dict[str, list[PackedEvent]], checkpoint: Checkpoint, problems: list[str]
) -> int:
    by_event = {(str(leaf.get("case_id")), leaf.get("version")): leaf for leaf in leaves if isinstance(leaf, dict)}
    proven = 0
    for case_id, case_events in sorted(events.items()):
        for event in case_events:
            leaf = by_event.get((case_id, event.version))
            if leaf is None:
                problems.append(f"case {case_id} v{event.version}: no inclusion proof in {TLOG}")
                continue
            try:
                hashed = event_leaf_hash(int(leaf["position"]), case_id, event.version, event.topic, event.state)
                proof = [base64.b64decode(h, validate=True) for h in leaf["proof"]]
                verify_inclusion(int(leaf["index"]), checkpoint.size, hashed, proof, checkpoint.root)
                proven += 1
            except (ProofError, KeyError, ValueError, TypeError) as error:
                problems.append(
                    f"case {case_id} v{event.version}: not in the log's signed tree (its bytes, position or proof "
                    f"were changed): {error}"
                )
    packed = {(c, e.version) for c, es in events.items() for e in es}
    for case_id, version in sorted(set(by_event) - packed, key=str):
        problems.append(f"case {case_id} v{version}: proven in {TLOG} but missing from the pack's events")
    return proven
