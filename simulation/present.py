"""The report as text (the terminal), as PNG charts (matplotlib, Agg) and as one self-contained HTML page."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path
from typing import Any

from simulation.report import CATEGORIES, TIERS, Report
from simulation.report_sections import section_lines, sections

CHANNELS = ("phone", "sms", "email", "website", "visit", "letter")


def yuan(fen: int) -> str:
    """Fen as millions of yuan, one decimal."""
    return f"{fen / 100_000_000:,.1f}m"


def lines(report: Report) -> list[str]:
    """The report, line by line."""
    out = [
        f"portfolio report: {report.start} to {report.end} ({report.events} events)",
        "tiers (scorecard at the first assessment): "
        + ", ".join(f"{report.tiers[t]} {t}" for t in TIERS)
        + f"; at the end: {', '.join(f'{n} {k}' for k, n in sorted(report.tiers_now.items()))}",
        f"overdue balance (outstanding of open cases): {yuan(report.balance_start)} -> {yuan(report.balance_end)} "
        f"({report.change:+.1%})",
        f"arrears (overdue amounts of open cases): {yuan(report.arrears_start)} -> {yuan(report.arrears_end)}",
        "resolved: " + (", ".join(f"{n} {k}" for k, n in sorted(report.resolutions.items())) or "none"),
        f"penalty interest (罚息) recorded by the scheduler's ledger reviews: {yuan(report.penalty)}",
        f"debtors by 2023 category (first classification -> end): {classes_text(report.classes_start)} -> "
        f"{classes_text(report.classes_end)}",
        "",
        f"{'by first tier':<16}{'recovered':>12}{'promises':>9}{'kept':>6}{'broken':>7}{'plans':>6}"
        f"{'signed':>7}{'defaulted':>10}{'escalated':>10}{'letters':>8}{'legal':>6}{'cured':>6}",
    ]
    for tier in TIERS:
        c: Counter[str] = report.by_tier.get(tier, Counter())
        out.append(
            f"{tier + ' (' + str(report.tiers[tier]) + ')':<16}{yuan(c.get('recovered', 0)):>12}"
            f"{c.get('promises', 0):>9}{c.get('kept', 0):>6}{c.get('broken', 0):>7}{c.get('plans', 0):>6}"
            f"{c.get('agreements', 0):>7}{c.get('defaulted', 0):>10}{c.get('escalations', 0):>10}"
            f"{c.get('letters', 0):>8}{c.get('legal', 0):>6}{c.get('cured', 0):>6}"
        )
    out.append("")
    out.append(
        f"learning: policy published {report.learned_on or 'never'}; versions: "
        + "; ".join(f"v{v} {on} ({note})" for v, on, note in report.policy_versions)
    )
    out.append("channel mix of outbound contacts by tier at the time (before -> after learning):")
    for tier in TIERS:
        before, after = (report.mix[p].get(tier, Counter()) for p in ("before", "after"))
        out.append(f"  {tier:<7} {mix_text(before)}  ->  {mix_text(after)}")
    for model, v in report.validation.items():
        out.append(
            f"validation {model}: KS {v['ks']:.3f}, Gini {v['gini']:.3f} (score vs cured within 90 days; "
            f"{int(v['cured'])} of {int(v['cases'])} cured)"
        )
    return out + section_lines(sections(report))  # bridge, tiers, legal, moves, compliance, champion/challenger


def classes_text(counts: Counter[str]) -> str:
    """Debtors per category, best to worst (the five of the 2023 rules)."""
    return ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORIES)


def mix_text(counts: Any) -> str:
    total = sum(counts.values())
    if not total:
        return "-"
    return " ".join(f"{c} {counts[c] / total:.0%}" for c in CHANNELS if counts.get(c))


def balance_chart(report: Report) -> bytes:
    """Overdue balance by first tier at each month end (stacked bars), PNG."""
    plt = _pyplot()
    labels = list(report.monthly_balance)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bottom = [0.0] * len(labels)
    for tier, colour in zip(TIERS, ("#c0392b", "#e67e22", "#27ae60"), strict=True):
        values = [report.monthly_balance[m][tier] / 100_000_000 for m in labels]
        ax.bar(labels, values, bottom=bottom, label=tier, color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Overdue balance by tier at the first assessment, month end")
    ax.set_ylabel("million yuan")
    ax.legend()
    fig.autofmt_xdate()
    return _png(fig, plt)


def mix_chart(report: Report) -> bytes:
    """Channel mix of outbound contacts per tier, before and after learning (100% stacked bars), PNG."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [f"{t}\n{p}" for t in TIERS for p in ("before", "after")]
    shares = []
    for tier in TIERS:
        for period in ("before", "after"):
            counts: Counter[str] = report.mix[period].get(tier, Counter())
            total = sum(counts.values()) or 1
            shares.append([counts.get(c, 0) / total for c in CHANNELS])
    bottom = [0.0] * len(labels)
    for index, channel in enumerate(CHANNELS):
        values = [s[index] for s in shares]
        ax.bar(labels, values, bottom=bottom, label=channel)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Channel mix by tier, before and after learning")
    ax.set_ylabel("share of outbound contacts")
    ax.legend(fontsize=8, loc="upper right")
    return _png(fig, plt)


def write_charts(report: Report, folder: Path) -> list[Path]:
    """Both charts as PNG files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "overdue_balance_by_tier.png", folder / "channel_mix.png"]
    paths[0].write_bytes(balance_chart(report))
    paths[1].write_bytes(mix_chart(report))
    return paths


def page(report: Report, stories: list[str] | None = None) -> str:
    """One self-contained HTML page: the report's text and both charts embedded (base64)."""
    images = "".join(
        f'<img alt="{alt}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for alt, png in (("overdue balance by tier", balance_chart(report)), ("channel mix", mix_chart(report)))
    )
    text = html.escape("\n".join(lines(report) + (stories or [])))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>arrears: portfolio report</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{font-size:13px}"
        "img{max-width:100%;display:block;margin:1em 0}</style></head><body>"
        f"<h1>Portfolio report</h1><pre>{text}</pre>{images}</body></html>"
    )


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any, plt: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
