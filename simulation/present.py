"""The report as a document (``simulation.document``): what the terminal prints and the HTML page shows, from one
place. Charts are drawn by ``simulation.charts``; the page by ``simulation.report_page``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulation.charts import CHANNELS, mix_periods, month_label
from simulation.document import Chart, Document, Section, Table, text_lines
from simulation.report import CATEGORIES, TIERS, Report
from simulation.report_sections import sections as judgement_sections

#: the by-tier table's counters, with their column headings
TIER_COLUMNS = (
    ("promises", "promises"),
    ("kept", "kept"),
    ("broken", "broken"),
    ("plans", "plans"),
    ("agreements", "signed"),
    ("defaulted", "defaulted"),
    ("escalations", "escalated"),
    ("letters", "letters"),
    ("legal", "legal"),
    ("cured", "cured"),
)


def yuan(fen: int) -> str:
    """Fen as millions of yuan, one decimal."""
    return f"{fen / 100_000_000:,.1f}m"


def lines(report: Report, stories: list[tuple[str, str]] | None = None) -> list[str]:
    """The report, line by line (the terminal's form)."""
    return text_lines(document(report, stories))


def document(report: Report, stories: list[tuple[str, str]] | None = None) -> Document:
    """The report's sections: the portfolio, its balance month by month, the tiers, compliance, learning and, when
    given, the seed's firms (name, story)."""
    sections = [portfolio(report), monthly(report), by_tier(report), *judgement(report), learning(report)]
    if stories:
        sections.append(
            Section(
                "The seed's firms", (Table(("firm", "what became of it"), tuple(stories), caption="the seed's firms"),)
            )
        )
    return Document("Portfolio report", f"{report.start} to {report.end} ({report.events} events)", tuple(sections))


def portfolio(report: Report) -> Section:
    """Tiers, balance, arrears, resolutions, penalty interest and the debtors' categories."""
    categories = Table(
        ("category (2023 rules)", "first classification", "end"),
        tuple((c, str(report.classes_start.get(c, 0)), str(report.classes_end.get(c, 0))) for c in CATEGORIES),
        caption="debtors by 2023 category",
    )
    return Section(
        "The portfolio",
        (
            "tiers (scorecard at the first assessment): "
            + ", ".join(f"{report.tiers[t]} {t}" for t in TIERS)
            + f"; at the end: {', '.join(f'{n} {k}' for k, n in sorted(report.tiers_now.items()))}",
            f"overdue balance (outstanding of open cases): {yuan(report.balance_start)} -> {yuan(report.balance_end)} "
            f"({report.change:+.1%})",
            f"arrears (overdue amounts of open cases): {yuan(report.arrears_start)} -> {yuan(report.arrears_end)}",
            "resolved: " + (", ".join(f"{n} {k}" for k, n in sorted(report.resolutions.items())) or "none"),
            f"penalty interest (罚息) recorded by the scheduler's ledger reviews: {yuan(report.penalty)}",
            categories,
        ),
    )


def monthly(report: Report) -> Section:
    """The overdue balance by first tier when the cases opened, at each month end and at the end."""
    rows = tuple(
        (month_label(month), *(yuan(balance[t]) for t in TIERS), yuan(sum(balance.values())))
        for month, balance in report.monthly_balance.items()
    )
    return Section(
        "Overdue balance month by month",
        (
            Chart("overdue_balance_by_tier", "Overdue balance by tier at the first assessment, at each month end"),
            Table(("month end", *TIERS, "total"), rows, caption="overdue balance by first tier (million yuan)"),
        ),
    )


def by_tier(report: Report) -> Section:
    """What happened to the cases of each first tier."""
    rows = []
    for tier in TIERS:
        c: Counter[str] = report.by_tier.get(tier, Counter())
        counts = (str(c.get(key, 0)) for key, _ in TIER_COLUMNS)
        rows.append((f"{tier} ({report.tiers[tier]})", yuan(c.get("recovered", 0)), *counts))
    columns = ("by first tier", "recovered", *(heading for _, heading in TIER_COLUMNS))
    return Section("By first tier", (Table(columns, tuple(rows)),))


def judgement(report: Report) -> list[Section]:
    """The judgement sections (``simulation.report_sections``): the balance bridge, arrears and categories, tiers by
    month, legal actions by first tier, tier moves by rule, compliance as the compliance report counts it,
    champion/challenger with its interval; each a table and its notes."""
    return [
        Section(part.title, (Table(part.columns, tuple(tuple(row) for row in part.rows)), *part.notes))
        for part in judgement_sections(report)
    ]


def learning(report: Report) -> Section:
    """The policy versions, the channel mix before and after learning, validation."""
    blocks: list[Any] = [
        f"learning: policy published {report.learned_on or 'never'}; versions: "
        + "; ".join(f"v{v} {on} ({note})" for v, on, note in report.policy_versions)
    ]
    periods = mix_periods(report)
    if periods:
        rows = tuple((tier, *(mix_text(report.mix[p].get(tier, Counter())) for p in periods)) for tier in TIERS)
        blocks.append(
            Table(
                ("tier at the time", *(f"{p} learning" for p in periods)),
                rows,
                caption="channel mix of outbound contacts by tier at the time",
            )
        )
        learned = ", before and after learning" if len(periods) > 1 else ""
        blocks.append(Chart("channel_mix", f"Channel mix of outbound contacts by tier at the time{learned}"))
    for model, v in report.validation.items():
        blocks.append(
            f"validation {model}: KS {v['ks']:.3f}, Gini {v['gini']:.3f} (score vs cured within 90 days; "
            f"{int(v['cured'])} of {int(v['cases'])} cured)"
        )
    return Section("Learning", tuple(blocks))


def mix_text(counts: Any) -> str:
    """Each channel's share of the contacts, in the charts' order ("-" for none)."""
    total = sum(counts.values())
    if not total:
        return "-"
    return " ".join(f"{c} {counts[c] / total:.0%}" for c in CHANNELS if counts.get(c))
