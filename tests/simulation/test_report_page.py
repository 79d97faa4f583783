"""The report's document and its two renderings (text, HTML page), and what the channel chart shows, without a
store: a report built by hand."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from projections.html_page import FONTS
from simulation.charts import chart_images, mix_periods, used_channels
from simulation.document import Chart, Document, Section, Table, text_lines
from simulation.present import document, lines
from simulation.report import Report
from simulation.report_page import page


def a_report(learned: bool) -> Report:
    report = Report(start=date(2026, 6, 5), end=date(2026, 12, 6), events=10)
    report.tiers = Counter(high=1, medium=1, low=1)
    report.monthly_balance = {
        "start": {"high": 300_000_000, "medium": 200_000_000, "low": 100_000_000},
        "2026-11-04": {"high": 250_000_000, "medium": 150_000_000, "low": 50_000_000},
        "end 2026-12-06": {"high": 240_000_000, "medium": 140_000_000, "low": 0},
    }
    report.mix["before"] = {"high": Counter(phone=6, visit=3, letter=1), "low": Counter(sms=2, email=2)}
    if learned:
        report.mix["after"] = {"high": Counter(phone=2, visit=2)}
    return report


def test_the_channel_chart_shows_only_the_channels_used_and_the_periods_that_had_contacts() -> None:
    assert used_channels(a_report(False)) == ["phone", "sms", "email", "visit", "letter"]  # never website
    assert mix_periods(a_report(False)) == ["before"]
    assert mix_periods(a_report(True)) == ["before", "after"]
    for png in chart_images(a_report(True)).values():
        assert png.startswith(b"\x89PNG")


def test_the_page_has_headings_tables_with_figures_aligned_right_and_the_charts_inline() -> None:
    report = a_report(True)
    html = page(document(report, [("manufacturer", "high (score 96); paid 3.52m; still open")]), chart_images(report))
    assert html.startswith("<!doctype html>") and "name='viewport' content='width=device-width" in html
    # the portfolio, month by month, by first tier, the seven judgement sections (no champion/challenger: this
    # report split no tier), learning and the seed's firms
    assert "<h1>Portfolio report</h1>" in html and html.count("<h2 ") == 12
    assert "<h2 id='s4'>balance bridge (yuan)</h2>" in html and "<h2 id='s12'>The seed&#x27;s firms</h2>" in html
    assert html.count("src='data:image/png;base64,") == 2 and "http" not in html.split("<body>")[0]
    assert "<td class='num'>3.0m</td>" in html  # the opening balance of the high tier, a figure
    assert "<div class='table-wrap'><table>" in html and "@media print" in html
    assert "Noto Sans CJK SC" in FONTS and "Microsoft YaHei" in FONTS and FONTS in html
    assert "罚息" in html


def test_the_text_and_the_page_read_the_same_document() -> None:
    doc = Document(
        "Portfolio report",
        "a to b",
        (Section("Tiers", ("one line", Table(("tier", "cases"), (("high", "12"), ("low", "3")), "by tier"))),),
    )
    table = ["by tier:", "  tier  cases", "  high     12", "  low       3"]
    assert text_lines(doc) == ["portfolio report: a to b", "one line", *table]
    assert "<caption>by tier</caption>" in page(doc, {}) and "<p>one line</p>" in page(doc, {})
    assert lines(a_report(False))[0] == "portfolio report: 2026-06-05 to 2026-12-06 (10 events)"


def test_a_chart_without_its_image_is_refused() -> None:
    doc = Document("Report", "-", (Section("Charts", (Chart("missing", "a chart"),)),))
    with pytest.raises(ValueError, match="no image for the chart"):
        page(doc, {})
