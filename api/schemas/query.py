"""Query-string values: times whose ``+`` a URL turned into a space, and event kinds."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from api.schemas.common import Time

#: how to write a time in a query string (a bare ``+`` there means a space)
TIME_IN_QUERY = (
    "times are ISO 8601 with an offset, e.g. 2026-11-04T10:00:00+08:00; in a URL write the + as %2B "
    "(as_of=2026-11-04T10:00:00%2B08:00) or give the time in UTC with Z (as_of=2026-11-04T02:00:00Z)"
)
#: a time whose offset's ``+`` arrived as a space (an unencoded ``+`` in a query string decodes to one); a ``-``
#: offset and ``Z`` arrive as they were sent, so a space there can only have been a ``+``
_SPACE_FOR_PLUS = re.compile(r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?) (\d{2}(?::?\d{2})?)$")


def plus_restored(value: Any) -> Any:
    """A query-string time as it was meant: ``2026-11-04T10:00:00 08:00`` is ``...+08:00``; anything else that is
    not an ISO 8601 time with an offset is refused saying how to send one."""
    if not isinstance(value, str):
        return value
    spaced = _SPACE_FOR_PLUS.match(value.strip())
    if spaced is not None:
        value = f"{spaced[1]}+{spaced[2]}"
    try:
        aware = datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        aware = False
    if not aware:
        raise ValueError(TIME_IN_QUERY)
    return value


#: a time in a query string: ISO 8601 with an offset, its ``+`` sent as %2B or (unambiguously) left unencoded
QueryTime = Annotated[Time, BeforeValidator(plus_restored)]


def _descendants(cls: type) -> list[type]:
    found = [cls]
    sub: type
    for sub in cls.__subclasses__():
        found += _descendants(sub)
    return found


def event_kinds() -> dict[str, set[str]]:
    """Every event type a timeline can hold, by its lower-cased name, with the types it stands for: itself and the
    types derived from it (``ContactEvent``: every kind of contact)."""
    import domain.case
    import domain.enterprise.aggregate  # noqa: F401
    from domain.base import DomainEvent

    classes = [c for c in _descendants(DomainEvent) if c.__module__.startswith("domain.")]
    return {
        cls.__name__.lower(): {c.__name__ for c in _descendants(cls)}
        for cls in classes
        if cls.__name__ not in ("Event", "Created")
    }


def known_kinds(asked: list[str]) -> list[str]:
    """The event types asked for (repeated or comma-separated, any case; a base type such as ContactEvent stands for
    every type derived from it); ValueError naming any that no event has."""
    kinds = event_kinds()
    names = [name.strip() for item in asked for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name.lower() not in kinds]
    if unknown:
        raise ValueError(
            f"no event is of kind {', '.join(unknown)}; kinds are event types as the timeline's items name them, "
            "e.g. CallLogged, VisitCompleted, PromiseToPayMade, PaymentReceived, or ContactEvent for every contact"
        )
    return sorted(set().union(*(kinds[name.lower()] for name in names)))
