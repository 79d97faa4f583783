"""Commands on a loan's schedule and its classification (README "Arrears that move", "Classification")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from application.commands.base import CaseCommand, EnterpriseCommand
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordLoanSchedule(CaseCommand):
    """Record the loan's contractual dues and rates (before any penalty interest is recorded)."""

    dues: tuple[LoanDue, ...]
    terms: LoanTerms


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewLedger(CaseCommand):
    """Record the penalty interest of the months ended, reclassify, and set the next review. With the review
    deadline's id (the scheduler), that deadline fires exactly once."""

    deadline_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClassifyDebtor(EnterpriseCommand):
    """Classify the enterprise as a debtor across all its claims at the bank (an event only on change);
    ``as_of`` defaults to the day the command is recorded."""

    as_of: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordCost(CaseCommand):
    """Record a cost of enforcing the claim (court fee, preservation, lawyer's fee...) owed from ``incurred_on``;
    payments pay costs first (Civil Code art. 561)."""

    cost_id: str
    kind: str
    amount: Money
    incurred_on: date
    description: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AccelerateLoan(CaseCommand):
    """Declare the whole loan due (宣布提前到期) on ``on`` under the contract's ``clause``, for ``reason``."""

    on: date
    clause: str
    reason: str
