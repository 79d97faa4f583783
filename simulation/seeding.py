"""The portfolio into the system: the seed's named firms and the drawn ones, registered with their statements,
loan history, contact persons (guarantors among them), the case for the overdue loan and what secures it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from application.app import CollectionsApp
from application.commands import (
    AddLoanRecord,
    AddNote,
    FileStatement,
    OpenCase,
    RecordGuarantee,
    RegisterEnterprise,
)
from demo.examples import SEED_EXAMPLES
from demo.specs import DemoEnterprise, contacts_of, registration_of, to_loan_record, to_statement
from domain.base import Actor, Role
from domain.case.values import GuaranteeType
from domain.errors import NotFoundError
from domain.money import Money
from domain.repayment import add_months
from simulation.firms import PRINCIPAL_STEP, Firm, generate_firms, scheduled_loan

LOADER = Actor(user_id="sim.loader", role=Role.ADMIN)
#: how the seed's named firms behave (BRIEF.md's case study): their plan, and their hidden health and
#: willingness (the response model turns these into what they do)
NAMED = {
    "manufacturer": ("declining", "equal", 0.25, 0.35),
    "service": ("seasonal_squeeze", "seasonal", 0.6, 0.6),
    "logistics": ("late_receivable", "equal", 0.9, 0.8),
    "textile": ("distressed", "collateral", 0.45, 0.3),
    "restaurant": ("over_expanded", "revenue_share", 0.45, 0.7),
    "construction": ("over_expanded", "milestone", 0.45, 0.7),
    "trading": ("seasonal_squeeze", "seasonal", 0.35, 0.7),
}
#: the named firms' contract rate (basis points a year; penalty interest + 50%)
NAMED_RATE_BP = 435
#: the seed's stories are dated as of 1 November 2026; the simulation starts at its own date
SEED_AS_OF = date(2026, 11, 1)


def named_firm(spec: DemoEnterprise, index: int, start: date) -> Firm:
    """A seed example as a simulated firm, its overdue days kept relative to the simulation's start."""
    archetype, plan, health, willingness = NAMED[spec.key]
    overdue_since = start - (SEED_AS_OF - spec.overdue_since)
    inventory = spec.statements[-1].inventory
    outstanding, overdue = int(Decimal(spec.outstanding)), int(Decimal(spec.overdue_amount))
    share = max(1, min(99, round(100 * overdue / max(1, outstanding))))
    kind = plan if plan in PRINCIPAL_STEP else "amortising"
    rng = random.Random(spec.loan_id)
    principal = int(Decimal(spec.principal))
    loan = scheduled_loan(rng, spec.loan_id, kind, principal, outstanding, share, overdue_since, start, NAMED_RATE_BP)
    return Firm(
        key=spec.loan_id,
        index=index,
        archetype=archetype,
        credit_code=spec.credit_code,
        name=spec.name,
        industry=spec.industry,
        region=spec.region,
        registered_capital=spec.registered_capital,
        business_scope=spec.business_scope,
        legal_representative=spec.legal_representative,
        established_on=spec.established_on,
        contacts=list(spec.contacts),
        statements=list(spec.statements),
        history=list(spec.history),
        loan=loan,
        collateral=f"inventory {inventory}" if plan == "collateral" else "",
        health=health,
        willingness=willingness,
        plan=plan,
        story=spec.story,
    )


def portfolio(count: int, seed: int, start: date) -> list[Firm]:
    """The named firms first, then drawn ones up to ``count`` (at least the named ones)."""
    named = [named_firm(spec, n, start) for n, spec in enumerate(SEED_EXAMPLES)]
    drawn = generate_firms(max(0, count - len(named)), seed, start)
    return named + [replace(f, index=f.index + len(named)) for f in drawn]


def register(app: CollectionsApp, firm: Firm, at: datetime) -> bool:
    """Register the firm and open its case at ``at``; False when the case exists (nothing is added)."""
    enterprise_id = app.enterprise_id_for(firm.credit_code)
    case_id = app.case_id_for(firm.loan.loan_id)
    try:
        app.get_case(case_id)
        return False
    except NotFoundError:
        pass
    registration, contacts = registration_of(firm), contacts_of(firm)
    app.handle(RegisterEnterprise(registration=registration, contacts=contacts, actor=LOADER, occurred_at=at))
    for statement in firm.statements:
        command = FileStatement(
            enterprise_id=enterprise_id, statement=to_statement(statement), actor=LOADER, occurred_at=at
        )
        app.handle(command)
    for loan in firm.history:
        record = to_loan_record(loan)
        app.handle(AddLoanRecord(enterprise_id=enterprise_id, record=record, actor=LOADER, occurred_at=at))
    app.handle(
        OpenCase(
            loan_id=firm.loan.loan_id,
            enterprise_id=enterprise_id,
            principal=Money.parse(firm.loan.principal),
            outstanding=Money.parse(firm.loan.outstanding),
            dues=firm.loan.dues,
            terms=firm.loan.terms,
            actor=LOADER,
            occurred_at=at,
        )
    )
    last_due = max(d.due_on for d in firm.loan.dues if d.due_on is not None) if firm.loan.dues else None
    for name, kind, years in firm.guarantees:
        agreed = add_months(last_due, 12 * years) if years and last_due else None
        guarantee = RecordGuarantee(
            case_id=case_id,
            guarantor=name,
            guarantee_type=GuaranteeType(kind),
            principal_due_on=last_due,
            agreed_ends_on=agreed,
            actor=LOADER,
            occurred_at=at,
        )
        app.handle(guarantee)
    security = [f"collateral: {firm.collateral}"] if firm.collateral else []
    security += [f"guarantor: {name}" for name in firm.guarantors]
    if security:
        app.handle(AddNote(case_id=case_id, text="; ".join(security), actor=LOADER, occurred_at=at + timedelta(0)))
    return True
