"""Builders for the enterprises and cases tests need."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.app import CollectionsApp
from application.commands import OpenCase, RegisterEnterprise
from domain.base import Actor, Role
from domain.credit_code import complete_credit_code
from domain.enterprise.values import ContactPerson, Registration
from domain.errors import NotFoundError
from domain.money import Money

COLLECTOR = Actor(user_id="wang.collector", role=Role.COLLECTOR)
SUPERVISOR = Actor(user_id="zhao.supervisor", role=Role.SUPERVISOR)


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for each n."""
    return complete_credit_code(f"9131000{n:010d}")


def registration(n: int = 1, **changes: object) -> Registration:
    """A registration for enterprise number n."""
    base = Registration(
        credit_code=credit_code(n),
        name=f"Enterprise {n} Co., Ltd.",
        registered_capital=Money.parse("50000000.00"),
        business_scope="manufacturing",
        legal_representative="Chen Wei",
        industry="manufacturing",
        region="Jiangsu",
        established_on=date(2010, 5, 1),
    )
    return base.model_copy(update=changes)


def contacts() -> list[ContactPerson]:
    """Two contact persons."""
    return [
        ContactPerson(name="Li Na", role="CFO", phone="+86 138 0013 8000", email="li.na@example.cn"),
        ContactPerson(name="Zhou Min", role="Treasurer", phone="+86 139 0013 9000"),
    ]


#: the events a factory case opens with (docs/ledger.md "Every case on one ledger"): CaseOpened, its first
#: classification, its next ledger review, its limitation period and the period's warning deadline
OPENED = 5


def open_case(app: CollectionsApp, n: int = 1, loan_id: str | None = None) -> UUID:
    """Register enterprise n (if needed) and open a case on one of its loans."""
    enterprise_id = app.enterprise_id_for(credit_code(n))
    try:
        app.get_enterprise(enterprise_id)
    except NotFoundError:
        app.handle(RegisterEnterprise(registration=registration(n), contacts=tuple(contacts()), actor=COLLECTOR))
    opened = app.handle(
        OpenCase(
            loan_id=loan_id or f"LN-{n:06d}",
            enterprise_id=enterprise_id,
            principal=Money.parse("10000000.00"),
            outstanding=Money.parse("6000000.00"),
            overdue_amount=Money.parse("1200000.00"),
            overdue_since=date(2026, 9, 15),
            actor=COLLECTOR,
        )
    )
    case_id: UUID = opened.result
    return case_id
