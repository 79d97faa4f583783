"""Delinquency buckets by days past due and the five-category loan classification (五级分类)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

#: (upper bound of days past due, bucket); above the last bound is ">360"
BUCKETS: list[tuple[int, str]] = [
    (0, "current"),
    (30, "1-30"),
    (60, "31-60"),
    (90, "61-90"),
    (180, "91-180"),
    (360, "181-360"),
]


class LoanCategory(StrEnum):
    """The five regulatory categories, best to worst."""

    NORMAL = "normal"
    SPECIAL_MENTION = "special_mention"
    SUBSTANDARD = "substandard"
    DOUBTFUL = "doubtful"
    LOSS = "loss"


def days_past_due(overdue_since: date, overdue_fen: int, as_of: date) -> int:
    """Days since the oldest unpaid amount fell due; 0 when nothing is overdue."""
    if overdue_fen <= 0:
        return 0
    return max(0, (as_of - overdue_since).days)


def bucket(days: int) -> str:
    """The delinquency bucket: current, 1-30, 31-60, 61-90, 91-180, 181-360 or >360."""
    return next((name for bound, name in BUCKETS if days <= bound), ">360")


def category(days: int) -> LoanCategory:
    """The category overdue days alone imply (overdue >90 days at least substandard, >270 doubtful, >360 loss)."""
    if days == 0:
        return LoanCategory.NORMAL
    if days <= 90:
        return LoanCategory.SPECIAL_MENTION
    if days <= 270:
        return LoanCategory.SUBSTANDARD
    if days <= 360:
        return LoanCategory.DOUBTFUL
    return LoanCategory.LOSS
