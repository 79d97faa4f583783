"""Commands on enterprises: registration, profile, statements, loan history, contact persons, do-not-contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.commands.base import Command, EnterpriseCommand
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterEnterprise(Command):
    """Register an enterprise (its id is the uuid5 of its credit code); answers with the id."""

    registration: Registration
    contacts: tuple[ContactPerson, ...] = field(default=())


@dataclass(frozen=True, kw_only=True, slots=True)
class UpdateProfile(EnterpriseCommand):
    """Replace an enterprise's registration details."""

    registration: Registration


@dataclass(frozen=True, kw_only=True, slots=True)
class FileStatement(EnterpriseCommand):
    """File a period's financial statements (refiling the same statement changes nothing)."""

    statement: FinancialStatement


@dataclass(frozen=True, kw_only=True, slots=True)
class AddLoanRecord(EnterpriseCommand):
    """Add a loan to an enterprise's history (re-adding the same record changes nothing)."""

    record: LoanRecord


@dataclass(frozen=True, kw_only=True, slots=True)
class AddContactPerson(EnterpriseCommand):
    """Add a contact person to an enterprise."""

    person: ContactPerson


@dataclass(frozen=True, kw_only=True, slots=True)
class SetDoNotContact(EnterpriseCommand):
    """Forbid contact with an enterprise."""

    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LiftDoNotContact(EnterpriseCommand):
    """Allow contact with an enterprise again."""

    reason: str
