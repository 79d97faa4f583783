"""Enterprises: registration, financial statements, loan records."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Amount, ApiModel, Currency, Day, ShortText, SignedAmount, Text, Time, TimeZone
from domain.enterprise.values import LoanStatus, PartyRole

Period = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$",
        description='the period: "2025", "2025-Q4", "2025-H1" or "2025-06"',
        examples=["2025-Q4"],
    ),
]


class ContactPersonIn(ApiModel):
    """Someone at the enterprise the bank may contact."""

    name: ShortText = Field(description="full name")
    role: ShortText = Field(default="", description="position, e.g. CFO")
    party_role: PartyRole = Field(
        default=PartyRole.CONTACT,
        description="legal_representative, finance_contact, contact, guarantor or third_party: the contact rules "
        "that apply (a third party may not be told of the debt; a guarantor only about its own guarantee)",
    )
    phone: ShortText = Field(default="", description="phone number")
    email: ShortText = Field(default="", description="email address")


class EnterpriseIn(ApiModel):
    """Register an enterprise (its id is derived from the credit code, so a repeat is a 409)."""

    credit_code: str = Field(
        pattern=r"^[0-9A-Za-z]{18}$", description="unified social credit code (18 characters, checked)"
    )
    name: ShortText = Field(description="registered name")
    registered_capital: Amount = Field(description="registered capital")
    currency: Currency = Field(default="CNY", description="currency of the registered capital")
    business_scope: Text = Field(default="", max_length=2000, description="business scope")
    legal_representative: ShortText = Field(default="", description="legal representative")
    industry: ShortText = Field(default="", description="industry")
    region: ShortText = Field(default="", description="region or province")
    established_on: Day | None = Field(default=None, description="date of establishment")
    timezone: TimeZone = Field(default="Asia/Shanghai", description="IANA time zone the contact rules use")
    contacts: list[ContactPersonIn] = Field(default_factory=list, max_length=100, description="contact persons")
    occurred_at: Time | None = Field(default=None, description="when it was registered; default: now")


class FinancialStatementIn(ApiModel):
    """One period's balance sheet, income statement and cash-flow statement."""

    period: Period
    currency: Currency = Field(default="CNY", description="currency of every amount")
    total_assets: Amount = Field(description="total assets")
    total_liabilities: Amount = Field(description="total liabilities")
    current_assets: Amount = Field(description="current assets")
    current_liabilities: Amount = Field(description="current liabilities")
    inventory: Amount = Field(description="inventory")
    cash: Amount = Field(description="cash and equivalents")
    revenue: Amount = Field(description="revenue")
    operating_profit: SignedAmount = Field(description="operating profit")
    net_profit: SignedAmount = Field(description="net profit")
    interest_expense: Amount = Field(description="interest expense")
    operating_cash_flow: SignedAmount = Field(description="net cash flow from operations")
    occurred_at: Time | None = Field(default=None, description="when it was filed; default: now")


class LoanRecordIn(ApiModel):
    """A loan in the enterprise's history."""

    loan_id: ShortText = Field(min_length=1, description="the bank's loan id")
    amount: Amount = Field(description="loan amount")
    currency: Currency = Field(default="CNY", description="currency of the amount")
    start_on: Day = Field(description="drawdown date")
    maturity_on: Day = Field(description="maturity date")
    overdue_episodes: int = Field(strict=True, ge=0, le=10_000, description="how many times it went overdue")
    max_days_past_due: int = Field(strict=True, ge=0, le=100_000, description="worst days past due")
    status: LoanStatus = Field(description="where the loan stands")
    outstanding: Amount | None = Field(
        default=None, description="what is still owed on it (default: the amount, unless repaid or written off)"
    )
    days_past_due: int | None = Field(
        default=None, ge=0, le=100_000, description="its days past due today (default: 0; overdue: max_days_past_due)"
    )
    occurred_at: Time | None = Field(default=None, description="when it was recorded; default: now")


class EnterpriseWritten(BaseModel):
    """A write to an enterprise was recorded."""

    enterprise_id: str = Field(description="the enterprise (uuid5 of its credit code)")
    version: int = Field(description="the enterprise's new version")


class ContactPersonOut(BaseModel):
    """A contact person."""

    name: str = Field(description="full name")
    role: str = Field(description="position")
    phone: str = Field(description="phone number")
    email: str = Field(description="email address")
    party_role: str = Field(default="contact", description="the role the contact policy knows them by")


class FinancialStatementOut(BaseModel):
    """A filed statement (amounts as decimal strings)."""

    period: str = Field(description="the period")
    total_assets: str = Field(description="total assets")
    total_liabilities: str = Field(description="total liabilities")
    current_assets: str = Field(description="current assets")
    current_liabilities: str = Field(description="current liabilities")
    inventory: str = Field(description="inventory")
    cash: str = Field(description="cash")
    revenue: str = Field(description="revenue")
    operating_profit: str = Field(description="operating profit")
    net_profit: str = Field(description="net profit")
    interest_expense: str = Field(description="interest expense")
    operating_cash_flow: str = Field(description="operating cash flow")


class LoanRecordOut(BaseModel):
    """A loan of the history."""

    loan_id: str = Field(description="the loan id")
    amount: str = Field(description="amount")
    start_on: str = Field(description="drawdown date")
    maturity_on: str = Field(description="maturity date")
    overdue_episodes: int = Field(description="times overdue")
    max_days_past_due: int = Field(description="worst days past due")
    status: str = Field(description="status")


class EnterpriseOut(BaseModel):
    """An enterprise and everything the bank knows of it."""

    enterprise_id: str = Field(description="the enterprise id")
    version: int = Field(description="its version")
    credit_code: str = Field(description="unified social credit code")
    name: str = Field(description="registered name")
    registered_capital: str = Field(description="registered capital")
    business_scope: str = Field(description="business scope")
    legal_representative: str = Field(description="legal representative")
    industry: str = Field(description="industry")
    region: str = Field(description="region")
    established_on: str | None = Field(description="date of establishment")
    timezone: str = Field(description="IANA time zone")
    contacts: list[ContactPersonOut] = Field(description="contact persons")
    financial_statements: list[FinancialStatementOut] = Field(description="statements, oldest period first")
    loan_records: list[LoanRecordOut] = Field(description="loan history")
    do_not_contact: bool = Field(description="whether contact is forbidden")
    do_not_contact_reason: str = Field(description="why contact is forbidden")
