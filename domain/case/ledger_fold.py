"""Which case events are acts on the loan's ledger, as ledger entries, and the business day each moves the
figures to: one rule, used by the case (state.py, arrears.py) and by the views that fold the log (projections)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.case.events import (
    AgreementDefaulted,
    AgreementSigned,
    CaseOpened,
    DelinquencyClassified,
    PaymentReceived,
)
from domain.case.ledger_events import (
    CostRecorded,
    LoanAccelerated,
    LoanScheduleRecorded,
    PenaltyAccrued,
    PenaltyAdjusted,
)
from domain.loan_ledger import (
    LedgerAcceleration,
    LedgerCost,
    LedgerEntry,
    LedgerPayment,
    LedgerPenalty,
    LedgerReschedule,
    LedgerRevival,
)
from domain.rules import local_date


def entry_of(event: Any, timezone: str) -> LedgerEntry | None:
    """The ledger entry an event records (None: the event is not an act on the ledger)."""
    if isinstance(event, PaymentReceived):
        return LedgerPayment(
            received_on=event.received_on, fen=event.amount.fen, designated=tuple(event.designated_dues)
        )
    if isinstance(event, PenaltyAccrued):
        items = tuple((n, fen) for n, _, fen in event.items)
        return LedgerPenalty(period_start=event.period_start, period_end=event.period_end, items=items)
    if isinstance(event, PenaltyAdjusted):
        items = tuple((n, fen) for n, fen in event.items)
        return LedgerPenalty(period_start=event.period_start, period_end=event.period_end, items=items, adjustment=True)
    if isinstance(event, CostRecorded):
        return LedgerCost(incurred_on=event.incurred_on, fen=event.amount.fen)
    if isinstance(event, LoanAccelerated):
        return LedgerAcceleration(on=event.on)
    if isinstance(event, AgreementSigned):
        instalments = tuple((i.due_on, i.amount.fen) for i in event.schedule)
        return LedgerReschedule(agreement_id=event.agreement_id, signed_on=event.signed_on, instalments=instalments)
    if isinstance(event, AgreementDefaulted):
        return LedgerRevival(agreement_id=event.agreement_id, on=local_date(event.occurred_at, timezone))
    return None


def day_of(event: Any, timezone: str) -> date:
    """The business day an event leaves the figures at: its own day, or a later value date or signing day."""
    day = local_date(event.occurred_at, timezone)
    if isinstance(event, PaymentReceived):
        return max(day, event.received_on)
    if isinstance(event, AgreementSigned):
        return max(day, event.signed_on)
    return day


def figures_day(event: Any, timezone: str) -> date | None:
    """The business day a case's figures (outstanding, overdue) move to with this event: an act on the ledger, the
    opening, a new schedule (their business day) or a classification (its ``as_of``); None for any other event.
    The case, its views and the report keep the figures of the last such day."""
    if isinstance(event, DelinquencyClassified):
        return event.as_of
    if entry_of(event, timezone) is not None or isinstance(event, CaseOpened | LoanScheduleRecorded):
        return day_of(event, timezone)
    return None
