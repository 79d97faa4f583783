"""How the loan ledger's events read: schedules, payments, penalty, costs, acceleration, classification."""

from __future__ import annotations

from domain.case.events import DelinquencyClassified, PaymentReceived
from domain.case.ledger_events import (
    CostRecorded,
    LoanAccelerated,
    LoanScheduleRecorded,
    PenaltyAccrued,
    PenaltyAdjusted,
)
from domain.narration.dispatch import describe


@describe.register
def _(e: DelinquencyClassified) -> str:
    moved = f" (was {e.previous_bucket}, {e.previous_category})" if e.previous_bucket else ""
    return f"{e.days_past_due} days past due: bucket {e.bucket}, {e.category}{moved}"


@describe.register
def _(e: PaymentReceived) -> str:
    return f"payment of {e.amount} received on {e.received_on} (ref {e.reference})"


@describe.register
def _(e: LoanScheduleRecorded) -> str:
    dated = [d.due_on for d in e.dues if d.due_on is not None]
    span = f" from {min(dated)} to {max(dated)}" if dated else ""
    rate = f", penalty rate {e.terms.penalty_rate}" if e.terms is not None else ""
    return f"loan schedule recorded: {len(e.dues)} due(s){span}{rate}"


@describe.register
def _(e: PenaltyAccrued) -> str:
    return f"penalty interest {e.amount} for {e.period_start} to {e.period_end} (rate {e.rate}/{e.day_basis})"


@describe.register
def _(e: PenaltyAdjusted) -> str:
    return f"penalty booked for {e.period_start} to {e.period_end} corrected by {e.amount}: {e.reason}"


@describe.register
def _(e: CostRecorded) -> str:
    return f"{e.kind} cost {e.amount} incurred {e.incurred_on} ({e.description}); paid first (Civil Code art. 561)"


@describe.register
def _(e: LoanAccelerated) -> str:
    return f"whole loan declared due on {e.on} under {e.clause}: {e.reason}"
