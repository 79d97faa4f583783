"""The ledger balances to the fen at every version of every case of a generated history, on both stores
(docs/ledger.md "The position"): the case's figures are the one position function's on the business day of the
acts it knows; what is owed is what is unpaid of every due and cost; what is paid is every payment value-dated by
then; and the penalty booked for the months ended is what accrued in them (bookings and adjustments together)."""

from __future__ import annotations

from datetime import date, timedelta

from application.app import CollectionsApp
from domain.case.events import CaseOpened, PaymentReceived
from domain.case.ledger_events import PenaltyAccrued, PenaltyAdjusted
from domain.case.ledger_fold import day_of, entry_of
from domain.loan_ledger import month_end
from tests.projections.history import generate

CASES = 12


def test_outstanding_is_principal_plus_interest_plus_penalty_plus_costs_less_paid_at_every_version(
    app: CollectionsApp,
) -> None:
    for _ in generate(app, cases=CASES, events_per_case=80, seed=13):
        pass
    penalties = 0
    for n in range(CASES):
        events = app.case_events(app.case_id_for(f"LN-{n:07d}"))
        opened = events[0]
        assert isinstance(opened, CaseOpened)
        for version in range(1, len(events) + 1):
            known = events[:version]
            case = CollectionsApp.replay(known)
            acts = [e for e in known if entry_of(e, case.timezone) is not None or isinstance(e, CaseOpened)]
            day = max(day_of(e, case.timezone) for e in acts)
            now = case.position_as_of(day)
            paid = sum(e.amount.fen for e in known if isinstance(e, PaymentReceived) and e.received_on <= day)
            assert now.paid_fen == paid, (n, version)
            assert now.outstanding_fen == now.unpaid_costs_fen + sum(b.unpaid for b in now.balances), (n, version)
            assert now.outstanding_fen == (
                now.principal_fen + now.interest_fen + now.penalty_fen + now.costs_fen - now.paid_fen
            )
        booked = [e for e in events if isinstance(e, PenaltyAccrued | PenaltyAdjusted)]
        for e in booked:
            if isinstance(e, PenaltyAccrued):
                assert e.amount.fen == sum(fen for _, _, fen in e.items)
        if booked:
            last = max(e.period_end for e in booked)
            case = CollectionsApp.replay(events)
            ended = case.position_as_of(last)
            first_of_month = date(last.year, last.month, 1)
            assert month_end(first_of_month) == last
            # every month ended and reviewed is booked as it accrued: the booked total is the accrued total
            assert ended.booked_penalty_fen == ended.penalty_fen, n
            assert ended.penalty_fen == sum(e.amount.fen for e in booked)
            assert case.position_as_of(last + timedelta(days=1)).booked_penalty_fen == ended.booked_penalty_fen
        penalties += sum(e.amount.fen for e in booked)
    assert penalties > 0, "the history records penalty interest"
