"""The evidence pack: a self-verifying bundle of a case (or of every case with an event in a period) that can be
handed to a regulator. It holds the events exactly as stored (JSON Lines), their hash chain and HMAC-sealed heads
from the audit trail, the compliance judgement of each required contact with the events that prove it, a readable
HTML report, each event's inclusion proof against a checkpoint signed by the transparency log and cosigned by its
witness (``tlog.json``, see ``evidence_tlog``), and a manifest of every file's sha256 (sealed under the audit key).
``evidence_verify`` checks a pack offline, with no database."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.case.events import CaseOpened
from domain.errors import DomainError, NotFoundError
from domain.strategy import POLICY_ID, PolicyPublished
from projections.audit_verify import stored_rows, unreadable
from projections.base import utc_text
from projections.cadence import Cadences
from projections.evidence_format import (
    CHAIN,
    COMPLIANCE,
    EVENTS,
    FORMAT,
    HEADS,
    MANIFEST,
    REPORT,
    PackedEvent,
    decoded,
    judgement,
    manifest_seal,
    sha256,
)
from projections.evidence_html import report_html
from projections.evidence_tlog import TLOG, PackTlogError, tlog_file
from projections.read_model import ReadModel


class EvidenceRefused(DomainError):
    """The store does not match its audit trail (or holds nothing to pack): no pack is made."""


@dataclass
class Bundle:
    """A pack's files in memory: name → bytes."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def write(self, directory: Path) -> Path:
        """Write the files into ``directory`` (created; must be empty or new)."""
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.iterdir()):
            raise EvidenceRefused(f"{directory} is not empty: give a new folder for the pack")
        for name, data in self.files.items():
            (directory / name).write_bytes(data)
        return directory

    def zipped(self) -> bytes:
        """The files as one zip (for a download)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(name, data)
        return buffer.getvalue()


def cases_in_period(read: ReadModel, start: datetime, end: datetime) -> list[UUID]:
    """Cases with an event whose business time falls in [start, end)."""
    with read._reading("timeline") as tx:
        rows = tx.query(
            "SELECT DISTINCT t.originator_id FROM timeline t WHERE t.occurred_at >= ? AND t.occurred_at < ? "
            "AND EXISTS (SELECT 1 FROM timeline o WHERE o.originator_id = t.originator_id AND o.version = 1 "
            "AND o.type = 'CaseOpened') ORDER BY t.originator_id",
            [utc_text(start), utc_text(end)],
        )
    return [UUID(str(row["originator_id"])) for row in rows]


def policy_cadences(read: ReadModel) -> Cadences:
    """The cadence of every published policy version, from the policy's stored events."""
    cadences = Cadences()
    rows = list(stored_rows(read.events, read.store, POLICY_ID))
    packed = [PackedEvent(str(row.originator_id), row.version, str(row.topic), bytes(row.state)) for row in rows]
    for event in decoded(packed, read.events.mapper) if packed else []:
        if isinstance(event, PolicyPublished):
            cadences.publish(event.version, event.terms)
    return cadences


def build_pack(
    read: ReadModel,
    case_ids: list[UUID],
    now: datetime,
    zone: ZoneInfo,
    scope: dict[str, Any],
) -> Bundle:
    """The pack of these cases' whole histories, after checking the store against the audit trail."""
    if not case_ids:
        raise NotFoundError("no case to pack: none matches")
    report = read.verify(None if len(case_ids) > 1 else case_ids[0], catch_up=True)
    wanted = {str(c) for c in case_ids}
    bad = [m for m in report.mismatches if m.case_id in wanted]
    if bad:
        named = "; ".join(f"{m.kind} {m.case_id} v{m.version}: {m.detail}" for m in bad[:10])
        raise EvidenceRefused(f"the store does not match its audit trail, so no pack is made: {named}")
    records, links, heads, compliance, typed_by_case = [], [], [], {}, {}
    cadences = policy_cadences(read)
    for case_id in case_ids:
        rows = list(stored_rows(read.events, read.store, case_id))
        for row in rows:
            problem = unreadable(row)
            if problem is not None:
                raise EvidenceRefused(f"case {case_id} v{row.version}: {problem}")
        packed = [PackedEvent(row.originator_id, row.version, str(row.topic), bytes(row.state)) for row in rows]
        typed = decoded(packed, read.events.mapper) if packed else []
        if not typed or not isinstance(typed[0], CaseOpened):
            raise NotFoundError(f"no case {case_id}")
        typed_by_case[str(case_id)] = typed
        for event, item in zip(typed, packed, strict=True):
            readable = {"occurred_at": event.occurred_at.isoformat(), "recorded_at": event.timestamp.isoformat()}
            records.append(item.record(readable))
        trail = read.audit(case_id)
        links += [
            {"originator_id": str(case_id), "version": i.version, "prev_hash": i.prev_hash, "hash": i.hash}
            for i in trail.items
        ]
        if trail.head is None:
            raise EvidenceRefused(f"case {case_id} has no chain head yet")
        heads.append({"originator_id": str(case_id), **trail.head.model_dump()})
        compliance[str(case_id)] = judgement(str(case_id), typed, now, cadences)
    files = {
        EVENTS: "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode(),
        CHAIN: "".join(json.dumps(link, sort_keys=True) + "\n" for link in links).encode(),
        HEADS: json.dumps(heads, indent=2, sort_keys=True).encode(),
        COMPLIANCE: json.dumps(compliance, indent=2, sort_keys=True, ensure_ascii=False).encode(),
    }
    try:
        proofs = tlog_file(read.tlog, case_ids) if read.tlog is not None else None
    except PackTlogError as error:
        raise EvidenceRefused(str(error)) from None
    if proofs is not None:
        files[TLOG] = proofs
    files[REPORT] = report_html(scope, now, zone, typed_by_case, compliance, heads, read.audit_key is not None)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "scope": scope,
        "cases": sorted(wanted),
        "sealed": read.audit_key is not None,
        "tlog": proofs is not None,
        "files": {name: sha256(data) for name, data in sorted(files.items())},
    }
    manifest["seal"] = manifest_seal(read.audit_key, manifest)
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return Bundle(files=files, manifest=manifest)
