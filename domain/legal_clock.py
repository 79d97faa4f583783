"""The limitation period (Civil Code art. 188: 3 years) and what restarts it (art. 195: a demand that arrives)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.case.values import LetterKind

DEFAULT_LIMITATION_YEARS = 3
DEFAULT_WARN_DAYS = 90
#: letters that demand performance and so interrupt the period once delivery is evidenced
DEMANDS = frozenset({LetterKind.REMINDER, LetterKind.DEMAND, LetterKind.LAWYERS_LETTER})
#: legal tasks and warnings fall due at this local time
WORKDAY_START = time(9, 0)


def add_years(start: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def limitation_ends(starts_on: date, years: int = DEFAULT_LIMITATION_YEARS) -> date:
    """The last day of a limitation period that starts on ``starts_on``."""
    return add_years(starts_on, years)


def restarts_limitation(letter_kind: LetterKind, delivery_evidence: str) -> bool:
    """A demand restarts the period only when its delivery is evidenced (signed receipt, delivered message)."""
    return letter_kind in DEMANDS and bool(delivery_evidence.strip())


def warning_day(ends_on: date, warn_days: int = DEFAULT_WARN_DAYS) -> date:
    """The day legal must be told the period is ending."""
    return ends_on - timedelta(days=warn_days)


def at_workday_start(day: date, timezone: str) -> datetime:
    """09:00 local time on ``day``, as an aware datetime."""
    return datetime.combine(day, WORKDAY_START, tzinfo=ZoneInfo(timezone))
