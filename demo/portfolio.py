"""The seed's example enterprises (BRIEF.md) and a generated 500-enterprise portfolio, as plain data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from domain.credit_code import complete_credit_code


@dataclass(frozen=True)
class Statement:
    """One year's figures in yuan (decimal strings), in DESIGN.md's field names."""

    period: str
    total_assets: str
    total_liabilities: str
    current_assets: str
    current_liabilities: str
    inventory: str
    cash: str
    revenue: str
    operating_profit: str
    net_profit: str
    interest_expense: str
    operating_cash_flow: str


@dataclass(frozen=True)
class PastLoan:
    """A loan of the enterprise's history."""

    loan_id: str
    amount: str
    start_on: date
    maturity_on: date
    overdue_episodes: int
    max_days_past_due: int
    status: str


@dataclass(frozen=True)
class DemoEnterprise:
    """An enterprise of the demo, its history and the overdue loan its case is about."""

    key: str
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
    loan_id: str
    principal: str
    outstanding: str
    overdue_amount: str
    overdue_since: date
    expected_tier: str
    story: str = ""
    contacts_log: list[tuple[str, str, str, str]] = field(default_factory=list)  # channel, outcome, summary, feedback


def _code(n: int) -> str:
    return complete_credit_code(f"91{n:015d}")


def _statement(
    period: str,
    assets: int,
    leverage_pct: int,
    revenue: int,
    net: int,
    cash_flow: int,
    current_ratio_pct: int,
    inventory: int,
    cash: int,
    interest: int,
) -> Statement:
    """Figures in ten-thousands of yuan (万元) expanded to yuan strings."""
    liabilities = assets * leverage_pct // 100
    current_liabilities = liabilities * 6 // 10
    current_assets = min(assets, current_liabilities * current_ratio_pct // 100)
    wan = 10_000
    return Statement(
        period=period,
        total_assets=f"{assets * wan}.00",
        total_liabilities=f"{liabilities * wan}.00",
        current_assets=f"{current_assets * wan}.00",
        current_liabilities=f"{current_liabilities * wan}.00",
        inventory=f"{min(inventory, current_assets) * wan}.00",
        cash=f"{min(cash, current_assets) * wan}.00",
        revenue=f"{revenue * wan}.00",
        operating_profit=f"{(net + interest) * wan}.00",
        net_profit=f"{net * wan}.00",
        interest_expense=f"{interest * wan}.00",
        operating_cash_flow=f"{cash_flow * wan}.00",
    )


SEED_EXAMPLES: list[DemoEnterprise] = [
    DemoEnterprise(
        key="manufacturer",
        credit_code=_code(1),
        name="Jiangsu Hengda Precision Machinery Co., Ltd.",
        industry="manufacturing",
        region="Jiangsu",
        registered_capital="50000000.00",
        business_scope="precision machine parts",
        legal_representative="Zhang Qiang",
        established_on=date(2008, 3, 12),
        contacts=[
            ("Liu Yang", "CFO", "+86 138 1000 0001", "liu.yang@hengda.example.cn"),
            ("Zhang Qiang", "legal representative", "+86 139 1000 0002", ""),
        ],
        statements=[
            _statement("2024", 12000, 55, 9800, 760, 900, 130, 2100, 900, 380),
            _statement("2025", 11000, 78, 7100, -640, -420, 82, 3300, 150, 520),
        ],
        history=[
            PastLoan("HD-2019-01", "20000000.00", date(2019, 1, 10), date(2022, 1, 10), 2, 64, "repaid"),
            PastLoan("HD-2022-07", "15000000.00", date(2022, 7, 1), date(2024, 7, 1), 2, 95, "repaid"),
        ],
        loan_id="HD-2024-03",
        principal="30000000.00",
        outstanding="26000000.00",
        overdue_amount="4500000.00",
        overdue_since=date(2026, 7, 20),
        expected_tier="high",
        story="debt-to-asset ratio rose sharply, profit collapsed, overdue several times",
        contacts_log=[
            ("phone", "connected", "reminder call", "raising funds, no date given"),
            ("phone", "no_answer", "follow-up call", ""),
            ("phone", "connected", "asked for repayment date", "still raising funds"),
            ("visit", "met", "site visit with credit", "orders down 30%, seeking investor"),
        ],
    ),
    DemoEnterprise(
        key="service",
        credit_code=_code(2),
        name="Shanghai Yuanjing Property Services Co., Ltd.",
        industry="services",
        region="Shanghai",
        registered_capital="10000000.00",
        business_scope="property and facility services",
        legal_representative="Wu Li",
        established_on=date(2012, 6, 1),
        contacts=[("Xu Jing", "finance manager", "+86 137 2000 0001", "xu.jing@yuanjing.example.cn")],
        statements=[
            _statement("2024", 4000, 44, 6200, 410, 520, 150, 100, 900, 60),
            _statement("2025", 4200, 47, 6500, 380, -90, 104, 120, 180, 70),
        ],
        history=[PastLoan("YJ-2020-02", "5000000.00", date(2020, 2, 1), date(2023, 2, 1), 0, 0, "repaid")],
        loan_id="YJ-2025-01",
        principal="8000000.00",
        outstanding="6400000.00",
        overdue_amount="1200000.00",
        overdue_since=date(2026, 9, 25),
        expected_tier="medium",
        story="short of cash for seasonal reasons, otherwise healthy with a clean record",
        contacts_log=[("phone", "connected", "reminder", "contracts pay after the Spring Festival")],
    ),
    DemoEnterprise(
        key="logistics",
        credit_code=_code(3),
        name="Zhejiang Tongda Logistics Co., Ltd.",
        industry="logistics",
        region="Zhejiang",
        registered_capital="20000000.00",
        business_scope="freight and warehousing",
        legal_representative="He Ming",
        established_on=date(2006, 9, 18),
        contacts=[("Guo Hua", "CFO", "+86 136 3000 0001", "guo.hua@tongda.example.cn")],
        statements=[
            _statement("2024", 8000, 42, 11000, 820, 1100, 160, 200, 1500, 90),
            _statement("2025", 8600, 41, 12100, 900, 1200, 158, 220, 1400, 85),
        ],
        history=[PastLoan("TD-2021-05", "6000000.00", date(2021, 5, 1), date(2024, 5, 1), 0, 0, "repaid")],
        loan_id="TD-2025-08",
        principal="5000000.00",
        outstanding="3000000.00",
        overdue_amount="420000.00",
        overdue_since=date(2026, 10, 20),
        expected_tier="low",
        story="late only because one large receivable came in late",
        contacts_log=[
            ("phone", "connected", "reminder", "customer payment due next week"),
            ("sms", "delivered", "repayment reminder", ""),
        ],
    ),
    DemoEnterprise(
        key="textile",
        credit_code=_code(4),
        name="Shaoxing Jinsha Textile Co., Ltd.",
        industry="textiles",
        region="Zhejiang",
        registered_capital="30000000.00",
        business_scope="dyed and printed fabrics",
        legal_representative="Shen Gang",
        established_on=date(2004, 4, 8),
        contacts=[
            ("Shen Gang", "legal representative", "+86 135 4000 0001", ""),
            ("Fang Yu", "finance", "+86 135 4000 0002", "fang.yu@jinsha.example.cn"),
        ],
        statements=[
            _statement("2024", 15000, 70, 9000, 120, 200, 105, 5200, 400, 620),
            _statement("2025", 14500, 83, 6900, -880, -650, 88, 6100, 120, 700),
        ],
        history=[PastLoan("JS-2018-11", "25000000.00", date(2018, 11, 1), date(2021, 11, 1), 3, 120, "repaid")],
        loan_id="JS-2023-06",
        principal="40000000.00",
        outstanding="38000000.00",
        overdue_amount="9500000.00",
        overdue_since=date(2026, 5, 30),
        expected_tier="high",
        story="unsold stock, heavy debt, large overdue amount; inventory can secure instalments",
    ),
    DemoEnterprise(
        key="restaurant",
        credit_code=_code(5),
        name="Chengdu Weixiang Catering Chain Co., Ltd.",
        industry="catering",
        region="Sichuan",
        registered_capital="8000000.00",
        business_scope="restaurant chain (12 stores)",
        legal_representative="Luo Fang",
        established_on=date(2014, 10, 1),
        contacts=[("Luo Fang", "legal representative", "+86 133 5000 0001", "luo.fang@weixiang.example.cn")],
        statements=[
            _statement("2024", 6000, 52, 9000, 300, 450, 120, 150, 600, 120),
            _statement("2025", 7800, 66, 10400, 60, 40, 85, 180, 160, 260),
        ],
        history=[PastLoan("WX-2021-03", "4000000.00", date(2021, 3, 1), date(2024, 3, 1), 1, 20, "repaid")],
        loan_id="WX-2025-02",
        principal="12000000.00",
        outstanding="10500000.00",
        overdue_amount="1800000.00",
        overdue_since=date(2026, 8, 31),
        expected_tier="medium",
        story="over-expanded and cash-strapped; repay by each store's revenue",
    ),
    DemoEnterprise(
        key="construction",
        credit_code=_code(6),
        name="Hubei Jianye Construction Engineering Co., Ltd.",
        industry="construction",
        region="Hubei",
        registered_capital="60000000.00",
        business_scope="civil engineering",
        legal_representative="Tan Jun",
        established_on=date(2009, 2, 20),
        contacts=[("Tan Jun", "legal representative", "+86 132 6000 0001", "tan.jun@jianye.example.cn")],
        statements=[
            _statement("2024", 20000, 60, 15000, 600, 300, 115, 900, 1200, 500),
            _statement("2025", 21000, 64, 14200, 420, -300, 108, 1000, 700, 560),
        ],
        history=[PastLoan("JY-2020-06", "18000000.00", date(2020, 6, 1), date(2023, 6, 1), 1, 35, "repaid")],
        loan_id="JY-2024-09",
        principal="25000000.00",
        outstanding="22000000.00",
        overdue_amount="3000000.00",
        overdue_since=date(2026, 9, 5),
        expected_tier="medium",
        story="paid on project completion: repay in rising shares at milestones",
    ),
    DemoEnterprise(
        key="trading",
        credit_code=_code(7),
        name="Guangzhou Haina Trading Co., Ltd.",
        industry="trading",
        region="Guangdong",
        registered_capital="5000000.00",
        business_scope="import and export of consumer goods",
        legal_representative="Liang Wen",
        established_on=date(2015, 7, 7),
        contacts=[("Liang Wen", "legal representative", "+86 131 7000 0001", "liang.wen@haina.example.cn")],
        statements=[
            _statement("2024", 3000, 50, 8000, 210, 260, 135, 700, 500, 60),
            _statement("2025", 3200, 53, 8300, 190, -150, 120, 800, 260, 66),
        ],
        history=[PastLoan("HN-2022-04", "3000000.00", date(2022, 4, 1), date(2024, 4, 1), 0, 0, "repaid")],
        loan_id="HN-2025-05",
        principal="6000000.00",
        outstanding="5200000.00",
        overdue_amount="600000.00",
        overdue_since=date(2026, 10, 1),
        expected_tier="medium",
        story="cash flow swings with the seasons: pay more in peak season",
    ),
]

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
                credit_code=_code(1000 + n),
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
                    _statement(
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
                    _statement(
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
