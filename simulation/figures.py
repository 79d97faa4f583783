"""The report's figures as the API serves them (JSON: money as decimal strings, rates as numbers)."""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from infrastructure.event_store import EventStore
from projections.base import fen_text
from simulation.report import CATEGORIES, TIERS, Report, build_report
from simulation.report_sections import sections

COUNTS = (
    "contacts",
    "letters",
    "promises",
    "kept",
    "broken",
    "plans",
    "agreements",
    "defaulted",
    "completed",
    "escalations",
    "legal",
    "resolved",
    "cured",
)


class TierFigures(BaseModel):
    """What happened to the cases of one tier (the tier of their first assessment)."""

    cases: int = Field(description="cases the model put in this tier at their first assessment")
    recovered: str = Field(description="money received (yuan)")
    counts: dict[str, int] = Field(description="contacts, letters, promises, kept, broken, plans, agreements, ...")


class CaseStudyFigures(BaseModel):
    """The portfolio report of ``arrears demo`` / ``arrears report``, from the event log."""

    period_start: str | None = Field(description="the first assessment's day")
    period_end: str | None = Field(description="the last event's day")
    events: int = Field(description="events in the log")
    tiers_at_first_assessment: dict[str, int] = Field(description="cases per tier the model gave first")
    tiers_now: dict[str, int] = Field(description="open cases per tier now, and the resolved ones")
    overdue_balance_start: str = Field(description="outstanding of the cases when opened (yuan)")
    overdue_balance_end: str = Field(description="outstanding of the open cases now (yuan)")
    overdue_balance_change: float = Field(description="relative change, e.g. -0.3 for a 30% fall")
    arrears_start: str = Field(description="overdue amounts when opened (yuan)")
    arrears_end: str = Field(description="overdue amounts of the open cases now (yuan)")
    penalty_accrued: str = Field(description="penalty interest (罚息) the scheduler's ledger reviews recorded (yuan)")
    debtor_categories_start: dict[str, int] = Field(
        description="debtors per 2023 category (normal ... loss) at their first classification"
    )
    debtor_categories_end: dict[str, int] = Field(description="debtors per 2023 category at the end")
    log_position: int = Field(0, description="the log's last notification id the figures were computed to")
    by_tier: dict[str, TierFigures] = Field(description="per tier of the first assessment")
    resolutions: dict[str, int] = Field(description="resolved cases per resolution")
    contacts_breaching: int = Field(description="contacts recorded with breached contact-policy rules")
    breaches: dict[str, int] = Field(description="breaches per rule id")
    learned_on: str | None = Field(description="when the learned policy was published (none: never)")
    channel_mix: dict[str, dict[str, dict[str, int]]] = Field(
        description="outbound contacts per period (before, after learning), tier at the time, channel"
    )
    monthly_balance: dict[str, dict[str, str]] = Field(description="overdue balance per month end, per first tier")
    champion_challenger: dict[str, Any] = Field(description="cure rates of the two halves and the 95% CI")
    validation: dict[str, dict[str, float]] = Field(description="KS and Gini per scorecard version")
    sections: list[dict[str, Any]] = Field(
        default_factory=list,
        description="the judgement sections as tables (title, columns, rows, notes): the balance bridge adding up to"
        " the fen, arrears and categories, tiers month by month, legal actions by first tier, tier moves by rule,"
        " compliance as the compliance report counts it, champion/challenger with its verdict",
    )


def figures(report: Report) -> CaseStudyFigures:
    """The report as the API's JSON."""
    return CaseStudyFigures(
        period_start=report.start.isoformat() if report.start else None,
        period_end=report.end.isoformat() if report.end else None,
        events=report.events,
        tiers_at_first_assessment={t: report.tiers.get(t, 0) for t in TIERS},
        tiers_now=dict(report.tiers_now),
        overdue_balance_start=fen_text(report.balance_start) or "0.00",
        overdue_balance_end=fen_text(report.balance_end) or "0.00",
        overdue_balance_change=round(report.change, 4),
        arrears_start=fen_text(report.arrears_start) or "0.00",
        arrears_end=fen_text(report.arrears_end) or "0.00",
        penalty_accrued=fen_text(report.penalty) or "0.00",
        debtor_categories_start={c: report.classes_start.get(c, 0) for c in CATEGORIES},
        debtor_categories_end={c: report.classes_end.get(c, 0) for c in CATEGORIES},
        log_position=report.position,
        by_tier={
            t: TierFigures(
                cases=report.tiers.get(t, 0),
                recovered=fen_text(report.by_tier.get(t, Counter()).get("recovered", 0)) or "0.00",
                counts={name: report.by_tier.get(t, Counter()).get(name, 0) for name in COUNTS},
            )
            for t in TIERS
        },
        resolutions=dict(report.resolutions),
        contacts_breaching=report.contacts_breaching,
        breaches=dict(report.breaches),
        learned_on=report.learned_on.isoformat() if report.learned_on else None,
        channel_mix={p: {t: dict(c) for t, c in by.items()} for p, by in report.mix.items()},
        monthly_balance={
            m: {t: fen_text(v) or "0.00" for t, v in b.items()} for m, b in report.monthly_balance.items()
        },
        champion_challenger=report.champion_challenger,
        validation=report.validation,
        sections=[section.as_dict() for section in sections(report)],
    )


class CaseStudyCache:
    """The last figures computed, keyed by the store and the log's position (its last notification id): the
    same position gives the same figures (the log only grows), so a repeated request is answered at once and
    any new event makes the next request recompute them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[weakref.ref[EventStore], int] | None = None
        self._figures: CaseStudyFigures | None = None

    def get(self, store: EventStore) -> CaseStudyFigures:
        position = store.recorder.max_notification_id() or 0
        with self._lock:
            if self._key is not None and self._key[0]() is store and self._key[1] == position:
                assert self._figures is not None
                return self._figures
            result = figures(build_report(store, upto=position))
            self._key, self._figures = (weakref.ref(store), position), result
            return result


#: the API's cache (one per process)
CASE_STUDY_CACHE = CaseStudyCache()
