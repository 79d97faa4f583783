"""A case's past, in both of its times: ``as_of`` is business time (what had *happened* by then, from each event's
``occurred_at``) and ``known_at`` is recording time (what the bank had *recorded* by then, the store's timestamp).
Either, both or neither may be given: both together answer "what did the bank know on 1 December about where the
case stood on 24 November?"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.case import CollectionCase
from domain.case.events import CaseOpened
from domain.errors import DomainError, NotFoundError


class HistoryQueryError(DomainError):
    """The question about the past is malformed (a time without an offset)."""


@dataclass(frozen=True)
class CaseThen:
    """A case folded from the events that had happened by ``as_of`` and were recorded by ``known_at``."""

    case: CollectionCase
    #: the events folded, in business-time order (``occurred_at``, then version)
    events: list[Any]
    as_of: datetime | None
    known_at: datetime | None


def business_time(event: Any) -> datetime:
    """When an event happened: its ``occurred_at`` (the time it was recorded for an event without one)."""
    occurred = getattr(event, "occurred_at", None)
    return occurred if isinstance(occurred, datetime) else event.timestamp


def value_date_time(day: date, zone: ZoneInfo, now: datetime) -> datetime:
    """A payment's business time from its value date (``received_on``): the close of that day in the business zone
    (23:59:59; a payment counts as received by the end of its value date), or ``now`` when that is earlier (a
    payment received today had happened by the moment it is recorded)."""
    return min(datetime.combine(day, time(23, 59, 59), tzinfo=zone), now)


def _aware(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.tzinfo is None:
        raise HistoryQueryError(f"{name} must carry a time zone offset, e.g. 2026-11-24T18:00:00+08:00")


def case_then(events: Sequence[Any], as_of: datetime | None = None, known_at: datetime | None = None) -> CaseThen:
    """Fold the case's events that pass both filters, in the order they were recorded (so each decision meets the
    state it was decided on); an event not yet happened or not yet recorded is skipped, leaving a gap in versions.

    NotFoundError when nothing of the case had happened by ``as_of`` or been recorded by ``known_at``.
    """
    _aware("as_of", as_of)
    _aware("known_at", known_at)
    chosen = [
        e
        for e in events
        if (known_at is None or e.timestamp <= known_at) and (as_of is None or business_time(e) <= as_of)
    ]
    if not chosen or not isinstance(chosen[0], CaseOpened) or chosen[0].originator_version != 1:
        opened = events[0] if events else None
        when = []
        if as_of is not None:
            when.append(f"had happened by {as_of.isoformat()}")
        if known_at is not None:
            when.append(f"was recorded by {known_at.isoformat()}")
        detail = ""
        if opened is not None:
            detail = f" (it opened {business_time(opened).isoformat()}, recorded {opened.timestamp.isoformat()})"
        case_id = opened.originator_id if opened is not None else "?"
        raise NotFoundError(f"nothing of case {case_id} {' and '.join(when)}{detail}")
    case: Any = None
    for event in chosen:
        if case is not None:
            case.version = event.originator_version - 1  # skip what had not happened (or was not known) yet
        case = event.mutate(case)
    assert isinstance(case, CollectionCase)
    ordered = sorted(chosen, key=lambda e: (business_time(e), e.originator_version))
    return CaseThen(case=case, events=ordered, as_of=as_of, known_at=known_at)


def end_of_day(day: date, timezone: str) -> datetime:
    """The last moment of a day in a zone (a day's figures count every act of that day)."""
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=ZoneInfo(timezone))


def case_on(events: Sequence[Any], day: date, known_at: datetime | None = None) -> CollectionCase:
    """The case as it stood at the end of ``day`` in its zone (every act that had happened by then, as recorded by
    ``known_at``): what its position, days past due and category on that day are computed from
    (``CollectionCase.position_as_of(day)``, ``judge(day)``). NotFoundError before the case existed."""
    if not events or not isinstance(events[0], CaseOpened):
        raise NotFoundError("no such case")
    return case_then(events, as_of=end_of_day(day, events[0].timezone), known_at=known_at).case
