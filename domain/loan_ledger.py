"""A loan's own schedule: its dues, the payments allocated to them and the penalty interest recorded on them.

Pure: every figure is a function of the recorded facts and the date asked about. Money is integer fen.

* **Dues** (``LoanDue``): what the contract says falls due on a date, principal and interest. A case opened
  the old way (one overdue amount since one date) is one due of that amount on that date, plus the rest of
  the outstanding principal as a due with no date of its own (it never falls due by itself).
* **Allocation** follows the Civil Code unless the contract says otherwise (README, "Arrears that move"):
  across dues (art. 560) the debtor's designation, else what is due before what is not, the least secured,
  the most burdensome, the oldest; within a due (art. 561) costs, then interest (penalty interest first,
  then contractual interest), then principal. Payments are applied in the order they were received
  (``received_on``; the same day, in the order recorded); a period's penalty is charged at the end of its
  last day, after that day's payments.
* **Penalty interest** (罚息) accrues on each day a due's principal is past due (the day after its due date
  on), on the principal unpaid at the end of that day, plus its unpaid interest when the contract
  compounds (复利). Per accrual period and due: amount = fen-days x annual penalty rate ÷ day basis, computed
  exactly (``Fraction``) and rounded half-up to the fen once.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import Field

from domain.base import ValueObject

#: days past due at which the delinquency bucket or the loan category changes (classification.py)
DPD_BOUNDARIES = (1, 31, 61, 91, 181, 271, 361)


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


class LedgerPayment(ValueObject):
    """A payment as the ledger sees it."""

    kind: Literal["payment"] = "payment"
    received_on: date
    fen: int = Field(gt=0)
    #: the dues the debtor designated (art. 560), paid first
    designated: tuple[int, ...] = ()


class LedgerPenalty(ValueObject):
    """Penalty interest recorded for one period (first and last day included), per due: (due number, fen)."""

    kind: Literal["penalty"] = "penalty"
    period_start: date
    period_end: date
    items: tuple[tuple[int, int], ...]


LedgerEntry = Annotated[LedgerPayment | LedgerPenalty, Field(discriminator="kind")]


def legacy_dues(overdue_fen: int, overdue_since: date, outstanding_fen: int) -> list[LoanDue]:
    """A case opened with one overdue amount: that amount due on ``overdue_since``; the rest with no date."""
    dues = []
    if overdue_fen > 0:
        dues.append(LoanDue(number=1, due_on=overdue_since, principal_fen=overdue_fen, interest_fen=0))
    if outstanding_fen > overdue_fen:
        rest = outstanding_fen - overdue_fen
        dues.append(LoanDue(number=len(dues) + 1, due_on=None, principal_fen=rest, interest_fen=0))
    return dues


@dataclass
class DueBalance:
    """One due's account: what was charged and what was paid, part by part."""

    due: LoanDue
    penalty: int = 0
    paid_penalty: int = 0
    paid_interest: int = 0
    paid_principal: int = 0
    #: the day its principal and interest were paid in full (None: not yet)
    settled_on: date | None = None

    @property
    def unpaid_principal(self) -> int:
        return self.due.principal_fen - self.paid_principal

    @property
    def unpaid_interest(self) -> int:
        return self.due.interest_fen - self.paid_interest

    @property
    def unpaid_penalty(self) -> int:
        return self.penalty - self.paid_penalty

    @property
    def unpaid(self) -> int:
        return self.unpaid_principal + self.unpaid_interest + self.unpaid_penalty

    def fallen_due(self, on: date) -> bool:
        return self.due.due_on is not None and self.due.due_on <= on


@dataclass(frozen=True)
class Part:
    """Part of a payment applied to one due: ``kind`` is penalty, interest or principal."""

    due_no: int
    kind: str
    fen: int


def order_of_dues(balances: list[DueBalance], on: date, designated: tuple[int, ...]) -> list[DueBalance]:
    """Art. 560: designated first; then what is due before what is not; the least secured (all dues of one
    loan share its security: equal), the most burdensome (all bear the same rates: equal), the oldest."""
    return sorted(
        balances,
        key=lambda b: (
            b.due.number not in designated,
            not b.fallen_due(on),
            b.due.due_on or date.max,
            b.due.number,
        ),
    )


def apply_payment(balances: list[DueBalance], payment: LedgerPayment) -> list[Part]:
    """Allocate one payment; art. 561 within each due: (costs: none recorded), interest, principal."""
    remaining = payment.fen
    parts: list[Part] = []
    for balance in order_of_dues(balances, payment.received_on, payment.designated):
        for kind in ("penalty", "interest", "principal"):
            owed = getattr(balance, f"unpaid_{kind}")
            take = min(owed, remaining)
            if take > 0:
                setattr(balance, f"paid_{kind}", getattr(balance, f"paid_{kind}") + take)
                parts.append(Part(balance.due.number, kind, take))
                remaining -= take
        if balance.settled_on is None and balance.unpaid_principal == 0 and balance.unpaid_interest == 0:
            balance.settled_on = payment.received_on
        if remaining == 0:
            break
    return parts


def _sort_key(entry: LedgerPayment | LedgerPenalty, seq: int) -> tuple[date, int, int]:
    if isinstance(entry, LedgerPayment):
        return (entry.received_on, 0, seq)
    return (entry.period_end, 1, seq)


def balances_as_of(
    dues: list[LoanDue], entries: list[LedgerPayment | LedgerPenalty], as_of: date
) -> tuple[list[DueBalance], list[list[Part]]]:
    """Every due's account at the end of ``as_of``: payments received and penalty periods ended by then."""
    balances = [DueBalance(due) for due in dues]
    by_number = {b.due.number: b for b in balances}
    allocations: list[list[Part]] = []
    dated = sorted(((e, n) for n, e in enumerate(entries)), key=lambda pair: _sort_key(*pair))
    for entry, _ in dated:
        if isinstance(entry, LedgerPayment):
            if entry.received_on <= as_of:
                allocations.append(apply_payment(balances, entry))
        elif entry.period_end <= as_of:
            for due_no, fen in entry.items:
                by_number[due_no].penalty += fen
    return balances, allocations


@dataclass(frozen=True)
class Position:
    """A loan's figures at the end of a day."""

    as_of: date
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    paid_fen: int
    overdue_fen: int
    overdue_principal_fen: int
    #: the oldest fallen-due date whose principal or interest is unpaid (None: nothing past due)
    overdue_since: date | None
    days_past_due: int
    balances: list[DueBalance] = field(default_factory=list)

    @property
    def outstanding_fen(self) -> int:
        """principal + interest + penalty - paid."""
        return self.principal_fen + self.interest_fen + self.penalty_fen - self.paid_fen


def position(dues: list[LoanDue], entries: list[LedgerPayment | LedgerPenalty], as_of: date) -> Position:
    """The loan as of the end of ``as_of``: arrears, the oldest unpaid due date and days past due."""
    balances, _ = balances_as_of(dues, entries, as_of)
    fallen = [b for b in balances if b.fallen_due(as_of)]
    unpaid = [b for b in fallen if b.unpaid_principal + b.unpaid_interest > 0]
    since = min((b.due.due_on for b in unpaid if b.due.due_on is not None), default=None)
    return Position(
        as_of=as_of,
        principal_fen=sum(d.principal_fen for d in dues),
        interest_fen=sum(d.interest_fen for d in dues),
        penalty_fen=sum(b.penalty for b in balances),
        paid_fen=sum(b.paid_penalty + b.paid_interest + b.paid_principal for b in balances),
        overdue_fen=sum(b.unpaid for b in fallen),
        overdue_principal_fen=sum(b.unpaid_principal for b in fallen),
        overdue_since=since,
        days_past_due=0 if since is None else max(0, (as_of - since).days),
        balances=balances,
    )


def unchanged_until(dues: list[LoanDue], entries: list[LedgerPayment | LedgerPenalty], as_of: date) -> date | None:
    """The first day after ``as_of`` on which the loan's balances can differ from those at the end of ``as_of``: a
    due falling due, a payment received or a penalty period ending (None: never, on these facts). Until then the
    oldest unpaid due date stays what ``position`` found, so days past due just count on from it."""
    later = [d.due_on for d in dues if d.due_on is not None and d.due_on > as_of]
    later += [moment for moment in map(effective_on, entries) if moment > as_of]
    return min(later, default=None)


def effective_on(entry: LedgerPayment | LedgerPenalty) -> date:
    """The day from whose end an entry counts: a payment's receipt, a penalty period's last day."""
    return entry.received_on if isinstance(entry, LedgerPayment) else entry.period_end


def owed_in_all(dues: list[LoanDue], entries: list[LedgerPayment | LedgerPenalty], now: Position) -> int:
    """What is owed once every recorded entry counts (every due, every penalty, less every payment): ``now``'s
    outstanding unless an entry is dated after it (which dues have fallen due orders no payment: art. 560 orders a
    payment by its own day)."""
    if all(effective_on(entry) <= now.as_of for entry in entries):
        return now.outstanding_fen
    return position(dues, entries, date.max).outstanding_fen


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the fen, halves up."""
    return int((value + Fraction(1, 2)).__floor__())


def penalty_for(
    dues: list[LoanDue],
    entries: list[LedgerPayment | LedgerPenalty],
    terms: LoanTerms,
    period_start: date,
    period_end: date,
) -> list[tuple[int, int, int]]:
    """Penalty interest for the days ``period_start``..``period_end``: (due number, fen-days, fen) per due
    that bore any. A day counts for a due once it is past its due date; its base is the principal (and,
    compounding, the interest) unpaid at the end of that day."""
    fen_days = {d.number: 0 for d in dues}
    day = period_start
    while day <= period_end:
        balances, _ = balances_as_of(dues, entries, day)
        for b in balances:
            if b.due.due_on is not None and day > b.due.due_on:
                fen_days[b.due.number] += b.unpaid_principal + (b.unpaid_interest if terms.compound else 0)
        day += timedelta(days=1)
    rate = Fraction(terms.penalty_rate) / terms.day_basis
    return [(n, fd, round_half_up(fd * rate)) for n, fd in fen_days.items() if fd > 0]


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=monthrange(day.year, day.month)[1])


def accrual_periods(first_day: date, today: date) -> list[tuple[date, date]]:
    """The calendar-month periods from ``first_day`` whose last day is before ``today`` (the first may be part
    of a month)."""
    periods = []
    start = first_day
    while month_end(start) < today:
        periods.append((start, month_end(start)))
        start = month_end(start) + timedelta(days=1)
    return periods


def next_review(
    dues: list[LoanDue], entries: list[LedgerPayment | LedgerPenalty], as_of: date, accrues: bool
) -> date | None:
    """The next day the figures change by time alone: a due falling due, a days-past-due boundary of the
    buckets and categories, or (with penalty interest) the first day of the next month."""
    now = position(dues, entries, as_of)
    candidates = [d.due_on + timedelta(days=1) for d in dues if d.due_on is not None and d.due_on >= as_of]
    if now.overdue_since is not None:
        candidates += [now.overdue_since + timedelta(days=k) for k in DPD_BOUNDARIES]
    if accrues and now.outstanding_fen > 0:
        candidates.append(month_end(as_of) + timedelta(days=1))
    later = [c for c in candidates if c > as_of]
    return min(later, default=None)
