"""Guards on what is registered of an enterprise: each ``check_*`` raises a domain error or returns nothing."""

from __future__ import annotations

from domain.credit_code import check_credit_code
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration, period_sort_key
from domain.errors import InvariantError
from domain.rules import check_not_blank, check_not_negative


def check_registration(registration: Registration) -> None:
    """A registration names a real enterprise with a valid code and non-negative capital."""
    check_credit_code(registration.credit_code)
    check_not_blank(registration.name, "name")
    check_not_negative(registration.registered_capital, "registered_capital")


def check_contact_person(person: ContactPerson) -> None:
    """A contact person has a name and at least one way to be reached."""
    check_not_blank(person.name, "contact name")
    if not (person.phone.strip() or person.email.strip()):
        raise InvariantError(f"contact person {person.name!r} needs a phone or an email")
    if person.email and "@" not in person.email:
        raise InvariantError(f"contact person {person.name!r} has an invalid email")


def check_statement(statement: FinancialStatement) -> None:
    """Balance-sheet totals are non-negative and current parts do not exceed totals."""
    period_sort_key(statement.period)
    for name in (
        "total_assets",
        "total_liabilities",
        "current_assets",
        "current_liabilities",
        "inventory",
        "cash",
        "revenue",
        "interest_expense",
    ):
        check_not_negative(getattr(statement, name), name)
    if statement.current_assets > statement.total_assets:
        raise InvariantError("current_assets exceed total_assets")
    if statement.current_liabilities > statement.total_liabilities:
        raise InvariantError("current_liabilities exceed total_liabilities")


def check_loan_record(record: LoanRecord) -> None:
    """A loan has a positive amount and matures after it starts."""
    check_not_blank(record.loan_id, "loan_id")
    if not record.amount.is_positive():
        raise InvariantError("loan amount must be positive")
    if record.maturity_on <= record.start_on:
        raise InvariantError("maturity_on must be after start_on")
