"""One readable line per event, for timelines, the CLI and auditors (``describe``); each module here registers the
lines of one family of events."""

from __future__ import annotations

from domain.narration import case_events, enterprise_events, ledger_events, legal_events
from domain.narration.dispatch import describe

__all__ = ["case_events", "describe", "enterprise_events", "ledger_events", "legal_events"]
