"""The evidence pack's files and the checks both its maker and its verifier run: what a stored event looks like as a
JSON Lines record, the compliance judgement recomputed from events, and the manifest's canonical bytes and seal.
No database here: the offline verifier uses only this module and the files."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.case.events import StrategyAssigned
from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper
from projections.base import utc_text
from projections.cadence import Cadences
from projections.compliance import judge

FORMAT = "arrears-evidence-1"
EVENTS, CHAIN, HEADS, COMPLIANCE, REPORT, MANIFEST = (
    "events.jsonl",
    "chain.jsonl",
    "heads.json",
    "compliance.json",
    "report.html",
    "manifest.json",
)


@dataclass(frozen=True)
class PackedEvent:
    """A stored event as the pack holds it: its identity and its stored bytes, exactly."""

    originator_id: str
    version: int
    topic: str
    state: bytes

    def record(self, readable: dict[str, Any]) -> dict[str, Any]:
        """The JSON Lines record: the stored bytes as text when they are JSON (else base64), plus readable times."""
        try:
            text = self.state.decode("utf-8")
            json.loads(text)
            encoding, body = "json", text
        except (UnicodeDecodeError, ValueError):  # encrypted or compressed at rest: kept exactly, as base64
            encoding, body = "base64", base64.b64encode(self.state).decode()
        return {
            "originator_id": self.originator_id,
            "version": self.version,
            "topic": self.topic,
            **readable,
            "encoding": encoding,
            "state": body,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PackedEvent:
        """Back from a JSON Lines record (ValueError when it is malformed)."""
        encoding, body = record.get("encoding"), record.get("state")
        if not isinstance(body, str) or encoding not in ("json", "base64"):
            raise ValueError("a record needs encoding json or base64 and a state")
        state = body.encode("utf-8") if encoding == "json" else base64.b64decode(body, validate=True)
        return cls(str(UUID(str(record["originator_id"]))), int(record["version"]), str(record["topic"]), state)


def decoded(events: Iterable[PackedEvent], mapper: Any = None) -> list[Any]:
    """The typed events: by the store's own mapper, or offline by a plain one (stored as plain JSON; events
    encrypted at rest cannot be read without the cipher key)."""
    mapper = mapper or PydanticMapper(transcoder=OrjsonTranscoder())
    return [
        mapper.to_domain_event(
            StoredEvent(originator_id=UUID(e.originator_id), originator_version=e.version, topic=e.topic, state=e.state)
        )
        for e in events
    ]


def judgement(case_id: str, events: list[Any], now: datetime, cadences: Cadences | None = None) -> dict[str, Any]:
    """Each required contact of a case (met, late, missed, open or overdue) with the versions of the events that
    prove it, every supervisor override and every breach (a contact recorded although it broke a rule): the
    compliance view's rules, recomputed from the events alone and the cadence of each policy version the case's
    strategy assignments name (stated in the pack as ``cadences``)."""
    cadences = cadences if cadences is not None else Cadences()
    states: dict[str, dict[str, Any]] = {}
    requirements: dict[tuple[str, int], dict[str, Any]] = {}
    overrides: list[tuple[Any, ...]] = []
    breaches: list[tuple[Any, ...]] = []
    for event in events:
        judge(states, case_id, event.originator_version, event, requirements, overrides, breaches, cadences)
    cutoff = utc_text(now) or ""
    found = []
    for _, req in sorted(requirements.items()):
        status = req["status"]
        if status == "open" and req["due_at"] < cutoff:
            status = "overdue"
        proof = [req["required_by"]] + ([req["met_by"]] if req["met_by"] is not None else [])
        found.append(
            {
                "seq": req["seq"],
                "tier": req["tier"],
                "kind": req["kind"],
                "due_at": req["due_at"],
                "status": status,
                "met_at": req["met_at"],
                "policy_version": req["policy_version"],
                "proved_by_versions": proof,
            }
        )
    return {
        "requirements": found,
        "overrides": [
            {"version": o[1], "type": o[2], "rules": o[3].split(",") if o[3] else [], "reason": o[4], "by": o[5]}
            for o in overrides
        ],
        "breaches": [
            {"version": b[1], "type": b[2], "rules": b[3].split(",") if b[3] else [], "by": b[4], "occurred_at": b[6]}
            for b in breaches
        ],
        "cadences": cadences.used({e.policy_version for e in events if isinstance(e, StrategyAssigned)}),
    }


def canonical(data: Any) -> bytes:
    """JSON with sorted keys and no spaces: the bytes a seal covers."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    """Hex sha256."""
    return hashlib.sha256(data).hexdigest()


def manifest_seal(key: bytes | None, manifest: dict[str, Any]) -> str | None:
    """HMAC-SHA256 of the manifest (without its seal) under the audit key; None without a key."""
    if key is None:
        return None
    body = {k: v for k, v in manifest.items() if k != "seal"}
    return hmac.new(key, b"arrears-evidence-manifest\x00" + canonical(body), hashlib.sha256).hexdigest()
