"""How a payment is allocated (Civil Code arts. 560-561 unless the contract says otherwise; docs/ledger.md).

Pure. Across the dues of one loan (art. 560): the dues the debtor designated, then those fallen due before those
not yet due, then the oldest; dues falling due on the same day share the payment in proportion to what each owes
("到期时间相同的, 按照债务比例履行"). Within a due (art. 561): costs of enforcing the claim first (they are
the loan's, paid before any due), then interest (penalty interest, then contractual), then principal; a contract's own
order (``LoanTerms.allocation``) replaces that order. Across a debtor's loans, ``split_across_loans``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from domain.ledger_entries import CIVIL_CODE_ORDER, Part

#: a part of a payment: (due number, 0 for the loan's costs; the part; fen)
Allocated = tuple[int, str, int]


@dataclass(frozen=True)
class Owed:
    """What one due owes on the payment's day, part by part."""

    number: int
    due_on: date | None
    fallen_due: bool
    penalty: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.penalty + self.interest + self.principal


def _rank(owed: Owed, designated: tuple[int, ...]) -> tuple[bool, bool, date]:
    """Art. 560's order: designated, fallen due, oldest (all dues of one loan share its security and rates, so
    "least secured" and "most burdensome" tie)."""
    return (owed.number not in designated, not owed.fallen_due, owed.due_on or date.max)


def pro_rata(amount: int, weights: list[int]) -> list[int]:
    """``amount`` split in proportion to ``weights`` (each share at most its weight), to the fen: shares rounded
    down, the fen left over one each to the largest remainders, the first first."""
    total = sum(weights)
    if amount >= total:
        return list(weights)
    shares = [amount * w // total for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in remainders[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def _within(owed: Owed, fen: int, order: tuple[Part, ...]) -> list[Allocated]:
    parts: list[Allocated] = []
    for kind in order:
        if kind == "costs":
            continue
        take = min(getattr(owed, kind), fen)
        if take > 0:
            parts.append((owed.number, kind, take))
            fen -= take
    return parts


def allocate(
    dues: list[Owed], costs: int, fen: int, designated: tuple[int, ...] = (), order: tuple[Part, ...] | None = None
) -> list[Allocated]:
    """Allocate ``fen`` to the loan's unpaid ``costs`` and its dues; what cannot be placed is left unallocated (the
    caller refuses more than the payoff)."""
    order = order or CIVIL_CODE_ORDER
    costs_first = order.index("costs") == 0 if "costs" in order else True
    parts: list[Allocated] = []
    if costs_first and costs > 0:
        take = min(costs, fen)
        parts.append((0, "costs", take))
        fen -= take
    ranked = sorted((d for d in dues if d.total > 0), key=lambda d: (_rank(d, designated), d.number))
    for _, group in groupby(ranked, key=lambda d: _rank(d, designated)):
        members = list(group)
        if fen <= 0:
            break
        shares = pro_rata(fen, [d.total for d in members])
        for owed, share in zip(members, shares, strict=True):
            parts += _within(owed, share, order)
            fen -= share
    if not costs_first and costs > 0 and fen > 0:
        parts.append((0, "costs", min(costs, fen)))
    return parts


@dataclass(frozen=True)
class LoanClaim:
    """One of a debtor's loans as art. 560 weighs it when the debtor designates none."""

    key: str
    #: what is fallen due and unpaid on the payment's day
    due_fen: int
    #: what settles the loan on that day
    payoff_fen: int
    #: the security behind it (guarantees, collateral) in fen; less security is paid first
    security_fen: int
    #: how burdensome it is: the annual penalty rate (the higher, the heavier)
    burden: Decimal
    #: the oldest unpaid due date (None: nothing due)
    oldest_due: date | None


def split_across_loans(loans: list[LoanClaim], fen: int) -> dict[str, int]:
    """Art. 560 across a debtor's loans when it designates none: first what has fallen due (then what settles the
    rest), the least secured first, then the most burdensome, then the one due earliest; loans equal on all of
    these share in proportion to what they owe."""
    result = {loan.key: 0 for loan in loans}
    for field_ in ("due_fen", "payoff_fen"):
        owing = {loan.key: getattr(loan, field_) - result[loan.key] for loan in loans}

        def rank(loan: LoanClaim) -> tuple[int, Decimal, date]:
            return (loan.security_fen, -loan.burden, loan.oldest_due or date.max)

        ordered = sorted((loan for loan in loans if owing[loan.key] > 0), key=lambda loan: (rank(loan), loan.key))
        for _, group in groupby(ordered, key=rank):
            members = list(group)
            if fen <= 0:
                return result
            shares = pro_rata(fen, [owing[loan.key] for loan in members])
            for loan, share in zip(members, shares, strict=True):
                result[loan.key] += share
                fen -= share
    return result
