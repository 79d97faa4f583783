"""Checking an evidence pack offline, from its files alone: every file against the manifest, every event's stored
bytes against its hash chain and sealed head, the compliance judgement against the events, and (with the audit key)
the seals. Each change is named: which file, which case and version, what no longer holds."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from infrastructure.signed_note import Verifier
from projections.audit_chain import GENESIS, chain_hash, seal_is_valid
from projections.cadence import Cadences
from projections.evidence_format import (
    CHAIN,
    COMPLIANCE,
    EVENTS,
    FORMAT,
    HEADS,
    MANIFEST,
    PackedEvent,
    decoded,
    judgement,
    manifest_seal,
    sha256,
)
from projections.evidence_tlog import TLOG, check_tlog


@dataclass
class PackCheck:
    """What checking a pack found."""

    problems: list[str] = field(default_factory=list)
    cases: int = 0
    events: int = 0
    seals_checked: bool = False
    compliance_checked: bool = False
    #: what the transparency log's proofs came to, in words ("" when the pack carries none)
    tlog: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing was found changed."""
        return not self.problems


def _read_json(directory: Path, name: str, check: PackCheck) -> Any:
    try:
        return json.loads((directory / name).read_bytes())
    except FileNotFoundError:
        check.problems.append(f"{name} is missing")
    except ValueError as error:
        check.problems.append(f"{name} is not valid JSON: {error}")
    return None


def _read_lines(directory: Path, name: str, check: PackCheck) -> list[dict[str, Any]]:
    try:
        text = (directory / name).read_text("utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as error:
        check.problems.append(f"{name} cannot be read: {error}")
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not an object")
            found.append(record)
        except ValueError as error:
            check.problems.append(f"{name} line {number} is not a JSON object: {error}")
    return found


def verify_pack(
    directory: Path, key: bytes | None = None, log_key: Verifier | None = None, witness_key: Verifier | None = None
) -> PackCheck:
    """Check the pack in ``directory``; with ``key`` (the audit key) the seals too; the transparency log's proofs
    with the log's and the witness's public keys (those named in the pack when not given)."""
    check = PackCheck(seals_checked=key is not None)
    manifest = _read_json(directory, MANIFEST, check)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        check.problems.append(f"{MANIFEST} is not an {FORMAT} manifest")
        return check
    listed: dict[str, str] = manifest.get("files", {})
    for name, expected in sorted(listed.items()):
        path = directory / name
        if not path.is_file():
            check.problems.append(f"{name} is missing")
        elif sha256(path.read_bytes()) != expected:
            check.problems.append(f"{name} was changed: its sha256 is not the one in {MANIFEST}")
    for path in sorted(directory.iterdir()):
        if path.name not in listed and path.name != MANIFEST:
            check.problems.append(f"{path.name} is not part of the pack (not in {MANIFEST})")
    if key is not None and not seal_ok(key, manifest):
        check.problems.append(f"{MANIFEST}'s seal does not verify under the audit key: the manifest was rewritten")

    events = _events(directory, check)
    _check_chains(directory, events, check, key)
    _check_compliance(directory, events, manifest, check)
    if manifest.get("tlog") or TLOG in listed:
        problems, check.tlog = check_tlog(directory, events, log_key, witness_key)
        check.problems += problems
    return check


def seal_ok(key: bytes, manifest: dict[str, Any]) -> bool:
    """True when the manifest's seal is the key's HMAC of it."""
    expected = manifest_seal(key, manifest)
    return expected is not None and manifest.get("seal") == expected


def _events(directory: Path, check: PackCheck) -> dict[str, list[PackedEvent]]:
    by_case: dict[str, list[PackedEvent]] = defaultdict(list)
    for record in _read_lines(directory, EVENTS, check):
        try:
            event = PackedEvent.from_record(record)
        except (KeyError, ValueError) as error:
            check.problems.append(f"{EVENTS}: a record cannot be read: {error}")
            continue
        by_case[event.originator_id].append(event)
    for case_id, events in by_case.items():
        events.sort(key=lambda e: e.version)
        versions = [e.version for e in events]
        if versions != list(range(1, len(events) + 1)):
            missing = sorted(set(range(1, max(versions) + 1)) - set(versions))
            check.problems.append(f"case {case_id}: events are not versions 1..{max(versions)} (missing {missing})")
    check.cases, check.events = len(by_case), sum(len(e) for e in by_case.values())
    return by_case


def _check_chains(directory: Path, events: dict[str, list[PackedEvent]], check: PackCheck, key: bytes | None) -> None:
    links = {(r.get("originator_id"), r.get("version")): r for r in _read_lines(directory, CHAIN, check)}
    heads_data = _read_json(directory, HEADS, check)
    listed = heads_data if isinstance(heads_data, list) else []
    heads = {h.get("originator_id"): h for h in listed if isinstance(h, dict)}
    for case_id, case_events in sorted(events.items()):
        previous = GENESIS  # each event is checked against its own link, so a change names that event alone
        for event in case_events:
            link = links.get((case_id, event.version))
            if link is None:
                check.problems.append(f"case {case_id} v{event.version}: not in {CHAIN}")
                continue
            if link.get("prev_hash") != previous:
                check.problems.append(f"case {case_id} v{event.version}: its link does not follow the previous hash")
            again = chain_hash(str(link.get("prev_hash")), event.originator_id, event.version, event.topic, event.state)
            if link.get("hash") != again:
                check.problems.append(
                    f"case {case_id} v{event.version}: the event's stored bytes no longer match its chained hash"
                )
            previous = str(link.get("hash"))
        head = heads.get(case_id)
        last = case_events[-1].version if case_events else 0
        if head is None:
            check.problems.append(f"case {case_id}: no sealed chain head in {HEADS}")
        elif head.get("version") != last or head.get("hash") != previous:
            check.problems.append(f"case {case_id}: the chain head (v{head.get('version')}) does not match its events")
        elif key is not None and not seal_is_valid(key, case_id, last, previous, head.get("seal")):
            check.problems.append(f"case {case_id}: the chain head's seal does not verify under the audit key")
    packed = {(c, e.version) for c, es in events.items() for e in es}
    for orphan, version in sorted(set(links) - packed, key=str):
        check.problems.append(f"case {orphan} v{version}: chained in {CHAIN} but missing from {EVENTS}")


def _check_compliance(
    directory: Path, events: dict[str, list[PackedEvent]], manifest: dict[str, Any], check: PackCheck
) -> None:
    stated = _read_json(directory, COMPLIANCE, check)
    if not isinstance(stated, dict):
        return
    try:
        made = datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        check.problems.append(f"{MANIFEST}: created_at is not a time")
        return
    for case_id, case_events in sorted(events.items()):
        try:
            typed = decoded(case_events)
        except Exception:  # encrypted at rest: the judgement cannot be recomputed without the cipher key
            return
        stated_case = stated.get(case_id)
        try:
            cadences = Cadences.from_json(stated_case.get("cadences", {}) if isinstance(stated_case, dict) else {})
        except (KeyError, TypeError, ValueError, AttributeError):
            check.problems.append(f"case {case_id}: the cadences in {COMPLIANCE} cannot be read")
            continue
        again = judgement(case_id, typed, made, cadences)
        if stated.get(case_id) != again:
            check.problems.append(
                f"case {case_id}: the compliance judgement in {COMPLIANCE} is not what its events show"
            )
    check.compliance_checked = True
