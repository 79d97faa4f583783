"""A portfolio drawn from firm archetypes (seeded, reproducible): each firm's hidden health decides its
statements, loan history and loan; no tier is written anywhere (the risk model decides).

The hidden traits (health, willingness, channel taste) are only the simulated debtor's: the system sees
the registration, statements, loan history, the loan and its contact persons, as a bank would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from demo.specs import PastLoan, Statement, credit_code_for, statement
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from domain.repayment import add_months, apportion

REGIONS = ("Jiangsu", "Zhejiang", "Shanghai", "Guangdong", "Sichuan", "Hubei", "Shandong", "Fujian")
#: regions whose firms resent on-site visits (the brief's example of what the data should reveal)
VISIT_AVERSE_REGIONS = frozenset({"Guangdong", "Shanghai"})
_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun")
_GIVEN = ("Wei", "Min", "Jie", "Lei", "Fang", "Hua", "Jun", "Ping", "Yan", "Gang")


@dataclass(frozen=True)
class Archetype:
    """A kind of firm in trouble: how healthy such firms are (a beta distribution), how long and how much
    they are overdue, and the plan that fits their cash flow."""

    name: str
    weight: int
    health: tuple[float, float]
    #: days overdue when the case opens (range)
    days_overdue: tuple[int, int]
    #: share of the outstanding that is overdue, in percent (range)
    overdue_pct: tuple[int, int]
    #: the plan kind a collector offers such a firm
    plan: str
    #: leverage and margin drift from the older to the newer statement (points, percent of revenue)
    leverage_drift: tuple[int, int] = (-3, 4)
    margin_drift: tuple[int, int] = (-2, 2)


ARCHETYPES: dict[str, Archetype] = {
    a.name: a
    for a in (
        Archetype("late_receivable", 24, (7.0, 2.0), (5, 40), (4, 14), "equal"),
        Archetype("seasonal_squeeze", 22, (5.0, 2.5), (20, 75), (6, 20), "seasonal"),
        Archetype("over_expanded", 20, (3.0, 3.0), (30, 120), (10, 28), "revenue_share", (2, 10), (-6, -1)),
        Archetype("declining", 20, (2.0, 4.0), (60, 220), (15, 40), "equal", (8, 22), (-12, -4)),
        Archetype("distressed", 14, (1.2, 6.0), (120, 420), (25, 60), "collateral", (12, 28), (-18, -6)),
    )
}
#: the industries each archetype is found in (weights)
INDUSTRIES: dict[str, dict[str, int]] = {
    "late_receivable": {"logistics": 4, "services": 3, "technology": 3, "trading": 2, "manufacturing": 2},
    "seasonal_squeeze": {"trading": 4, "catering": 3, "services": 2, "textiles": 1, "construction": 1},
    "over_expanded": {"catering": 4, "technology": 3, "services": 2, "logistics": 1, "construction": 2},
    "declining": {"manufacturing": 4, "textiles": 3, "construction": 3, "trading": 1},
    "distressed": {"textiles": 3, "manufacturing": 3, "construction": 2, "trading": 1, "catering": 1},
}
#: plan kinds by industry where the industry's cash flow asks for one (the seed's construction and trading firms)
INDUSTRY_PLANS = {"construction": "milestone", "trading": "seasonal", "catering": "revenue_share"}


@dataclass(frozen=True)
class Loan:
    """The overdue loan as ``OpenCase`` takes it: principal and outstanding principal (yuan, decimal strings), its
    contractual dues and rates; the overdue amount and since when follow from the dues fallen due by the start."""

    loan_id: str
    principal: str
    outstanding: str
    overdue_amount: str
    overdue_since: date
    #: amortising, bullet, seasonal or milestone
    kind: str = "amortising"
    dues: tuple[LoanDue, ...] = ()
    terms: LoanTerms | None = None


@dataclass(frozen=True)
class Firm:
    """One simulated enterprise: what the bank has on file, and the hidden traits its simulated debtor acts by."""

    key: str
    index: int
    archetype: str
    credit_code: str
    name: str
    industry: str
    region: str
    registered_capital: str
    business_scope: str
    legal_representative: str
    established_on: date
    contacts: list[tuple[str, str, str, str]]  # name, role, phone, email
    statements: list[Statement]
    history: list[PastLoan]
    loan: Loan
    #: what secures the loan (e.g. "inventory 12000000.00"), empty when unsecured
    collateral: str = ""
    #: guarantors (names); each is a known contact person of the firm
    guarantors: list[str] = field(default_factory=list)
    #: each guarantor's guarantee: name, ``general`` or ``joint``, the agreed period in years after the last due
    #: (None: none agreed, six months by art. 692)
    guarantees: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: hidden: ability to pay, 0 (none) to 1 (fully able)
    health: float = 0.5
    #: hidden: inclination to engage with the bank, 0 to 1
    willingness: float = 0.5
    #: the plan kind that fits the firm's cash flow
    plan: str = "equal"
    #: the seed's story, for the named firms
    story: str = ""


#: the loan kind an archetype's or industry's cash flow asks for (most loans amortise monthly)
KIND_BY_ARCHETYPE = {"late_receivable": "bullet", "seasonal_squeeze": "seasonal"}
KIND_BY_INDUSTRY = {"construction": "milestone"}
#: months between principal dues, by kind (a bullet's principal falls due once, at maturity)
PRINCIPAL_STEP = {"amortising": 1, "seasonal": 3, "milestone": 4}


def loan_for(
    rng: random.Random, key: str, archetype: Archetype, assets: int, start: date, health: float, industry: str = ""
) -> Loan:
    """The one place a loan is made: principal, what is left, the contractual dues and rates.

    The first unpaid due fell due ``days`` before ``start`` (sicker firms: longer ago); the dues fallen due by
    then are the arrears. Rates: contract 3.50-6.00% a year, penalty interest the contract rate + 50%.
    """
    principal = assets * rng.randrange(10, 30) // 100 * 10_000
    outstanding = principal * rng.randrange(55, 95) // 100
    low, high = archetype.overdue_pct
    share = rng.randrange(low, high + 1)
    days_low, days_high = archetype.days_overdue
    days = int(days_low + (days_high - days_low) * (1 - health) ** 0.7 * rng.uniform(0.6, 1.2))
    days = max(days_low, min(days_high, days))
    kind = KIND_BY_INDUSTRY.get(industry) or KIND_BY_ARCHETYPE.get(archetype.name, "amortising")
    rate_bp = rng.randrange(350, 601, 5)
    return scheduled_loan(rng, key, kind, principal, outstanding, share, start - timedelta(days=days), start, rate_bp)


def scheduled_loan(
    rng: random.Random,
    key: str,
    kind: str,
    principal_yuan: int,
    outstanding_yuan: int,
    share_pct: int,
    first_unpaid: date,
    start: date,
    rate_bp: int,
) -> Loan:
    """A loan whose first unpaid due is ``first_unpaid``: interest monthly on the principal left (rate / 12,
    half-up to the fen), principal by ``kind`` - monthly, quarterly (seasonal), every four months in unequal
    parts (milestone) or once at maturity (bullet, 1-4 months after ``start``). The number of principal dues
    is chosen so that about ``share_pct`` percent of the principal has fallen due by ``start``."""
    outstanding_fen = outstanding_yuan * 100
    fallen_months = sum(1 for m in range(0, 240) if add_months(first_unpaid, m) <= start)
    if kind == "bullet":
        principal_months = [fallen_months + rng.randrange(0, 4)]
        parts = [outstanding_fen]
    else:
        step = PRINCIPAL_STEP[kind]
        fallen = -(-fallen_months // step)
        count = min(60 // step, max(fallen + 1, round(fallen * 100 / share_pct)))
        principal_months = [n * step for n in range(count)]
        weights = [rng.randrange(2, 5) for _ in range(count)] if kind == "milestone" else [1] * count
        parts = apportion(outstanding_fen, weights)
    by_month = dict(zip(principal_months, parts, strict=True))
    dues: list[LoanDue] = []
    left = outstanding_fen
    for month in range(principal_months[-1] + 1):
        interest = (left * rate_bp * 2 + 12 * 10_000) // (2 * 12 * 10_000)  # left x rate / 12, half-up
        paid = by_month.get(month, 0)
        dues.append(
            LoanDue(number=month + 1, due_on=add_months(first_unpaid, month), principal_fen=paid, interest_fen=interest)
        )
        left -= paid
    overdue = sum(d.total_fen for d in dues if d.due_on is not None and d.due_on <= start)
    terms = LoanTerms(
        interest_rate=Decimal(rate_bp) / 10_000, penalty_rate=Decimal(rate_bp * 3) / 20_000, compound=True
    )
    return Loan(
        key,
        f"{principal_yuan}.00",
        f"{outstanding_yuan}.00",
        str(Money.of(overdue)),
        first_unpaid,
        kind,
        tuple(dues),
        terms,
    )


def draw_firm(rng: random.Random, n: int, start: date) -> Firm:
    """One firm: archetype, then health, then everything the bank sees follows from them."""
    archetype = ARCHETYPES[_weighted(rng, {a.name: a.weight for a in ARCHETYPES.values()})]
    industry = _weighted(rng, INDUSTRIES[archetype.name])
    region = rng.choice(REGIONS)
    health = rng.betavariate(*archetype.health)
    assets = rng.randrange(2_000, 30_000)  # 万元
    revenue = assets * rng.randrange(60, 140) // 100
    lev0 = int(30 + (1 - health) * 45 + rng.uniform(-5, 5))
    lev1 = min(95, max(20, lev0 + rng.randrange(*archetype.leverage_drift)))
    margin0 = 2 + health * 8 + rng.uniform(-2, 2)
    margin1 = margin0 + rng.uniform(*archetype.margin_drift)
    net0, net1 = int(revenue * margin0 / 100), int(revenue * margin1 / 100)
    current_ratio = int(70 + health * 130 + rng.uniform(-15, 15))
    cash_flow1 = net1 + int(assets * (health - 0.35) / 20)
    interest = assets * lev1 // 100 * rng.randrange(3, 6) // 100
    inventory = assets * (rng.randrange(8, 30) if industry in ("textiles", "manufacturing", "trading") else 5) // 100
    episodes = min(5, int(rng.expovariate(1.0) * (1 - health) * 3))
    max_dpd = 0 if episodes == 0 else rng.randrange(10, 30 + int((1 - health) * 150))
    surname, given = rng.choice(_SURNAMES), rng.choice(_GIVEN)
    key = f"SIM-{n:04d}"
    loan = loan_for(rng, key, archetype, assets, start, health, industry)
    contacts = [(f"{surname} {given}", "legal representative", f"+86 13{n % 10} {n:04d} 0001", "")]
    finance = f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)} (finance)"
    contacts.append((finance, "finance manager", f"+86 15{n % 10} {n:04d} 0002", f"finance{n}@firm{n}.example.cn"))
    secured = industry in ("textiles", "manufacturing", "trading") and rng.random() < 0.6
    collateral = f"inventory {inventory * 10_000}.00" if secured else ""
    guarantors: list[str] = []
    guarantees: list[tuple[str, str, int | None]] = []
    if not secured and rng.random() < 0.4:
        guarantor = f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)} (guarantor)"
        guarantors.append(guarantor)
        kind = "joint" if rng.random() < 0.85 else "general"  # banks' forms ask for joint liability
        guarantees.append((guarantor, kind, 3 if rng.random() < 0.7 else None))
        contacts.append((guarantor, "guarantor", f"+86 18{n % 10} {n:04d} 0003", ""))
    plan = "collateral" if secured and archetype.plan == "collateral" else INDUSTRY_PLANS.get(industry, archetype.plan)
    if plan == "collateral" and not secured:
        plan = "equal"
    return Firm(
        key=key,
        index=n,
        archetype=archetype.name,
        credit_code=credit_code_for(20_000 + n),
        name=f"{region} {surname}{n:04d} {industry.title()} Co., Ltd.",
        industry=industry,
        region=region,
        registered_capital=f"{assets * 10_000 // rng.randrange(3, 8)}.00",
        business_scope=industry,
        legal_representative=contacts[0][0],
        established_on=date(rng.randrange(1996, 2024), rng.randrange(1, 13), rng.randrange(1, 28)),
        contacts=contacts,
        statements=[
            statement(
                "2024", assets, lev0, revenue, net0, net0 + assets // 100, 140, inventory, assets // 15, interest
            ),
            statement(
                "2025",
                assets,
                lev1,
                revenue * rng.randrange(85, 115) // 100,
                net1,
                cash_flow1,
                current_ratio,
                inventory,
                max(1, int(assets * health / 12)),
                interest,
            ),
        ],
        history=[
            PastLoan(
                f"{key}-H",
                f"{assets * rng.randrange(5, 20) // 100 * 10_000}.00",
                date(2019, 1, 1),
                date(2022, 1, 1),
                episodes,
                max_dpd,
                "repaid",
            )
        ],
        loan=loan,
        collateral=collateral,
        guarantors=guarantors,
        guarantees=guarantees,
        health=health,
        willingness=min(1.0, max(0.0, rng.gauss(0.35 + 0.5 * health, 0.15))),
        plan=plan,
    )


def generate_firms(count: int, seed: int, start: date) -> list[Firm]:
    """``count`` firms drawn from the archetypes with ``seed``; the same seed gives the same firms."""
    rng = random.Random(seed)
    return [draw_firm(rng, n, start) for n in range(count)]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]
