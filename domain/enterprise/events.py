"""The events of an enterprise: immutable, past tense, each carrying its actor and business time."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from domain.base import Actor, Aggregate
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration


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


class DebtorClassified(Aggregate.Event):
    """The debtor's classification across all its claims at the bank changed (2023 rules, README
    "Classification"): its category, the rules that set it, why, and each claim's category after them."""

    as_of: date
    category: str
    rule_ids: list[str]
    reason: str
    claims: dict[str, str]
    previous_category: str | None = None
    actor: Actor
    occurred_at: datetime
