"""The report's charts as PNG (matplotlib, Agg): the overdue balance by tier at each month end, and the channel
mix by tier before and after learning. Each is named; the report's document places them by name."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from simulation.report import TIERS, Report

#: every contact channel, in the order the charts stack them
CHANNELS = ("phone", "sms", "email", "website", "visit", "letter")
TIER_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#27ae60"}
CHANNEL_COLOURS = {
    "phone": "#1f77b4",
    "sms": "#ff7f0e",
    "email": "#2ca02c",
    "website": "#9467bd",
    "visit": "#8c564b",
    "letter": "#7f7f7f",
}
#: a share smaller than this gets no label inside its bar segment (it would not fit)
SMALLEST_LABELLED = 0.05


def balance_chart(report: Report) -> bytes:
    """Overdue balance by first tier when the cases opened, at each month end and at the end (stacked bars,
    the total above each bar), PNG."""
    plt = _pyplot()
    labels = [month_label(m) for m in report.monthly_balance]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bottom = [0.0] * len(labels)
    for tier in TIERS:
        values = [b[tier] / 100_000_000 for b in report.monthly_balance.values()]
        ax.bar(labels, values, bottom=bottom, label=tier, color=TIER_COLOURS[tier])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        ax.annotate(
            f"{total:,.0f}", (x, total), ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points"
        )
    ax.set_ylim(0, max(bottom or [1]) * 1.1)
    ax.set_title("Overdue balance by tier at the first assessment")
    ax.set_ylabel("million yuan")
    _legend(ax, "first tier")
    fig.autofmt_xdate()
    return _png(fig, plt)


def month_label(key: str) -> str:
    """``start`` → "opened", a month end's date as is, ``end 2026-12-06`` → "2026-12-06 (end)"."""
    if key == "start":
        return "opened"
    return f"{key.removeprefix('end ')} (end)" if key.startswith("end ") else key


def mix_periods(report: Report) -> list[str]:
    """The periods with outbound contacts (before learning, and after it when the policy learned)."""
    return [p for p in ("before", "after") if any(sum(c.values()) for c in report.mix[p].values())]


def used_channels(report: Report) -> list[str]:
    """The channels some outbound contact used, in the charts' order."""
    used = {c for by_tier in report.mix.values() for counts in by_tier.values() for c, n in counts.items() if n}
    return [c for c in CHANNELS if c in used]


def mix_chart(report: Report) -> bytes:
    """Channel mix of outbound contacts per tier at the time, before and after learning (100% stacked bars,
    each share labelled), PNG. Only the channels used appear; the legend stands beside the bars."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    periods = mix_periods(report)
    bars = [(t, p) for t in TIERS for p in periods]
    labels = [f"{t}\n{p}" if len(periods) > 1 else t for t, p in bars]
    shares: list[dict[str, float]] = []
    for tier, period in bars:
        counts: Counter[str] = report.mix[period].get(tier, Counter())
        total = sum(counts.values()) or 1
        shares.append({c: counts.get(c, 0) / total for c in CHANNELS})
    bottom = [0.0] * len(bars)
    for channel in used_channels(report):
        values = [s[channel] for s in shares]
        drawn = ax.bar(labels, values, bottom=bottom, label=channel, color=CHANNEL_COLOURS[channel])
        ax.bar_label(
            drawn,
            labels=[f"{v:.0%}" if v >= SMALLEST_LABELLED else "" for v in values],
            label_type="center",
            fontsize=8,
            color="white",
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_title(
        "Channel mix of outbound contacts by tier" + (", before and after learning" if len(periods) > 1 else "")
    )
    ax.set_ylabel("share of outbound contacts")
    _legend(ax, "channel")
    return _png(fig, plt)


#: the charts by name (the file is ``<name>.png``)
CHARTS: dict[str, Callable[[Report], bytes]] = {
    "overdue_balance_by_tier": balance_chart,
    "channel_mix": mix_chart,
}


def chart_images(report: Report) -> dict[str, bytes]:
    """Every chart, as PNG, by name."""
    return {name: draw(report) for name, draw in CHARTS.items()}


def write_charts(report: Report, folder: Path) -> list[Path]:
    """Every chart as a PNG file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, png in chart_images(report).items():
        path = folder / f"{name}.png"
        path.write_bytes(png)
        paths.append(path)
    return paths


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _legend(ax: Any, title: str) -> None:
    """The legend beside the bars (never over one), top to bottom as the segments stack."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], title=title, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)


def _png(fig: Any, plt: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
