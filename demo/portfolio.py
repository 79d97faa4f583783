"""The demo's generated enterprises: firms drawn from the simulation's archetypes (``simulation/firms.py``), as
demo specs. No tier is written: the risk model decides it when each case is assessed."""

from __future__ import annotations

from datetime import date

from demo.specs import DemoEnterprise
from simulation.firms import generate_firms

#: the seed's stories are dated as of this day; the drawn firms' overdue days count back from it
AS_OF = date(2026, 11, 1)


def generated_portfolio(count: int, seed: int = 500) -> list[DemoEnterprise]:
    """``count`` drawn firms (deterministic for a seed) as demo specs."""
    return [
        DemoEnterprise(
            key=f"portfolio-{firm.index:03d}",
            credit_code=firm.credit_code,
            name=firm.name,
            industry=firm.industry,
            region=firm.region,
            registered_capital=firm.registered_capital,
            business_scope=firm.business_scope,
            legal_representative=firm.legal_representative,
            established_on=firm.established_on,
            contacts=firm.contacts,
            statements=firm.statements,
            history=firm.history,
            loan_id=firm.loan.loan_id.replace("SIM-", "PF-"),
            principal=firm.loan.principal,
            outstanding=firm.loan.outstanding,
            overdue_amount=firm.loan.overdue_amount,
            overdue_since=firm.loan.overdue_since,
        )
        for firm in generate_firms(count, seed, AS_OF)
    ]
