"""What the bank knows of an enterprise: registration, contact persons, statements, loan history."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field

from domain.base import ValueObject
from domain.errors import InvariantError
from domain.money import Money
from domain.rules import DEFAULT_TIMEZONE

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>Q[1-4]|H[12]|(0[1-9]|1[0-2])))?$")


class ContactPerson(ValueObject):
    """Someone at the enterprise the bank may contact."""

    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


class FinancialStatement(ValueObject):
    """One period's balance sheet, income statement and cash-flow statement."""

    period: str
    total_assets: Money
    total_liabilities: Money
    current_assets: Money
    current_liabilities: Money
    inventory: Money
    cash: Money
    revenue: Money
    operating_profit: Money
    net_profit: Money
    interest_expense: Money
    operating_cash_flow: Money

    def sort_key(self) -> tuple[int, int]:
        """Periods sort by year, then by where in the year they end."""
        return period_sort_key(self.period)


class LoanStatus(StrEnum):
    """Where a loan of the enterprise's history stands."""

    CURRENT = "current"
    OVERDUE = "overdue"
    REPAID = "repaid"
    RESTRUCTURED = "restructured"
    WRITTEN_OFF = "written_off"


class LoanRecord(ValueObject):
    """A loan in the enterprise's history, with how it was repaid."""

    loan_id: str
    amount: Money
    start_on: date
    maturity_on: date
    overdue_episodes: int = Field(ge=0)
    max_days_past_due: int = Field(ge=0)
    status: LoanStatus


def period_sort_key(period: str) -> tuple[int, int]:
    """(year, month the period ends) for "2025", "2025-Q4", "2025-H1" or "2025-06"."""
    match = _PERIOD.match(period)
    if match is None:
        raise InvariantError(f"period {period!r} must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM")
    part = match["part"]
    if part is None:
        end_month = 12
    elif part.startswith("Q"):
        end_month = int(part[1]) * 3
    elif part.startswith("H"):
        end_month = int(part[1]) * 6
    else:
        end_month = int(part)
    return int(match["year"]), end_month


class Registration(ValueObject):
    """What the registry says of an enterprise."""

    credit_code: str
    name: str
    registered_capital: Money
    business_scope: str = ""
    legal_representative: str = ""
    industry: str = ""
    region: str = ""
    established_on: date | None = None
    timezone: str = DEFAULT_TIMEZONE
