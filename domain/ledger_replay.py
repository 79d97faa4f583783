"""The ledger replayed day by day: dues falling due, penalty interest accruing daily, and the recorded acts
(payments by value date, costs, acceleration, a restructuring and its revival) applied in business-time order.

Pure. One replay answers every figure of a loan as of the end of a day (``loan_ledger.position``); penalty accrues
from the day after a due date on what was unpaid at the start of each day, so the due day is excluded and the
payment day included (算头不算尾): due 20 October, paid 25 October → 21..25 October, 5 days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from domain.ledger_allocation import Owed, allocate
from domain.ledger_entries import (
    LedgerAcceleration,
    LedgerCost,
    LedgerEntry,
    LedgerPayment,
    LedgerReschedule,
    LedgerRevival,
    LoanDue,
    LoanTerms,
    effective_on,
)

Month = tuple[int, int]


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the fen, halves up."""
    return int((value + Fraction(1, 2)).__floor__())


@dataclass
class DueBalance:
    """One due's account as the replay leaves it: its (possibly moved) date and amounts, and what was paid."""

    due: LoanDue
    due_on: date | None = None
    principal: int = 0
    interest: int = 0
    paid_penalty: int = 0
    paid_interest: int = 0
    paid_principal: int = 0
    #: fen-days of penalty base per calendar month (the rounding unit: per due and month)
    fen_days: dict[Month, int] = field(default_factory=dict)
    #: set when a restructuring replaced the due: its penalty frozen at what was paid of it
    frozen_penalty: int | None = None
    #: the day its principal and interest were paid in full (None: not yet)
    settled_on: date | None = None
    #: the agreement that replaced it (None: not replaced)
    replaced_by: str | None = None
    #: the daily penalty rate (annual rate / day basis)
    rate: Fraction = Fraction(0)
    #: the penalty of each month (fen-days x rate, half-up) and their sum, kept as the fen-days grow
    month_fen: dict[Month, int] = field(default_factory=dict)
    accrued: int = 0

    def __post_init__(self) -> None:
        self.due_on = self.due.due_on
        self.principal = self.due.principal_fen
        self.interest = self.due.interest_fen

    @property
    def unpaid_principal(self) -> int:
        return self.principal - self.paid_principal

    @property
    def unpaid_interest(self) -> int:
        return self.interest - self.paid_interest

    @property
    def penalty(self) -> int:
        """Penalty accrued on it: per calendar month, fen-days x daily rate rounded half-up once."""
        if self.frozen_penalty is not None:
            return self.frozen_penalty
        return self.accrued

    def add_fen_days(self, month: Month, fen_days: int) -> None:
        """Grow a month's penalty base and its penalty (rounded once per month, in integers)."""
        total = self.fen_days.get(month, 0) + fen_days
        self.fen_days[month] = total
        fen = (2 * total * self.rate.numerator + self.rate.denominator) // (2 * self.rate.denominator)
        self.accrued += fen - self.month_fen.get(month, 0)
        self.month_fen[month] = fen

    @property
    def unpaid_penalty(self) -> int:
        return self.penalty - self.paid_penalty

    @property
    def unpaid(self) -> int:
        return self.unpaid_principal + self.unpaid_interest + self.unpaid_penalty

    def fallen_due(self, on: date) -> bool:
        return self.due_on is not None and self.due_on <= on


@dataclass
class Book:
    """The loan's accounts at the end of the day replayed to."""

    through: date
    balances: list[DueBalance]
    rate: Fraction
    costs: int = 0
    paid_costs: int = 0
    #: every allocation made, per payment in order: (due number or 0 for costs, part, fen)
    allocations: list[list[tuple[int, str, int]]] = field(default_factory=list)

    def penalty_by_month(self) -> dict[Month, dict[int, int]]:
        """Penalty accrued per calendar month and due (a replaced due's too, as it accrued until replaced)."""
        months: dict[Month, dict[int, int]] = defaultdict(dict)
        for b in self.balances:
            for month, fen in b.month_fen.items():
                if fen:
                    months[month][b.due.number] = fen
        return dict(months)


def _balance(due: LoanDue, rate: Fraction) -> DueBalance:
    balance = DueBalance(due)
    balance.rate = rate
    return balance


def _accrue(book: Book, start: date, end: date, compound: bool) -> None:
    """Penalty base for the days ``start``..``end``: each due past its date, on what was unpaid at the start of
    the day (nothing is applied within the span, so the base is constant)."""
    if end < start or book.rate == 0:
        return
    for b in book.balances:
        if b.due_on is None or b.replaced_by is not None:
            continue
        base = b.unpaid_principal + (b.unpaid_interest if compound else 0)
        first = max(start, b.due_on + timedelta(days=1))
        if base <= 0 or first > end:
            continue
        day = first
        while day <= end:
            last = min(end, _month_end(day))
            b.add_fen_days((day.year, day.month), base * ((last - day).days + 1))
            day = last + timedelta(days=1)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def earned_interest(balances: list[DueBalance], on: date) -> dict[int, int]:
    """Per due, the interest owed if the loan is repaid on ``on`` (Civil Code art. 677: for the period actually
    borrowed): a due fallen due (or with no date) owes all of it; of the dues not yet fallen due, those of the
    running period (the next due date) owe it pro rata to the days run since the previous due date (all of it when
    there is none); a later period's owe nothing."""
    dated = sorted({b.due_on for b in balances if b.due_on is not None})
    later = [d for d in dated if d > on]
    running = later[0] if later else None
    before = [d for d in dated if running is not None and d < running]
    start = before[-1] if before else None
    earned = {}
    for b in balances:
        if b.due_on is None or b.due_on <= on or (b.due_on == running and start is None):
            earned[b.due.number] = b.interest
        elif b.due_on == running and start is not None:
            run = Fraction(b.interest * (on - start).days, (b.due_on - start).days)
            earned[b.due.number] = round_half_up(run) if start < on else 0
        else:
            earned[b.due.number] = 0
    return earned


def _pay(book: Book, payment: LedgerPayment, terms: LoanTerms | None) -> None:
    """Allocate one payment on its value date (ledger_allocation.py); when it repays all the principal, the
    interest of periods not yet run is not owed (art. 677)."""
    on = payment.received_on
    earned = earned_interest(book.balances, on)
    owed = [
        Owed(
            number=b.due.number,
            due_on=b.due_on,
            fallen_due=b.fallen_due(on),
            penalty=b.unpaid_penalty,
            interest=min(b.unpaid_interest, max(0, earned[b.due.number] - b.paid_interest)),
            principal=b.unpaid_principal,
        )
        for b in book.balances
        if b.replaced_by is None
    ]
    order = terms.allocation if terms is not None else None
    parts = allocate(owed, book.costs - book.paid_costs, payment.fen, payment.designated, order)
    by_number = {b.due.number: b for b in book.balances}
    for number, kind, fen in parts:
        if number == 0:
            book.paid_costs += fen
            continue
        b = by_number[number]
        setattr(b, f"paid_{kind}", getattr(b, f"paid_{kind}") + fen)
    book.allocations.append(parts)
    live = [b for b in book.balances if b.replaced_by is None]
    if all(b.unpaid_principal == 0 for b in live):
        for b in live:
            if not b.fallen_due(on):
                b.interest = b.paid_interest  # art. 677: no interest for periods not run
    for b in live:
        if b.settled_on is None and b.due_on is not None and b.unpaid_principal == 0 and b.unpaid_interest == 0:
            b.settled_on = on


def _accelerate(book: Book, on: date) -> None:
    """The whole principal falls due on ``on``; the interest of periods not yet begun is not owed (the penalty
    rate on the whole principal replaces it from the next day)."""
    for b in book.balances:
        if b.replaced_by is None and (b.due_on is None or b.due_on > on):
            b.due_on = on
            b.interest = b.paid_interest


def _reschedule(book: Book, entry: LedgerReschedule) -> None:
    """A signed agreement replaces the dues fallen due by its signing day: their unpaid principal goes to its
    instalments in order (each takes principal up to its amount, the rest of it is the agreement's interest); the
    replaced dues keep what was paid of them. Principal the instalments cannot hold stays due on the latest
    replaced date."""
    covered = [b for b in book.balances if b.replaced_by is None and b.fallen_due(entry.signed_on) and b.unpaid > 0]
    if not covered:
        return
    principal = sum(b.unpaid_principal for b in covered)
    latest = max(b.due_on for b in covered if b.due_on is not None)
    for b in covered:
        b.frozen_penalty = b.paid_penalty
        b.principal, b.interest = b.paid_principal, b.paid_interest
        b.replaced_by = entry.agreement_id
    number = max(b.due.number for b in book.balances)
    for due_on, fen in entry.instalments:
        take = min(principal, fen)
        principal -= take
        number += 1
        book.balances.append(
            _balance(LoanDue(number=number, due_on=due_on, principal_fen=take, interest_fen=fen - take), book.rate)
        )
    if principal > 0:
        number += 1
        book.balances.append(
            _balance(LoanDue(number=number, due_on=latest, principal_fen=principal, interest_fen=0), book.rate)
        )


def _order(entry: LedgerEntry) -> int:
    """Within a day: costs, acceleration and a restructuring first, then payments."""
    return 1 if isinstance(entry, LedgerPayment) else 0


def replay(dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], terms: LoanTerms | None, through: date) -> Book:
    """Every account at the end of ``through``, from the acts whose business day is on or before it. A revived
    restructuring is replayed as though never signed (its revival is on or before ``through``)."""
    rate = Fraction(terms.penalty_rate) / terms.day_basis if terms is not None else Fraction(0)
    compound = terms.compound if terms is not None else False
    book = Book(through=through, balances=[_balance(d, rate) for d in dues], rate=rate)
    known = [e for e in entries if effective_on(e) <= through]
    revived = {e.agreement_id for e in known if isinstance(e, LedgerRevival)}
    acts = [e for e in known if not (isinstance(e, LedgerReschedule) and e.agreement_id in revived)]
    acts = [e for _, e in sorted(enumerate(acts), key=lambda p: (effective_on(p[1]), _order(p[1]), p[0]))]
    accrued_through = min([d.due_on for d in dues if d.due_on is not None] + [through]) - timedelta(days=1)
    for entry in acts:
        day = effective_on(entry)
        if day > accrued_through:
            _accrue(book, accrued_through + timedelta(days=1), day, compound)
            accrued_through = day
        if isinstance(entry, LedgerPayment):
            _pay(book, entry, terms)
        elif isinstance(entry, LedgerCost):
            book.costs += entry.fen
        elif isinstance(entry, LedgerAcceleration):
            _accelerate(book, entry.on)
        elif isinstance(entry, LedgerReschedule):
            _reschedule(book, entry)
    _accrue(book, accrued_through + timedelta(days=1), through, compound)
    return book
