"""The Enterprise aggregate: registration, financial statements, loan history, contact persons."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, Field

from domain.base import Actor, Aggregate, ValueObject, applies
from domain.credit_code import check_credit_code
from domain.errors import DuplicateError, InvariantError
from domain.ids import enterprise_id, normalise_credit_code
from domain.money import Money
from domain.rules import DEFAULT_TIMEZONE, check_not_blank, check_not_future, check_not_negative

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


class EnterpriseRegistered(Aggregate.Created):
    """The enterprise became known to the bank."""

    registration: Registration
    contacts: list[ContactPerson]
    actor: Actor
    occurred_at: datetime


class ProfileUpdated(Aggregate.Event):
    """Registration details changed (a new registration replaces the old one)."""

    registration: Registration
    actor: Actor
    occurred_at: datetime


class FinancialStatementFiled(Aggregate.Event):
    """A period's statements were filed (a refiling of the same period replaces it)."""

    statement: FinancialStatement
    actor: Actor
    occurred_at: datetime


class LoanRecordAdded(Aggregate.Event):
    """A loan was added to the enterprise's history (a re-add of the same loan updates it)."""

    record: LoanRecord
    actor: Actor
    occurred_at: datetime


class ContactPersonAdded(Aggregate.Event):
    """A contact person became known."""

    person: ContactPerson
    actor: Actor
    occurred_at: datetime


class DoNotContactSet(Aggregate.Event):
    """The enterprise must not be contacted (e.g. under legal protection)."""

    reason: str
    actor: Actor
    occurred_at: datetime


class DoNotContactLifted(Aggregate.Event):
    """Contact is allowed again."""

    reason: str
    actor: Actor
    occurred_at: datetime


class LoanReferredToCollections(Aggregate.Event):
    """One of the enterprise's loans became a collection case."""

    case_id: UUID
    loan_id: str
    actor: Actor
    occurred_at: datetime


class EnterpriseState(BaseModel):
    """The enterprise's state, as snapshots keep it."""

    registration: Registration
    contacts: list[ContactPerson]
    statements: dict[str, FinancialStatement]
    loans: dict[str, LoanRecord]
    do_not_contact: bool
    do_not_contact_reason: str
    case_ids: list[UUID] = []


class Enterprise(Aggregate):
    """An enterprise with overdue loans, and everything the bank knows of it."""

    state_model: ClassVar[type[BaseModel]] = EnterpriseState

    @classmethod
    def register(
        cls,
        registration: Registration,
        contacts: list[ContactPerson],
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> Enterprise:
        """Register an enterprise; its id is derived from the credit code."""
        registration = registration.model_copy(update={"credit_code": normalise_credit_code(registration.credit_code)})
        check_registration(registration)
        check_not_future(occurred_at, now)
        names = [p.name for p in contacts]
        if len(set(names)) != len(names):
            raise DuplicateError("contact person names must be unique")
        for person in contacts:
            check_contact_person(person)
        return cls._create(
            EnterpriseRegistered,
            id=enterprise_id(registration.credit_code),
            registration=registration,
            contacts=contacts,
            actor=actor,
            occurred_at=occurred_at,
        )

    @property
    def credit_code(self) -> str:
        """The unified social credit code."""
        return self.registration.credit_code

    def update_profile(self, registration: Registration, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Replace the registration details (the credit code cannot change)."""
        if normalise_credit_code(registration.credit_code) != self.credit_code:
            raise InvariantError("credit_code cannot change; it is the enterprise's identity")
        registration = registration.model_copy(update={"credit_code": self.credit_code})
        check_registration(registration)
        check_not_future(occurred_at, now)
        if registration != self.registration:
            self.trigger_event(ProfileUpdated, registration=registration, actor=actor, occurred_at=occurred_at)

    def file_statement(self, statement: FinancialStatement, actor: Actor, occurred_at: datetime, now: datetime) -> bool:
        """File a period's statements; returns False when the same statement is already filed."""
        check_statement(statement)
        check_not_future(occurred_at, now)
        if self.statements.get(statement.period) == statement:
            return False
        self.trigger_event(FinancialStatementFiled, statement=statement, actor=actor, occurred_at=occurred_at)
        return True

    def add_loan_record(self, record: LoanRecord, actor: Actor, occurred_at: datetime, now: datetime) -> bool:
        """Add a loan to the history; returns False when the same record is already there."""
        check_loan_record(record)
        check_not_future(occurred_at, now)
        if self.loans.get(record.loan_id) == record:
            return False
        self.trigger_event(LoanRecordAdded, record=record, actor=actor, occurred_at=occurred_at)
        return True

    def add_contact_person(self, person: ContactPerson, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Add a contact person; names are unique within the enterprise."""
        check_contact_person(person)
        check_not_future(occurred_at, now)
        if self.find_contact(person.name) is not None:
            raise DuplicateError(f"contact person {person.name!r} is already known")
        self.trigger_event(ContactPersonAdded, person=person, actor=actor, occurred_at=occurred_at)

    def set_do_not_contact(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Forbid contact with the enterprise."""
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        self.trigger_event(DoNotContactSet, reason=reason, actor=actor, occurred_at=occurred_at)

    def lift_do_not_contact(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Allow contact again."""
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        if not self.do_not_contact:
            raise InvariantError("the enterprise is not marked do-not-contact")
        self.trigger_event(DoNotContactLifted, reason=reason, actor=actor, occurred_at=occurred_at)

    def refer_loan(self, case_id: UUID, loan_id: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Record that a loan of the enterprise became a collection case (one case per loan)."""
        check_not_future(occurred_at, now)
        if case_id in self.case_ids:
            raise DuplicateError(f"loan {loan_id!r} already has a collection case")
        self.trigger_event(
            LoanReferredToCollections, case_id=case_id, loan_id=loan_id, actor=actor, occurred_at=occurred_at
        )

    def known_parties(self) -> frozenset[str]:
        """Whom the bank may contact: the contact persons and the legal representative."""
        names = {p.name for p in self.contacts} | {self.registration.legal_representative}
        return frozenset(name for name in names if name)

    def find_contact(self, name: str) -> ContactPerson | None:
        """The contact person of that name, if known."""
        return next((p for p in self.contacts if p.name == name), None)

    def statements_in_order(self) -> list[FinancialStatement]:
        """Statements oldest first."""
        return sorted(self.statements.values(), key=FinancialStatement.sort_key)

    @applies
    def _(self, event: EnterpriseRegistered) -> None:
        self.registration: Registration = event.registration
        self.contacts: list[ContactPerson] = list(event.contacts)
        self.statements: dict[str, FinancialStatement] = {}
        self.loans: dict[str, LoanRecord] = {}
        self.do_not_contact: bool = False
        self.do_not_contact_reason: str = ""
        self.case_ids: list[UUID] = []

    @applies
    def _(self, event: LoanReferredToCollections) -> None:
        self.case_ids.append(event.case_id)

    @applies
    def _(self, event: ProfileUpdated) -> None:
        self.registration = event.registration

    @applies
    def _(self, event: FinancialStatementFiled) -> None:
        self.statements[event.statement.period] = event.statement

    @applies
    def _(self, event: LoanRecordAdded) -> None:
        self.loans[event.record.loan_id] = event.record

    @applies
    def _(self, event: ContactPersonAdded) -> None:
        self.contacts.append(event.person)

    @applies
    def _(self, event: DoNotContactSet) -> None:
        self.do_not_contact = True
        self.do_not_contact_reason = event.reason

    @applies
    def _(self, event: DoNotContactLifted) -> None:
        self.do_not_contact = False
        self.do_not_contact_reason = ""


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
