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


class PenaltyAdjusted(CaseEvent):
    """A booked month's penalty corrected by the difference an act dated back into it made (a back-valued
    receipt, a revived agreement): the booking stays as it was; this records the correction. Items: (due, fen)."""

    period_start: date
    period_end: date
    items: list[tuple[int, int]]
    amount: Money
    reason: str


class CostRecorded(CaseEvent):
    """A cost of enforcing the claim (court fee, preservation, lawyer's fee the contract allows) the debtor owes
    from ``incurred_on``; a payment pays costs first (Civil Code art. 561 (一))."""

    cost_id: str
    kind: str
    incurred_on: date
    amount: Money
    description: str


class LoanAccelerated(CaseEvent):
    """The bank declared the whole loan due (宣布提前到期) on ``on`` under the contract's ``clause``: every later
    due's principal falls due that day."""

    on: date
    clause: str
    reason: str
