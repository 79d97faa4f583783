"""The loan ledger's part of a case's state (fields declared in ``CaseFields``): its dues, the acts on it, and the
figures the one position function gives for the business day of the last act (docs/ledger.md "The position")."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.case.ledger_fold import day_of, entry_of
from domain.loan_ledger import (
    LedgerAcceleration,
    LedgerCost,
    LedgerReschedule,
    LoanDue,
    LoanTerms,
    TaggedEntry,
    legacy_dues,
    position,
)
from domain.money import Money


class LedgerEvolution:
    """How the acts on the loan's ledger change a case's figures."""

    dues: list[LoanDue]
    terms: LoanTerms | None
    ledger: list[TaggedEntry]
    outstanding: Money
    overdue_amount: Money
    overdue_since: date
    currency: str
    timezone: str

    def loan_dues(self) -> list[LoanDue]:
        """The dues (a case restored from a snapshot taken before schedules: its arrears and the rest)."""
        if not self.dues:
            self.dues = legacy_dues(self.overdue_amount.fen, self.overdue_since, self.outstanding.fen)
        return self.dues

    def _refresh(self, as_of: date) -> None:
        """Outstanding, overdue amount and the oldest unpaid due date as of a day, from the one position function
        (the date stays when nothing is past due)."""
        now = position(self.loan_dues(), list(self.ledger), as_of, self.terms)
        self.outstanding = Money.of(now.outstanding_fen, self.currency)
        self.overdue_amount = Money.of(now.overdue_fen, self.currency)
        if now.overdue_since is not None:
            self.overdue_since = now.overdue_since

    def _ledger_act(self, event: Any) -> None:
        """Record an act on the ledger and move the figures to its business day (ledger_fold.py)."""
        self.loan_dues()
        entry = entry_of(event, self.timezone)
        if entry is not None:
            self.ledger.append(entry)
        self._refresh(day_of(event, self.timezone))

    def ledger_has_acts(self) -> bool:
        """Whether a cost, an acceleration or an agreement is recorded on the ledger (a new schedule would
        contradict them)."""
        return any(isinstance(e, LedgerCost | LedgerAcceleration | LedgerReschedule) for e in self.ledger)
