"""Required contacts per tier (DESIGN.md §3 default strategy table), kept in one place.

The compliance view reads these; when published policies arrive (``PolicyPublished``) this is the one
table to replace with the governing policy's cadence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.case.events import ContactEvent, LetterSent
from domain.case.values import Channel, LetterKind


@dataclass(frozen=True)
class RequiredContact:
    """What a tier's strategy requires: a contact of some kind within a time, once or on a cadence."""

    kind: str
    channels: frozenset[Channel]
    within: timedelta
    recurring: bool
    letter_kind: LetterKind | None = None

    def satisfied_by(self, event: Any) -> bool:
        """True when the contact event is the kind this requirement asks for."""
        if not isinstance(event, ContactEvent) or event.channel not in self.channels:
            return False
        return self.letter_kind is None or (isinstance(event, LetterSent) and event.letter_kind == self.letter_kind)


DEFAULT_CADENCE: dict[str, RequiredContact] = {
    "low": RequiredContact("reminder", frozenset({Channel.PHONE, Channel.SMS, Channel.EMAIL}), timedelta(days=3), True),
    "medium": RequiredContact("visit", frozenset({Channel.VISIT}), timedelta(days=7), False),
    "high": RequiredContact(
        "lawyers_letter", frozenset({Channel.LETTER}), timedelta(days=3), False, LetterKind.LAWYERS_LETTER
    ),
}


def required_contact(tier: str, policy_version: int | None = None) -> RequiredContact:
    """The contact a tier's strategy requires under the governing policy (today: the default table)."""
    return DEFAULT_CADENCE[tier]
