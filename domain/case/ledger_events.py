"""The events of a loan's own schedule (README "Arrears that move"); the rest of the catalogue is in events.py."""

from __future__ import annotations

from datetime import date

from domain.case.events import CaseEvent
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money


class LoanScheduleRecorded(CaseEvent):
    """The loan's contractual dues and rates were recorded (replacing the ones the case opened with)."""

    dues: list[LoanDue]
    terms: LoanTerms | None = None


class PenaltyAccrued(CaseEvent):
    """Penalty interest (罚息) for the days ``period_start``..``period_end`` was charged, per due.

    Each item: the due, its base in fen-days, and the fen charged (fen-days x rate ÷ day basis, half-up)."""

    period_start: date
    period_end: date
    rate: str
    day_basis: int
    compound: bool
    items: list[tuple[int, int, int]]
    amount: Money
