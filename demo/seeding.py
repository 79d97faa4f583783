"""Seed a store with the seed's examples and a generated portfolio, so the product can be tried at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from application.app import CollectionsApp
from application.commands import (
    AddLoanRecord,
    AssessRisk,
    AssignCollector,
    FileStatement,
    LogContact,
    OpenCase,
    RegisterEnterprise,
    VisitFacts,
)
from application.handlers.strategy import Assessment
from demo.examples import SEED_EXAMPLES
from demo.portfolio import generated_portfolio
from demo.specs import DemoEnterprise, contacts_of, registration_of, to_loan_record, to_statement
from domain.base import Actor, Role
from domain.case.values import Channel, ContactOutcome
from domain.errors import NotFoundError
from domain.money import Money
from domain.rules import local_date

DEMO_ACTOR = Actor(user_id="demo.loader", role=Role.ADMIN)
DEMO_COLLECTOR = Actor(user_id="wang.collector", role=Role.COLLECTOR)
DEMO_RISK = Actor(user_id="sun.risk", role=Role.RISK)
#: the case study's portfolio size
DEFAULT_PORTFOLIO = 500


@dataclass(frozen=True)
class SeedResult:
    """What seeding did."""

    enterprises_added: int
    cases_opened: int
    case_ids: dict[str, UUID]


def demo_enterprises(portfolio_size: int = DEFAULT_PORTFOLIO) -> list[DemoEnterprise]:
    """The named examples first, then generated enterprises up to ``portfolio_size``."""
    generated = max(0, portfolio_size - len(SEED_EXAMPLES))
    return SEED_EXAMPLES + generated_portfolio(generated)


def seed_enterprise(app: CollectionsApp, spec: DemoEnterprise) -> tuple[UUID, bool]:
    """Register one demo enterprise with its statements, history and case; skip what exists."""
    enterprise_id = app.enterprise_id_for(spec.credit_code)
    case_id = app.case_id_for(spec.loan_id)
    try:
        app.get_case(case_id)
        return case_id, False
    except NotFoundError:
        pass
    try:
        app.get_enterprise(enterprise_id)
    except NotFoundError:
        registration, contacts = registration_of(spec), contacts_of(spec)
        app.handle(RegisterEnterprise(registration=registration, contacts=contacts, actor=DEMO_ACTOR))
    for statement in spec.statements:
        app.handle(FileStatement(enterprise_id=enterprise_id, statement=to_statement(statement), actor=DEMO_ACTOR))
    for loan in spec.history:
        record = to_loan_record(loan)
        app.handle(AddLoanRecord(enterprise_id=enterprise_id, record=record, actor=DEMO_ACTOR))
    timezone = app.get_enterprise(enterprise_id).registration.timezone
    first_day = local_date(app.clock.now(), timezone) - timedelta(days=len(spec.contacts_log) + 2)
    opened_at = office_hours(first_day, 9, timezone)
    app.handle(
        OpenCase(
            loan_id=spec.loan_id,
            enterprise_id=enterprise_id,
            principal=Money.parse(spec.principal),
            outstanding=Money.parse(spec.outstanding),
            overdue_amount=Money.parse(spec.overdue_amount),
            overdue_since=spec.overdue_since,
            actor=DEMO_ACTOR,
            occurred_at=opened_at,
        )
    )
    app.handle(
        AssignCollector(case_id=case_id, collector=DEMO_COLLECTOR.user_id, actor=DEMO_ACTOR, occurred_at=opened_at)
    )
    party = spec.contacts[0][0]
    for day, (channel, outcome, summary, feedback) in enumerate(spec.contacts_log, start=1):
        visit = VisitFacts(staff=(DEMO_COLLECTOR.user_id, "chen.credit")) if channel == "visit" else None
        app.handle(
            LogContact(
                case_id=case_id,
                channel=Channel(channel),
                party=party,
                outcome=ContactOutcome(outcome),
                summary=summary,
                feedback=feedback,
                visit=visit,
                actor=DEMO_COLLECTOR,
                occurred_at=office_hours(first_day + timedelta(days=day), 10, timezone),
            )
        )
    return case_id, True


def office_hours(day: date, hour: int, timezone: str) -> datetime:
    """``hour`` o'clock local time on ``day`` (demo contacts happen in office hours, as the contact policy asks)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(timezone))


def assess_portfolio(
    app: CollectionsApp,
    case_ids: Iterable[UUID],
    progress: Callable[[Iterable[UUID], int], Iterable[UUID]] = lambda items, _: items,
) -> Counter[str]:
    """Assess every case not yet assessed (strategy, deadlines and tasks follow); the tiers of all of them."""
    ids = list(case_ids)
    tiers: Counter[str] = Counter()
    for case_id in progress(ids, len(ids)):
        case = app.get_case(case_id)
        if case.model_version is None:
            tiers[str(app.send(AssessRisk(case_id=case_id, actor=DEMO_RISK), Assessment).tier)] += 1
        else:
            tiers[str(case.tier)] += 1
    return tiers


def seed_demo(
    app: CollectionsApp,
    portfolio_size: int = DEFAULT_PORTFOLIO,
    progress: Callable[[Iterable[DemoEnterprise], int], Iterable[DemoEnterprise]] = lambda items, _: items,
) -> SeedResult:
    """Seed the examples and the portfolio; running it again adds nothing."""
    specs = demo_enterprises(portfolio_size)
    case_ids: dict[str, UUID] = {}
    added = 0
    for spec in progress(specs, len(specs)):
        case_ids[spec.key], new = seed_enterprise(app, spec)
        added += new
    return SeedResult(enterprises_added=added, cases_opened=added, case_ids=case_ids)
