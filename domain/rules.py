"""Guards shared by the aggregates: each ``check_*`` raises a domain error or returns nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import FutureEventError, InvariantError
from domain.money import Money

DEFAULT_TIMEZONE = "Asia/Shanghai"
#: clocks drift: an occurred_at this far ahead of the server clock is still accepted
CLOCK_SKEW = timedelta(minutes=2)


def check_aware(moment: datetime, name: str = "occurred_at") -> None:
    """Times carry an offset; a naive time is ambiguous in a bank."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvariantError(f"{name} must carry a time zone offset")


def check_not_future(occurred_at: datetime, now: datetime) -> None:
    """Facts happen before they are recorded."""
    check_aware(occurred_at)
    if occurred_at > now + CLOCK_SKEW:
        raise FutureEventError(f"occurred_at {occurred_at.isoformat()} is in the future")


def check_positive(amount: Money, name: str = "amount") -> None:
    """Amounts of payments, promises and plans are strictly positive."""
    if not amount.is_positive():
        raise InvariantError(f"{name} must be positive, got {amount}")


def check_not_negative(amount: Money, name: str) -> None:
    """Balances are never negative."""
    if amount.fen < 0:
        raise InvariantError(f"{name} must not be negative, got {amount}")


def check_currency(amount: Money, currency: str, name: str = "amount") -> None:
    """A case speaks one currency."""
    if amount.currency != currency:
        raise InvariantError(f"{name} is in {amount.currency}, the case is in {currency}")


def check_not_blank(value: str, name: str) -> None:
    """Required text is present."""
    if not value or not value.strip():
        raise InvariantError(f"{name} must not be blank")


def local_date(moment: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    """The calendar date of a moment in the given time zone."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def check_date_not_past(day: date, now: datetime, timezone: str, name: str) -> None:
    """A promised or planned date is today or later in the enterprise's time zone."""
    if day < local_date(now, timezone):
        raise InvariantError(f"{name} {day.isoformat()} is in the past")
