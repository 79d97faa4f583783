"""Required contacts per tier under each published policy version: the compliance view and the evidence pack
judge a case by the cadence of the policy version its strategy assignment names (``Treatment.required_contact``:
stated in the policy, or implied by the tier's reminders and visit or lawyer's-letter deadlines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domain.cadence import ContactCadence
from domain.case.events import ContactEvent, LetterSent
from domain.case.values import Channel, LetterKind
from domain.strategy import PolicyTerms, default_terms


@dataclass(frozen=True)
class RequiredContact:
    """What a tier's strategy requires: a contact of some kind within a time, once or on a cadence."""

    kind: str
    channels: frozenset[Channel]
    within: timedelta
    recurring: bool
    letter_kind: LetterKind | None = None

    @classmethod
    def of(cls, cadence: ContactCadence) -> RequiredContact:
        """The requirement a policy's cadence states."""
        return cls(
            kind=cadence.kind,
            channels=frozenset(cadence.channels),
            within=timedelta(days=cadence.within_days),
            recurring=cadence.recurring,
            letter_kind=cadence.letter_kind,
        )

    def satisfied_by(self, event: Any) -> bool:
        """True when the contact event is the kind this requirement asks for."""
        if not isinstance(event, ContactEvent) or event.channel not in self.channels:
            return False
        return self.letter_kind is None or (isinstance(event, LetterSent) and event.letter_kind == self.letter_kind)

    def as_json(self) -> dict[str, Any]:
        """The requirement as the evidence pack states it (and reads it back)."""
        return {
            "kind": self.kind,
            "channels": sorted(str(c) for c in self.channels),
            "within_days": self.within.days,
            "recurring": self.recurring,
            "letter_kind": None if self.letter_kind is None else str(self.letter_kind),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RequiredContact:
        """Read back ``as_json``."""
        letter = data.get("letter_kind")
        return cls(
            kind=data["kind"],
            channels=frozenset(Channel(c) for c in data["channels"]),
            within=timedelta(days=int(data["within_days"])),
            recurring=bool(data["recurring"]),
            letter_kind=None if letter is None else LetterKind(letter),
        )


def cadence_of(terms: PolicyTerms) -> dict[str, RequiredContact | None]:
    """Each tier's required contact under a policy version (None: the tier requires none)."""
    found = {}
    for treatment in terms.treatments:
        cadence = treatment.required_contact()
        found[str(treatment.tier)] = None if cadence is None else RequiredContact.of(cadence)
    return found


#: policy v1 (DESIGN.md §3): low — a reminder every 3 days; medium — a visit within 7; high — a lawyer's letter within 3
DEFAULT_CADENCE = cadence_of(default_terms())


@dataclass
class Cadences:
    """The cadence of every policy version seen; a version not seen (a strategy assigned by hand, a policy not
    yet stored) is judged by the default v1."""

    versions: dict[int, dict[str, RequiredContact | None]] = field(default_factory=dict)

    def publish(self, version: int, terms: PolicyTerms) -> None:
        """A version was published."""
        self.versions[version] = cadence_of(terms)

    def required(self, tier: str, policy_version: int | None) -> RequiredContact | None:
        """The contact a tier requires under the policy version that governs the case."""
        table = self.versions.get(policy_version) if policy_version is not None else None
        return (table if table is not None else DEFAULT_CADENCE).get(tier)

    def used(self, versions: set[int | None]) -> dict[str, dict[str, Any]]:
        """The cadences of these versions as JSON (version → tier → requirement or None)."""
        out: dict[str, dict[str, Any]] = {}
        for version in sorted(v for v in versions if v is not None):
            table = self.versions.get(version, DEFAULT_CADENCE)
            out[str(version)] = {tier: None if r is None else r.as_json() for tier, r in sorted(table.items())}
        return out

    @classmethod
    def from_json(cls, data: dict[str, dict[str, Any]]) -> Cadences:
        """Read back ``used``."""
        return cls(
            {
                int(version): {tier: None if r is None else RequiredContact.from_json(r) for tier, r in table.items()}
                for version, table in data.items()
            }
        )
