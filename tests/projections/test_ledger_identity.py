"""The ledger balances to the fen at every version of every case of a generated history, on both stores:
outstanding = principal + interest + penalty - paid (README "Arrears that move")."""

from __future__ import annotations

from datetime import date

from application.app import CollectionsApp
from domain.case.events import CaseOpened, PaymentReceived
from domain.case.ledger_events import LoanScheduleRecorded, PenaltyAccrued
from domain.loan_ledger import legacy_dues
from tests.projections.history import generate

CASES = 12


def test_outstanding_is_principal_plus_interest_plus_penalty_less_paid_at_every_version(app: CollectionsApp) -> None:
    for _ in generate(app, cases=CASES, events_per_case=80, seed=13):
        pass
    penalties = 0
    for n in range(CASES):
        events = app.case_events(app.case_id_for(f"LN-{n:07d}"))
        opened = events[0]
        assert isinstance(opened, CaseOpened)
        dues = opened.dues or legacy_dues(opened.overdue_amount.fen, opened.overdue_since, opened.outstanding.fen)
        principal = interest = penalty = paid = 0
        for version in range(1, len(events) + 1):
            event = events[version - 1]
            if isinstance(event, LoanScheduleRecorded):
                dues = event.dues
            elif isinstance(event, PenaltyAccrued):
                assert event.amount.fen == sum(fen for _, _, fen in event.items)
                penalty += event.amount.fen
            elif isinstance(event, PaymentReceived):
                paid += event.amount.fen
            principal, interest = sum(d.principal_fen for d in dues), sum(d.interest_fen for d in dues)
            case = CollectionsApp.replay(events[:version])
            assert case.outstanding.fen == principal + interest + penalty - paid, (n, version)
            assert case.position_as_of(date.max).outstanding_fen == case.outstanding.fen
        penalties += penalty
    assert penalties > 0, "the history records penalty interest"
