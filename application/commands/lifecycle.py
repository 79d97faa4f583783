"""Commands on a case's life: opening, the collector, resolution, reopening, closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.commands.base import CaseCommand, Command
from domain.case.values import Resolution
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenCase(Command):
    """Open a case for an overdue loan (its id is the uuid5 of the loan id); answers with the case id.

    The enterprise records the referral in the same transaction.
    """

    loan_id: str
    enterprise_id: UUID
    principal: Money
    outstanding: Money
    #: with ``dues``, may be left out (they follow from the dues; given, they must agree)
    overdue_amount: Money | None = None
    overdue_since: date | None = None
    #: the loan's contractual dues and rates (README "Arrears that move"); empty: one overdue amount
    dues: tuple[LoanDue, ...] = ()
    terms: LoanTerms | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AssignCollector(CaseCommand):
    """Make a collector responsible for a case."""

    collector: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ResolveCase(CaseCommand):
    """Record how a case ended."""

    resolution: Resolution
    remark: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class ReopenCase(CaseCommand):
    """Reopen a resolved case."""

    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CloseCase(CaseCommand):
    """File a resolved case away."""

    reason: str = ""
