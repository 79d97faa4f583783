"""One computation of a case's position (issue 20.5), on both stores: over generated histories (schedules, rates,
the scheduler's reviews, payments value-dated before they are booked, costs), for a random day, the ledger's
answer, the history's, the classification's and the case view's (today) are each the one position function of the
acts whose business time is on or before that day; and an act dated later changes none of them."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.views import case_progress
from application.bootstrap import Container
from application.commands import OpenCase, ReceivePayment, RecordCost
from application.history import business_time, case_on, case_then, end_of_day
from domain.case.ledger_fold import entry_of
from domain.loan_ledger import LoanDue, LoanTerms, Position, legacy_dues, position
from domain.money import Money
from domain.rules import local_date
from infrastructure.clock import ManualClock
from tests.application.test_loan_schedule import enterprise
from tests.conftest import TEST_START
from tests.factories import COLLECTOR

LOANS = itertools.count()


def the_function(events: list[Any], day: date) -> Position:
    """The one position function of the acts whose business time is on or before the end of ``day``."""
    opened = events[0]
    dues = opened.dues or legacy_dues(opened.overdue_amount.fen, opened.overdue_since, opened.outstanding.fen)
    cutoff = end_of_day(day, opened.timezone)
    entries = [entry_of(e, opened.timezone) for e in events if business_time(e) <= cutoff]
    return position(dues, [e for e in entries if e is not None], day, opened.terms)


def answers(container: Container, case_id: Any, day: date) -> dict[str, tuple[int, int, int]]:
    """Days past due, overdue and outstanding (fen) as each reader answers them for ``day``."""
    events = container.app.case_events(case_id)
    ledger = case_on(events, day).position_as_of(day)
    then = case_then(events, as_of=end_of_day(day, events[0].timezone)).case
    shown = case_progress(then, day)
    facts = case_on(events, day).claim_facts(day)
    return {
        "ledger": (ledger.days_past_due, ledger.overdue_fen, ledger.outstanding_fen),
        "history": (
            shown.days_past_due or 0,
            Money.parse(shown.overdue_amount).fen,
            Money.parse(shown.outstanding).fen,
        ),
        "classification": (facts.days_past_due, facts.overdue_fen, facts.outstanding_fen),
    }


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(1, 4))
    dues = tuple(
        LoanDue(
            number=n + 1,
            due_on=date(2026, 8, 1) + timedelta(days=30 * n + draw(st.integers(0, 25))),
            principal_fen=draw(st.integers(1_000_00, 500_000_00)),
            interest_fen=draw(st.integers(0, 20_000_00)),
        )
        for n in range(count)
    )
    terms = LoanTerms(
        interest_rate=Decimal("0.0435"),
        penalty_rate=Decimal(draw(st.integers(0, 900))) / 10_000,
        compound=draw(st.booleans()),
    )
    steps = [
        (draw(st.integers(1, 20)), draw(st.sampled_from(["pay", "pay", "cost", "wait"])), draw(st.integers(0, 4)))
        for _ in range(draw(st.integers(1, 6)))
    ]
    return {"dues": dues, "terms": terms, "steps": steps, "pick": draw(st.integers(0, 10_000))}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories())
def test_every_answer_for_a_day_is_the_position_function_and_later_acts_change_none(
    container: Container, clock: ManualClock, history: dict[str, Any]
) -> None:
    app = container.app
    clock.set(TEST_START)
    loan = next(LOANS)
    principal = Money.of(sum(d.principal_fen for d in history["dues"]))
    case_id = app.handle(
        OpenCase(
            loan_id=f"LN-ONE-{loan}",
            enterprise_id=enterprise(app),
            principal=principal,
            outstanding=principal,
            dues=history["dues"],
            terms=history["terms"],
            actor=COLLECTOR,
        )
    ).result
    opened_on = local_date(TEST_START, "Asia/Shanghai")
    for n, (days, act, back) in enumerate(history["steps"]):
        clock.set(clock.now() + timedelta(days=days))
        container.scheduler.tick()
        today = local_date(clock.now(), "Asia/Shanghai")
        value = max(opened_on, today - timedelta(days=back))  # booked today, value-dated up to 4 days before
        if act == "pay":
            payoff = app.get_case(case_id).payoff_on(value)
            if payoff > 0:
                app.handle(
                    ReceivePayment(
                        case_id=case_id,
                        amount=Money.of(max(1, payoff // 3)),
                        received_on=value,
                        reference=f"P-{loan}-{n}",
                        actor=COLLECTOR,
                    )
                )
        elif act == "cost":
            app.handle(
                RecordCost(
                    case_id=case_id,
                    cost_id=f"C-{n}",
                    kind="court_fee",
                    amount=Money.of(500_00),
                    incurred_on=value,
                    description="fee",
                    actor=COLLECTOR,
                )
            )
    today = local_date(clock.now(), "Asia/Shanghai")
    day = opened_on + timedelta(days=history["pick"] % ((today - opened_on).days + 1))
    expected = the_function(app.case_events(case_id), day)
    want = (expected.days_past_due, expected.overdue_fen, expected.outstanding_fen)
    seen = answers(container, case_id, day)
    assert seen == {"ledger": want, "history": want, "classification": want}
    container.projections.catch_up()
    view = container.read_model.case_progress(case_id)
    now = the_function(app.case_events(case_id), today)
    assert (view.days_past_due, Money.parse(view.overdue_amount or "0").fen, Money.parse(view.outstanding).fen) == (
        now.days_past_due,
        now.overdue_fen,
        now.outstanding_fen,
    )
    # an act dated after the day (a payment value-dated tomorrow, booked then) changes none of the day's answers
    clock.set(
        datetime.combine(max(today, day) + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    )
    later = day + timedelta(days=1)
    payoff = app.get_case(case_id).payoff_on(later)
    if payoff > 0:
        app.handle(
            ReceivePayment(
                case_id=case_id, amount=Money.of(payoff), received_on=later, reference=f"L-{loan}", actor=COLLECTOR
            )
        )
        assert answers(container, case_id, day) == seen
