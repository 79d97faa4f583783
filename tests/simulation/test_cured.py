"""A case is resolved ``cured`` once its arrears are paid (the loan back on its schedule), never before; the
portfolio view counts it cured and takes its balance out (both stores)."""

from __future__ import annotations

from datetime import date

import pytest

from application.commands import ReceivePayment, ResolveCase
from domain.base import Actor, Role
from domain.case.values import Resolution
from domain.errors import IllegalTransitionError
from domain.money import Money
from tests.factories import open_case

COLLECTOR = Actor(user_id="wang.collector", role=Role.COLLECTOR)


def test_cured_needs_the_arrears_paid_and_counts_as_cured(container) -> None:
    app = container.app
    case_id = open_case(app)
    resolve = ResolveCase(case_id=case_id, resolution=Resolution.CURED, remark="arrears paid", actor=COLLECTOR)
    with pytest.raises(IllegalTransitionError, match="still overdue"):
        app.handle(resolve)
    payment = ReceivePayment(
        case_id=case_id,
        amount=Money.parse("1200000.00"),
        received_on=date(2026, 11, 2),
        reference="R-1",
        actor=COLLECTOR,
    )
    app.handle(payment)
    app.handle(resolve)
    assert app.get_case(case_id).resolution is Resolution.CURED
    report = container.read_model.portfolio_report()
    assert report.counters["cases_cured"] == 1 and report.cure_rate == "1.0000"
    assert sum(float(v) for v in report.overdue_balance_by_tier.values()) == 0
