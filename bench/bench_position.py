"""The one position function's cost per call (docs/ledger.md "The position"): a loan of 12 monthly dues with 30
payments, and one due with no acts, asked for a day after them; prints microseconds per call."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from domain.loan_ledger import LedgerPayment, LoanDue, LoanTerms, position


def main() -> None:
    dues = [
        LoanDue(
            number=n + 1,
            due_on=date(2026, 1, 20) + timedelta(days=30 * n),
            principal_fen=100_000_00,
            interest_fen=2_500_00,
        )
        for n in range(12)
    ]
    terms = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.06525"))
    acts = [LedgerPayment(received_on=date(2026, 2, 1) + timedelta(days=10 * k), fen=20_000_00) for k in range(30)]
    for name, (d, a) in {"12 dues, 30 payments": (dues, acts), "1 due, no acts": (dues[:1], [])}.items():
        rounds = 300
        start = time.perf_counter()
        for _ in range(rounds):
            position(d, a, date(2027, 3, 1), terms)
        print(f"{name}: {(time.perf_counter() - start) / rounds * 1e6:.0f} us per position()")


if __name__ == "__main__":
    main()
