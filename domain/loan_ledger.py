"""A loan's position: the one pure function every view, the classification and the reports read (docs/ledger.md).

``position(dues, entries, as_of, terms)`` replays the recorded acts whose business day is on or before ``as_of``
(ledger_replay.py) and answers the loan's figures at the end of that day: principal, interest, penalty interest
accrued to the day (daily, 算头不算尾), costs, paid, arrears, the oldest unpaid due date, days past due, and the
payoff (what settles the loan that day). Money is integer fen.

* **Dues** (``LoanDue``): what the contract says falls due on a date. A case opened with one overdue amount since
  one date is one due of that amount on that date, plus the rest of the outstanding principal as a due with no
  date of its own (it falls due only when the loan is accelerated).
* **Bookings**: the penalty accrued is booked per calendar month once the month has ended (``PenaltyAccrued``); an
  act dated back into a booked month (a back-valued receipt, a revived agreement) is corrected by an adjustment
  booking (``PenaltyAdjusted``) of the difference (``bookings_due``): the past is never edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.ledger_entries import (
    CIVIL_CODE_ORDER,
    LedgerAcceleration,
    LedgerCost,
    LedgerEntry,
    LedgerPayment,
    LedgerPenalty,
    LedgerReschedule,
    LedgerRevival,
    LoanDue,
    LoanTerms,
    Part,
    TaggedEntry,
    effective_on,
)
from domain.ledger_replay import DueBalance, earned_interest, replay, round_half_up

__all__ = [
    "CIVIL_CODE_ORDER",
    "DPD_BOUNDARIES",
    "Booking",
    "DueBalance",
    "LedgerAcceleration",
    "LedgerCost",
    "LedgerEntry",
    "LedgerPayment",
    "LedgerPenalty",
    "LedgerReschedule",
    "LedgerRevival",
    "LoanDue",
    "LoanTerms",
    "Part",
    "Position",
    "TaggedEntry",
    "bookings_due",
    "effective_on",
    "legacy_dues",
    "month_end",
    "next_review",
    "penalty_base",
    "position",
    "round_half_up",
]

#: days past due at which the delinquency bucket or the loan category changes (classification.py)
DPD_BOUNDARIES = (1, 31, 61, 91, 181, 271, 361)


def legacy_dues(overdue_fen: int, overdue_since: date, outstanding_fen: int) -> list[LoanDue]:
    """A case opened with one overdue amount: that amount due on ``overdue_since``; the rest with no date."""
    dues = []
    if overdue_fen > 0:
        dues.append(LoanDue(number=1, due_on=overdue_since, principal_fen=overdue_fen, interest_fen=0))
    if outstanding_fen > overdue_fen:
        rest = outstanding_fen - overdue_fen
        dues.append(LoanDue(number=len(dues) + 1, due_on=None, principal_fen=rest, interest_fen=0))
    return dues


@dataclass(frozen=True)
class Position:
    """A loan's figures at the end of a day."""

    as_of: date
    principal_fen: int
    interest_fen: int
    #: penalty interest accrued through ``as_of`` (booked or not yet booked)
    penalty_fen: int
    costs_fen: int
    unpaid_costs_fen: int
    paid_fen: int
    #: what is unpaid of the dues fallen due (penalty included) and of the costs
    overdue_fen: int
    overdue_principal_fen: int
    #: the oldest fallen-due date whose principal or interest is unpaid (None: nothing past due)
    overdue_since: date | None
    days_past_due: int
    #: what settles the loan on ``as_of``: everything owed less the interest of periods not yet run (art. 677)
    payoff_fen: int
    #: penalty booked for months ended by ``as_of`` (``penalty_fen`` less what is accrued but not yet booked)
    booked_penalty_fen: int
    balances: list[DueBalance] = field(default_factory=list)

    @property
    def outstanding_fen(self) -> int:
        """principal + interest + penalty + costs - paid."""
        return self.principal_fen + self.interest_fen + self.penalty_fen + self.costs_fen - self.paid_fen


def position(
    dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], as_of: date, terms: LoanTerms | None = None
) -> Position:
    """The loan as of the end of ``as_of``, from the acts whose business day is on or before it."""
    book = replay(dues, entries, terms, as_of)
    live = [b for b in book.balances if b.replaced_by is None]
    fallen = [b for b in live if b.fallen_due(as_of)]
    unpaid = [b for b in fallen if b.unpaid_principal + b.unpaid_interest > 0]
    since = min((b.due_on for b in unpaid if b.due_on is not None), default=None)
    unpaid_costs = book.costs - book.paid_costs
    earned = earned_interest(live, as_of)
    payoff = unpaid_costs + sum(
        b.unpaid_penalty + b.unpaid_principal + min(b.unpaid_interest, max(0, earned[b.due.number] - b.paid_interest))
        for b in live
    )
    booked = sum(fen for e in entries if isinstance(e, LedgerPenalty) and e.period_end <= as_of for _, fen in e.items)
    return Position(
        as_of=as_of,
        principal_fen=sum(b.principal for b in book.balances),
        interest_fen=sum(b.interest for b in book.balances),
        penalty_fen=sum(b.penalty for b in book.balances),
        costs_fen=book.costs,
        unpaid_costs_fen=unpaid_costs,
        paid_fen=book.paid_costs + sum(b.paid_penalty + b.paid_interest + b.paid_principal for b in book.balances),
        overdue_fen=sum(b.unpaid for b in fallen) + unpaid_costs,
        overdue_principal_fen=sum(b.unpaid_principal for b in fallen),
        overdue_since=since,
        days_past_due=0 if since is None else max(0, (as_of - since).days),
        payoff_fen=payoff,
        booked_penalty_fen=booked,
        balances=book.balances,
    )


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Booking:
    """Penalty to book for one calendar month: per due (number, fen); ``adjustment``: corrects an earlier booking."""

    period_start: date
    period_end: date
    items: tuple[tuple[int, int], ...]
    adjustment: bool

    @property
    def amount_fen(self) -> int:
        return sum(fen for _, fen in self.items)


def bookings_due(
    dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], terms: LoanTerms, today: date
) -> list[Booking]:
    """The bookings that make the recorded penalty equal what accrued in every calendar month ended before
    ``today``: a month not yet booked is booked (even at 0, so the booking marks it reviewed); a booked month whose
    accrual the acts since dated back into it changed gets an adjustment of the difference."""
    dated = [d.due_on for d in dues if d.due_on is not None]
    dated += [e.on for e in entries if isinstance(e, LedgerAcceleration)]
    if not dated:
        return []
    start = min(dated) + timedelta(days=1)
    last = date(today.year, today.month, 1) - timedelta(days=1)
    if last < start:
        return []
    truth = replay(dues, entries, terms, last).penalty_by_month()
    booked: dict[tuple[int, int], dict[int, int]] = {}
    for e in entries:
        if isinstance(e, LedgerPenalty):
            month = booked.setdefault((e.period_start.year, e.period_start.month), {})
            for number, fen in e.items:
                month[number] = month.get(number, 0) + fen
    result = []
    day = date(start.year, start.month, 1)
    while day <= last:
        key = (day.year, day.month)
        accrued = truth.get(key, {})
        if key not in booked:
            items = tuple(sorted(accrued.items()))
            result.append(Booking(max(day, start), month_end(day), items, adjustment=False))
        else:
            was = booked[key]
            diff = {n: accrued.get(n, 0) - was.get(n, 0) for n in set(accrued) | set(was)}
            items = tuple(sorted((n, fen) for n, fen in diff.items() if fen))
            if items:
                result.append(Booking(day, month_end(day), items, adjustment=True))
        day = month_end(day) + timedelta(days=1)
    return result


def penalty_base(
    dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], terms: LoanTerms | None, through: date
) -> dict[tuple[int, int, int], int]:
    """The penalty base in fen-days per (due, year, month) accrued through ``through``."""
    book = replay(dues, entries, terms, through)
    return {(b.due.number, y, m): fd for b in book.balances for (y, m), fd in b.fen_days.items()}


def next_review(
    dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], as_of: date, terms: LoanTerms | None = None
) -> date | None:
    """The next day the figures change by time alone: a due falling due, a days-past-due boundary of the
    buckets and categories, or (with penalty interest) the first day of the next month."""
    now = position(dues, entries, as_of, terms)
    candidates = [b.due_on + timedelta(days=1) for b in now.balances if b.due_on is not None and b.due_on >= as_of]
    if now.overdue_since is not None:
        candidates += [now.overdue_since + timedelta(days=k) for k in DPD_BOUNDARIES]
    if terms is not None and terms.penalty_rate and now.outstanding_fen > 0:
        candidates.append(month_end(as_of) + timedelta(days=1))
    later = [c for c in candidates if c > as_of]
    return min(later, default=None)


def unchanged_until(dues: Sequence[LoanDue], entries: Sequence[LedgerEntry], as_of: date) -> date | None:
    """The first day after ``as_of`` on which the dues' dates or the acts can differ from those of ``as_of`` (a due
    falling due, an act dated later): until then the oldest unpaid due date stays what ``position`` found, so days
    past due just count on from it (the penalty grows every day)."""
    later = [d.due_on for d in dues if d.due_on is not None and d.due_on > as_of]
    later += [moment for moment in map(effective_on, entries) if moment > as_of]
    return min(later, default=None)
