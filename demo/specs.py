"""The shape of a demo enterprise as plain data: its statements, past loans, case and contact history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.credit_code import complete_credit_code
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, LoanStatus, Registration
from domain.money import Money


@dataclass(frozen=True)
class Statement:
    """One year's figures in yuan (decimal strings), in DESIGN.md's field names."""

    period: str
    total_assets: str
    total_liabilities: str
    current_assets: str
    current_liabilities: str
    inventory: str
    cash: str
    revenue: str
    operating_profit: str
    net_profit: str
    interest_expense: str
    operating_cash_flow: str


@dataclass(frozen=True)
class PastLoan:
    """A loan of the enterprise's history."""

    loan_id: str
    amount: str
    start_on: date
    maturity_on: date
    overdue_episodes: int
    max_days_past_due: int
    status: str


@dataclass(frozen=True)
class DemoEnterprise:
    """An enterprise of the demo, its history and the overdue loan its case is about."""

    key: str
    credit_code: str
    name: str
    industry: str
    region: str
    registered_capital: str
    business_scope: str
    legal_representative: str
    established_on: date
    contacts: list[tuple[str, str, str, str]]  # name, role, phone, email
    statements: list[Statement]
    history: list[PastLoan]
    loan_id: str
    principal: str
    outstanding: str
    overdue_amount: str
    overdue_since: date
    #: the tier the seed's story gives (the named examples); None for drawn firms: the model decides
    expected_tier: str | None = None
    story: str = ""
    contacts_log: list[tuple[str, str, str, str]] = field(default_factory=list)  # channel, outcome, summary, feedback


def credit_code_for(n: int) -> str:
    return complete_credit_code(f"91{n:015d}")


def statement(
    period: str,
    assets: int,
    leverage_pct: int,
    revenue: int,
    net: int,
    cash_flow: int,
    current_ratio_pct: int,
    inventory: int,
    cash: int,
    interest: int,
) -> Statement:
    """Figures in ten-thousands of yuan (万元) expanded to yuan strings."""
    liabilities = assets * leverage_pct // 100
    current_liabilities = liabilities * 6 // 10
    current_assets = min(assets, current_liabilities * current_ratio_pct // 100)
    wan = 10_000
    return Statement(
        period=period,
        total_assets=f"{assets * wan}.00",
        total_liabilities=f"{liabilities * wan}.00",
        current_assets=f"{current_assets * wan}.00",
        current_liabilities=f"{current_liabilities * wan}.00",
        inventory=f"{min(inventory, current_assets) * wan}.00",
        cash=f"{min(cash, current_assets) * wan}.00",
        revenue=f"{revenue * wan}.00",
        operating_profit=f"{(net + interest) * wan}.00",
        net_profit=f"{net * wan}.00",
        interest_expense=f"{interest * wan}.00",
        operating_cash_flow=f"{cash_flow * wan}.00",
    )


def to_statement(s: object) -> FinancialStatement:
    """A plain statement (decimal strings, a period) as the domain's value object."""
    fields = {name: (value if name == "period" else Money.parse(value)) for name, value in vars(s).items()}
    return FinancialStatement(**fields)


def to_loan_record(loan: PastLoan) -> LoanRecord:
    """A loan of a firm's history as the domain's value object."""
    return LoanRecord(
        loan_id=loan.loan_id,
        amount=Money.parse(loan.amount),
        start_on=loan.start_on,
        maturity_on=loan.maturity_on,
        overdue_episodes=loan.overdue_episodes,
        max_days_past_due=loan.max_days_past_due,
        status=LoanStatus(loan.status),
    )


def registration_of(firm: Any) -> Registration:
    """A demo or simulated firm's registration facts as the domain's value object."""
    return Registration(
        credit_code=firm.credit_code,
        name=firm.name,
        registered_capital=Money.parse(firm.registered_capital),
        business_scope=firm.business_scope,
        legal_representative=firm.legal_representative,
        industry=firm.industry,
        region=firm.region,
        established_on=firm.established_on,
    )


def contacts_of(firm: Any) -> tuple[ContactPerson, ...]:
    """A firm's contact persons, from its (name, role, phone, email) tuples."""
    return tuple(ContactPerson(name=n, role=r, phone=p, email=e) for n, r, p, e in firm.contacts)
