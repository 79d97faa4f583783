"""Test fixtures for the scorecards: firms built to land in a given tier (1/5 high, 2/5 medium, 2/5 low).

They were the demo's generated portfolio before the simulation (``simulation/firms.py``), which draws firms'
health and lets the model decide; here the tier is the fixture's expectation, checked by the risk tests."""

from __future__ import annotations

import random
from datetime import date

from demo.specs import DemoEnterprise, PastLoan, credit_code_for, statement

_REGIONS = ["Jiangsu", "Zhejiang", "Shanghai", "Guangdong", "Sichuan", "Hubei", "Shandong", "Fujian"]
_INDUSTRIES = [
    "manufacturing",
    "trading",
    "construction",
    "services",
    "technology",
    "logistics",
    "catering",
    "textiles",
]
_SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]


def generated_portfolio(count: int, seed: int = 500) -> list[DemoEnterprise]:
    """A deterministic portfolio in the case study's proportions: 1/5 high, 2/5 medium, 2/5 low risk."""
    rng = random.Random(seed)
    portfolio = []
    for n in range(count):
        tier = "high" if n % 5 == 0 else "medium" if n % 5 in (1, 2) else "low"
        industry = rng.choice(_INDUSTRIES)
        region = rng.choice(_REGIONS)
        assets = rng.randrange(2_000, 30_000)
        revenue = assets * rng.randrange(60, 140) // 100
        if tier == "high":
            lev0, lev1 = rng.randrange(55, 68), rng.randrange(78, 92)
            net0, net1 = revenue * rng.randrange(2, 6) // 100, -revenue * rng.randrange(4, 12) // 100
            cr1, episodes, max_dpd, overdue_days = (
                rng.randrange(60, 90),
                rng.randrange(2, 5),
                rng.randrange(60, 180),
                rng.randrange(100, 300),
            )
        elif tier == "medium":
            lev0, lev1 = rng.randrange(45, 55), rng.randrange(52, 66)
            net0, net1 = revenue * rng.randrange(3, 7) // 100, revenue * rng.randrange(0, 3) // 100
            cr1, episodes, max_dpd, overdue_days = (
                rng.randrange(90, 110),
                rng.randrange(0, 2),
                rng.randrange(0, 30),
                rng.randrange(35, 90),
            )
        else:
            lev0 = rng.randrange(30, 45)
            lev1 = lev0 + rng.randrange(-4, 4)
            net0 = revenue * rng.randrange(5, 9) // 100
            net1 = net0 * rng.randrange(85, 125) // 100
            cr1, episodes, max_dpd, overdue_days = rng.randrange(140, 200), 0, 0, rng.randrange(3, 25)
        cash_flow1 = net1 + assets // 100 if tier != "high" else net1 - assets // 100
        interest = assets * lev1 // 100 * rng.randrange(3, 6) // 100
        principal = assets * rng.randrange(10, 30) // 100 * 10_000
        outstanding = principal * rng.randrange(60, 95) // 100
        overdue = outstanding * (rng.randrange(25, 45) if tier == "high" else rng.randrange(5, 20)) // 100
        surname = rng.choice(_SURNAMES)
        portfolio.append(
            DemoEnterprise(
                key=f"portfolio-{n:03d}",
                credit_code=credit_code_for(1000 + n),
                name=f"{region} {surname}{n:03d} {industry.title()} Co., Ltd.",
                industry=industry,
                region=region,
                registered_capital=f"{assets * 10_000 // 4}.00",
                business_scope=industry,
                legal_representative=f"{surname} {rng.choice(['Wei', 'Min', 'Jie', 'Lei', 'Fang'])}",
                established_on=date(rng.randrange(1998, 2020), rng.randrange(1, 13), rng.randrange(1, 28)),
                contacts=[
                    (
                        f"{surname} Finance",
                        "finance manager",
                        f"+86 13{n % 10} {n:04d} {rng.randrange(10_000):04d}",
                        f"finance{n}@example.cn",
                    )
                ],
                statements=[
                    statement(
                        "2024",
                        assets,
                        lev0,
                        revenue,
                        net0,
                        net0 + assets // 100,
                        140,
                        assets // 10,
                        assets // 15,
                        interest,
                    ),
                    statement(
                        "2025",
                        assets,
                        lev1,
                        revenue * rng.randrange(85, 115) // 100,
                        net1,
                        cash_flow1,
                        cr1,
                        assets // 8,
                        assets // 30,
                        interest,
                    ),
                ],
                history=[
                    PastLoan(
                        f"PF-{n:03d}-H",
                        f"{principal}.00",
                        date(2019, 1, 1),
                        date(2022, 1, 1),
                        episodes,
                        max_dpd,
                        "repaid",
                    )
                ],
                loan_id=f"PF-{n:03d}",
                principal=f"{principal}.00",
                outstanding=f"{outstanding}.00",
                overdue_amount=f"{overdue}.00",
                overdue_since=date.fromordinal(date(2026, 11, 1).toordinal() - overdue_days),
                expected_tier=tier,
            )
        )
    return portfolio
