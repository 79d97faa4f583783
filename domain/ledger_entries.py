"""What a loan's ledger is made of: its contractual dues and rates, and the dated acts recorded on it.

Every entry is dated by its **business day** (a payment by its value date, the day the money arrived), which is
what the ledger replays by; when it was booked is the store's timestamp (docs/ledger.md "Two times").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from domain.base import ValueObject

#: the parts a payment can pay; the Civil Code's order (art. 561: costs, interest, principal; the penalty
#: interest is interest and goes before the contractual interest)
Part = Literal["costs", "penalty", "interest", "principal"]
CIVIL_CODE_ORDER: tuple[Part, ...] = ("costs", "penalty", "interest", "principal")


class LoanDue(ValueObject):
    """One contractual due: principal and interest falling due on ``due_on`` (None: no date of its own)."""

    number: int = Field(ge=1)
    due_on: date | None
    principal_fen: int = Field(ge=0)
    interest_fen: int = Field(ge=0)

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.interest_fen


class LoanTerms(ValueObject):
    """The contract's rates: annual interest and penalty rates (罚息, e.g. contract rate + 50%), as stated."""

    interest_rate: Decimal = Field(ge=0, le=1)
    penalty_rate: Decimal = Field(ge=0, le=1)
    #: overdue interest also bears penalty interest (复利) as the contract says; not penalty on penalty
    compound: bool = True
    #: the day count: daily rate = annual rate / day_basis
    day_basis: Literal[360, 365] = 360
    #: the contract's own order of the parts a payment pays ("除当事人另有约定外", arts. 560-561); None: the
    #: Civil Code's (costs, penalty, interest, principal)
    allocation: tuple[Part, ...] | None = None


class LedgerPayment(ValueObject):
    """A payment by its value date (``received_on``: the day the money arrived)."""

    kind: Literal["payment"] = "payment"
    received_on: date
    fen: int = Field(gt=0)
    #: the dues the debtor designated (art. 560), paid first
    designated: tuple[int, ...] = ()


class LedgerPenalty(ValueObject):
    """Penalty interest booked for one period (first and last day included), per due: (due number, fen).
    An adjustment (``adjustment``) corrects an earlier booking of the same period by the difference."""

    kind: Literal["penalty"] = "penalty"
    period_start: date
    period_end: date
    items: tuple[tuple[int, int], ...]
    adjustment: bool = False


class LedgerCost(ValueObject):
    """A cost of enforcing the claim (litigation fee, preservation, lawyer's fee as the contract allows), owed
    from the day it was incurred; paid before anything else (art. 561 (一))."""

    kind: Literal["cost"] = "cost"
    incurred_on: date
    fen: int = Field(gt=0)


class LedgerAcceleration(ValueObject):
    """The bank declared the whole loan due (宣布提前到期) on ``on``."""

    kind: Literal["acceleration"] = "acceleration"
    on: date


class LedgerReschedule(ValueObject):
    """A signed agreement replaced the dues fallen due by ``signed_on`` with its instalments (due date, fen)."""

    kind: Literal["reschedule"] = "reschedule"
    agreement_id: str
    signed_on: date
    instalments: tuple[tuple[date, int], ...]


class LedgerRevival(ValueObject):
    """A defaulted agreement: from ``on`` the dues it replaced count again, as though it had never been signed."""

    kind: Literal["revival"] = "revival"
    agreement_id: str
    on: date


LedgerEntry = LedgerPayment | LedgerPenalty | LedgerCost | LedgerAcceleration | LedgerReschedule | LedgerRevival
TaggedEntry = Annotated[LedgerEntry, Field(discriminator="kind")]


def effective_on(entry: LedgerEntry) -> date:
    """The business day an entry counts from (a penalty booking: its period's last day)."""
    if isinstance(entry, LedgerPayment):
        return entry.received_on
    if isinstance(entry, LedgerPenalty):
        return entry.period_end
    if isinstance(entry, LedgerCost):
        return entry.incurred_on
    if isinstance(entry, LedgerReschedule):
        return entry.signed_on
    return entry.on
