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


class PartyRole(StrEnum):
    """Whom a contact reaches, as the contact policy tells them apart."""

    #: the enterprise's legal representative (法定代表人)
    LEGAL_REPRESENTATIVE = "legal_representative"
    #: the enterprise's finance contact (财务负责人)
    FINANCE_CONTACT = "finance_contact"
    #: another person at the enterprise the bank deals with
    CONTACT = "contact"
    #: a guarantor of a loan (contacted about its own guarantee only)
    GUARANTOR = "guarantor"
    #: someone outside the debt (a landlord, a supplier, a relative): not to be told of the debt
    THIRD_PARTY = "third_party"


class ContactPerson(ValueObject):
    """Someone the bank may contact about the enterprise, and in what role."""

    name: str
    #: position, e.g. CFO (free text)
    role: str = ""
    phone: str = ""
    email: str = ""
    #: the role the contact policy knows them by (people stored before roles were known: ``contact``)
    party_role: PartyRole = PartyRole.CONTACT


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

    def sort_key(self) -> tuple[int, int, int]:
        """Periods sort by year, then by where in the year they end, then by how long they span."""
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
    #: what the enterprise still owes on it today (None: the amount, unless repaid or written off)
    outstanding: Money | None = None
    #: its days past due today (None: 0 unless overdue, then ``max_days_past_due``)
    days_past_due: int | None = Field(default=None, ge=0)


def period_sort_key(period: str) -> tuple[int, int, int]:
    """(year, month the period ends, months it spans) for "2025", "2025-Q4", "2025-H1" or "2025-06".

    A total order: periods ending in the same month sort the shorter first, so "2025-Q4" comes
    before "2025" and the full year is the latest statement of the two.
    """
    year, end_month, span = _parse_period(period)
    return year, end_month, span


def period_span_months(period: str) -> int:
    """How many months a period covers: 12 for a year, 6 for a half, 3 for a quarter, 1 for a month."""
    return _parse_period(period)[2]


def period_end(period: str) -> date:
    """The last day of a period."""
    year, end_month, _ = _parse_period(period)
    following = date(year + 1, 1, 1) if end_month == 12 else date(year, end_month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _parse_period(period: str) -> tuple[int, int, int]:
    match = _PERIOD.match(period)
    if match is None:
        raise InvariantError(f"period {period!r} must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM")
    part = match["part"]
    if part is None:
        return int(match["year"]), 12, 12
    if part.startswith("Q"):
        return int(match["year"]), int(part[1]) * 3, 3
    if part.startswith("H"):
        return int(match["year"]), int(part[1]) * 6, 6
    return int(match["year"]), int(part), 1


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
