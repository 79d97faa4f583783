"""The report's judgement sections as structured data (title, columns, rows, notes), so a terminal, an HTML page or
a chart can show them: the balance bridge (adding up to the fen), arrears and 2023 categories at start and end,
tiers at the first assessment, at the end and month by month, legal actions by first tier, tier moves by rule,
compliance as the compliance report counts it, and champion/challenger with its interval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simulation.bridge import LINES
from simulation.report import CATEGORIES, TIERS, Report


@dataclass(frozen=True)
class Section:
    """One titled table of the report."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "notes": self.notes,
        }


def money(fen: int) -> str:
    """Fen as yuan with thousands separators, exact to the fen (no floats)."""
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def bridge_section(report: Report) -> Section:
    """Opening to closing overdue balance, line by line, and whether it adds up."""
    bridge = report.bridge
    rows = [(label, ("+" if sign > 0 else "-") + money(bridge.lines[key])) for key, label, sign in LINES]
    rows += [
        ("closing, computed from the lines", money(bridge.computed_closing)),
        ("closing, outstanding of the open cases", money(bridge.closing)),
    ]
    verdict = (
        "adds up to the fen"
        if bridge.adds_up
        else f"DOES NOT add up: {money(bridge.computed_closing - bridge.closing)}"
    )
    notes = [verdict, f"memo: {money(bridge.collected_outside)} received on cases after they left the book"]
    return Section("balance bridge (yuan)", ("line", "amount"), rows, notes)


def position_section(report: Report) -> Section:
    """Arrears of the open cases and debtors by 2023 category, at the start and at the end."""
    rows = [("arrears of open cases (yuan)", money(report.arrears_start), money(report.arrears_end))]
    rows += [
        (f"debtors {c}", str(report.classes_start.get(c, 0)), str(report.classes_end.get(c, 0))) for c in CATEGORIES
    ]
    return Section("arrears and 2023 categories", ("", "start", "end"), rows)


def tier_sections(report: Report) -> list[Section]:
    """Tiers at the first assessment and at the end; open cases by tier month by month; legal by first tier."""
    at_end = report.tiers_now
    first = Section(
        "tiers: first assessment -> end",
        ("tier", "first assessment", "end (open cases)"),
        [(t, str(report.tiers.get(t, 0)), str(at_end.get(t, 0))) for t in TIERS]
        + [("resolved", "", str(at_end.get("resolved", 0)))],
    )
    monthly = Section(
        "open cases by tier, month end",
        ("month", *TIERS),
        [(label, *(str(c.get(t, 0)) for t in TIERS)) for label, c in report.bridge.tiers_monthly.items()],
    )
    legal = Section(
        "legal actions by first tier",
        ("first tier", "cases", "legal actions", "by tier at the action"),
        [
            (
                t,
                str(report.tiers.get(t, 0)),
                str(report.bridge.legal_by_first_tier.get(t, 0)),
                str(report.bridge.legal_by_tier_at_action.get(t, 0)),
            )
            for t in TIERS
        ],
    )
    moves = Section(
        "tier moves by rule",
        ("direction", "rule", "moves"),
        [(d, rule, str(n)) for (d, rule), n in sorted(report.bridge.moves.items())],
    )
    return [first, monthly, legal, moves]


def compliance_section(report: Report) -> Section:
    """Compliance counted as the compliance report counts it."""
    c = report.compliance
    keys = ("required", "met", "late", "missing", "open", "superseded", "cancelled")
    rows = [(f"required contacts: {k}" if k != "required" else "required contacts", str(c.get(k, 0))) for k in keys]
    rows += [
        ("contacts recorded with breached rules", str(c.get("contact_breaches", 0))),
        ("service breaches (the bank's own deadline passed)", str(c.get("service_breaches", 0))),
        ("supervisor overrides", str(c.get("overrides", 0))),
    ]
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.bridge.service_breaches.items())) or "none"
    return Section(
        "compliance (as the compliance report counts it)", ("", "count"), rows, [f"service breaches by kind: {kinds}"]
    )


def champion_section(report: Report) -> Section | None:
    """Champion/challenger with the 95% interval of the difference; "no difference" when it includes zero."""
    cc = report.champion_challenger
    if not (cc.get("champion") and cc.get("challenger")):
        return None
    rows = [
        (name, str(cc[name]["cases"]), str(cc[name]["cured"]), f"{cc[name]['cure_rate']:.1%}")
        for name in ("champion", "challenger")
    ]
    low, high = cc.get("ci95", (0.0, 0.0))
    difference = cc.get("difference", 0.0)
    verdict = "no difference" if low <= 0 <= high else ("challenger better" if low > 0 else "champion better")
    note = f"difference {difference:+.1%}, 95% CI [{low:+.1%}, {high:+.1%}]: {verdict}"
    return Section(f"champion/challenger ({cc['tier']} tier)", ("group", "cases", "cured", "cure rate"), rows, [note])


def sections(report: Report) -> list[Section]:
    """Every judgement section, in reading order."""
    out = [bridge_section(report), position_section(report), *tier_sections(report), compliance_section(report)]
    champion = champion_section(report)
    return out + ([champion] if champion is not None else [])
