"""The one function every event's line comes from; the modules beside it register a line per event type."""

from __future__ import annotations

from functools import singledispatch

from domain.base import DomainEvent


@singledispatch
def describe(event: DomainEvent) -> str:
    """A one-line, human-readable account of an event."""
    return type(event).__name__
