"""The portfolio report, computed from the event log alone (one pass, in log order): it can be printed after
a run, rebuilt any time later (``arrears report``) and served by the API.

"Overdue balance" is, as in the portfolio view, the outstanding balance of the loans whose cases are open
(逾期贷款余额): a case leaves it when it is resolved, and payments lower it. "By tier" is by the tier the model
gave at the first assessment, unless said otherwise.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    ContactEvent,
    Escalated,
    LegalActionStarted,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RepaymentPlanProposed,
    RiskAssessed,
    StrategyAssigned,
)
from domain.case.ledger_events import LoanScheduleRecorded, PenaltyAccrued
from domain.case.ledger_fold import day_of, entry_of, figures_day
from domain.enterprise.events import DebtorClassified
from domain.loan_ledger import LedgerEntry, LoanDue, LoanTerms, legacy_dues, position
from domain.risk import RiskFeatures, score
from domain.rules import DEFAULT_TIMEZONE
from domain.strategy import PolicyPublished, default_terms
from infrastructure.event_store import EventStore
from infrastructure.log_reader import read_log
from infrastructure.transcoding import PydanticMapper
from projections.base import utc_text
from projections.decoding import envelopes
from simulation.bridge import Bridge, BridgeFold, ComplianceFold

TIERS = ("high", "medium", "low")
#: the 2023 rules' five categories, best to worst
CATEGORIES = ("normal", "special_mention", "substandard", "doubtful", "loss")
CURED = {"paid_in_full", "restructured", "cured"}
VALIDATION_DAYS = 90
#: a month end this close to the report's end gets no bar of its own, the end's stands for it: the months count from
#: the first assessment, the eve of the first simulated day, so the last month end fell a day or two before the end
#: and, nothing worked between (a weekend), its bar repeated the end's
LAST_MONTH_MARGIN_DAYS = 7
#: events counted one each per first tier, and the counter each goes to
COUNTED: dict[type, str] = {
    PromiseToPayMade: "promises",
    PromiseKept: "kept",
    PromiseBroken: "broken",
    RepaymentPlanProposed: "plans",
    AgreementSigned: "agreements",
    AgreementDefaulted: "defaulted",
    AgreementCompleted: "completed",
    LegalActionStarted: "legal",
}


@dataclass
class CaseTrack:
    """What the report follows of one case."""

    opened: date
    outstanding: int
    overdue: int
    enterprise_id: Any = None
    outstanding0: int = 0
    overdue0: int = 0
    #: the loan's dues, terms and the acts on its ledger, to read its arrears as of a day (the one position function)
    dues: list[LoanDue] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)
    terms: LoanTerms | None = None
    timezone: str = DEFAULT_TIMEZONE
    tier0: str = "unrated"
    tier: str = "unrated"
    policy_version: int = 0
    open: bool = True
    assessed_on: date | None = None
    score_v2: int | None = None
    score_v1: int | None = None
    cured_on: date | None = None
    resolution: str = ""
    version_at_learning: int | None = None
    open_at_learning: bool = False
    tier_at_learning: str = ""
    recovered_after_learning: int = 0
    overdue_at_learning: int = 0


@dataclass
class Report:
    """Every figure of the report (money in fen)."""

    start: date | None = None
    end: date | None = None
    learned_on: date | None = None
    policy_versions: list[tuple[int, str, str]] = field(default_factory=list)
    tiers: Counter[str] = field(default_factory=Counter)
    tiers_now: Counter[str] = field(default_factory=Counter)
    balance_start: int = 0
    balance_end: int = 0
    arrears_start: int = 0
    arrears_end: int = 0
    #: penalty interest recorded by the scheduler (fen)
    penalty: int = 0
    #: debtors by their 2023 category: at their first classification, and at the end
    classes_start: Counter[str] = field(default_factory=Counter)
    classes_end: Counter[str] = field(default_factory=Counter)
    by_tier: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    resolutions: Counter[str] = field(default_factory=Counter)
    breaches: Counter[str] = field(default_factory=Counter)
    contacts_breaching: int = 0
    mix: dict[str, dict[str, Counter[str]]] = field(default_factory=lambda: {"before": {}, "after": {}})
    monthly_balance: dict[str, dict[str, int]] = field(default_factory=dict)
    champion_challenger: dict[str, Any] = field(default_factory=dict)
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    events: int = 0
    #: the balance bridge, tiers month by month, moves by rule, legal by first tier (simulation/bridge.py)
    bridge: Bridge = field(default_factory=Bridge)
    #: compliance as the compliance report counts it (required contacts by status, breaches, overrides)
    compliance: Counter[str] = field(default_factory=Counter)
    #: the last notification id read (the log's position the report is computed to)
    position: int = 0

    @property
    def change(self) -> float:
        return (self.balance_end - self.balance_start) / self.balance_start if self.balance_start else 0.0


def all_events(store: EventStore, page: int = 5000, upto: int | None = None) -> Iterator[tuple[Any, Any, int]]:
    """Every stored event (up to notification id ``upto``), in log order, typed, with its notification id."""
    start = 0
    while True:
        rows = read_log(store.recorder, start, page, stop=upto)
        if not rows:
            return
        for envelope in envelopes(cast(PydanticMapper, store.mapper), rows):
            yield envelope.originator_id, envelope.typed(), envelope.position
        start = rows[-1][0]
        if upto is not None and start >= upto:
            return


def build_report(store: EventStore, challenger_tier: str = "high", upto: int | None = None) -> Report:
    """The report from the log (see the module's definitions), up to notification id ``upto`` (None: all)."""
    report = Report()
    cases: dict[Any, CaseTrack] = {}
    published: list[tuple[int, datetime, str]] = []
    v1_thresholds = default_terms().risk
    dated: list[tuple[date, Any, Any]] = []
    opened: set[Any] = set()
    debtors: dict[Any, list[str]] = {}
    compliance, bridge = ComplianceFold(), BridgeFold()
    for originator_id, event, notification_id in all_events(store, upto=upto):
        report.events += 1
        report.position = notification_id
        if isinstance(event, PolicyPublished):
            published.append((event.version, event.occurred_at, event.note))
            compliance.fold(originator_id, event)
            continue
        if isinstance(event, DebtorClassified):
            debtors.setdefault(originator_id, []).append(event.category)
            continue
        if isinstance(event, CaseOpened):
            opened.add(originator_id)
        if originator_id in opened:
            dated.append((event.occurred_at.date(), originator_id, event))
            compliance.fold(originator_id, event)
    report.policy_versions = [(v, at.date().isoformat(), note) for v, at, note in published]
    learning = [at for _, at, note in published[1:] if note.startswith("learned")] or [
        at for _, at, _ in published[1:2]
    ]
    learned = learning[0] if learning else None
    report.learned_on = learned.date() if learned else None
    dated.sort(key=lambda x: x[0])  # business time: events recorded in log order, some dated earlier
    months: list[date] = []
    last: datetime | None = None
    for day, case_id, event in dated:
        if report.start is None and isinstance(event, RiskAssessed):
            report.start = day
        while report.start and (not months or day >= _next_month(months[-1])):
            months.append(report.start if not months else _next_month(months[-1]))
            if len(months) > 1:
                _snapshot(report, cases, (months[-1] - timedelta(days=1)).isoformat())
                bridge.snapshot((months[-1] - timedelta(days=1)).isoformat())
        if learned is not None and day >= learned.date() and not any(c.version_at_learning for c in cases.values()):
            for track in cases.values():
                track.version_at_learning = track.policy_version
                track.open_at_learning = track.open
                track.tier_at_learning = track.tier
                track.overdue_at_learning = position(track.dues, track.entries, day, track.terms).overdue_fen
        _fold(report, cases, case_id, event, day, learned, v1_thresholds)
        bridge.fold(case_id, event)
        report.end = max(report.end or day, day)
        last = max(last, event.occurred_at) if last else event.occurred_at
    if report.end:
        end = report.end
        near = [m for m in report.monthly_balance if (end - date.fromisoformat(m)).days < LAST_MONTH_MARGIN_DAYS]
        for month in near:
            del report.monthly_balance[month]
        _snapshot(report, cases, f"end {end.isoformat()}")
        bridge.snapshot(f"end {end.isoformat()}")
    report.bridge = bridge.close()
    report.compliance = compliance.counts(utc_text(last) or "") if last else Counter()
    start = {t: sum(c.outstanding0 for c in cases.values() if c.tier0 == t) for t in TIERS}
    report.monthly_balance = {"start": start, **report.monthly_balance}
    report.balance_start = sum(c.outstanding0 for c in cases.values())
    report.arrears_start = sum(c.overdue0 for c in cases.values())
    report.balance_end = sum(c.outstanding for c in cases.values() if c.open)
    if report.end:
        report.arrears_end = sum(
            position(c.dues, c.entries, report.end, c.terms).overdue_fen for c in cases.values() if c.open
        )
    portfolio = {c.enterprise_id for c in cases.values()}
    report.classes_start = Counter(k[0] for e, k in debtors.items() if e in portfolio)
    report.classes_end = Counter(k[-1] for e, k in debtors.items() if e in portfolio)
    report.tiers = Counter(c.tier0 for c in cases.values())
    report.tiers_now = Counter(c.tier if c.open else "resolved" for c in cases.values())
    report.champion_challenger = champion_challenger(cases, challenger_tier)
    report.validation = validation(cases)
    return report


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, day.day)


def _snapshot(report: Report, cases: dict[Any, CaseTrack], label: str) -> None:
    report.monthly_balance[label] = {
        t: sum(c.outstanding for c in cases.values() if c.open and c.tier0 == t) for t in TIERS
    }


def _fold(
    report: Report, cases: dict[Any, CaseTrack], case_id: Any, event: Any, day: date, learned: datetime | None, v1: Any
) -> None:
    if isinstance(event, CaseOpened):
        dues = list(event.dues) or legacy_dues(event.overdue_amount.fen, event.overdue_since, event.outstanding.fen)
        opened_on = day_of(event, event.timezone)
        outstanding, overdue = position(dues, [], opened_on, event.terms).outstanding_fen, event.overdue_amount.fen
        cases[case_id] = CaseTrack(
            day,
            outstanding,
            overdue,
            outstanding0=outstanding,
            overdue0=overdue,
            dues=dues,
            enterprise_id=event.enterprise_id,
            terms=event.terms,
            timezone=event.timezone,
        )
        return
    found = cases.get(case_id)
    if found is None:
        return
    entry, at = entry_of(event, found.timezone), figures_day(event, found.timezone)
    if entry is not None:  # every act on the ledger, as the case and its views read it
        found.entries.append(entry)
    elif isinstance(event, LoanScheduleRecorded):
        found.dues, found.terms = list(event.dues), event.terms
    if at is not None:  # what is owed on the day of the last act or classification (ledger_fold.py)
        found.outstanding = position(found.dues, found.entries, at, found.terms).outstanding_fen
    track = found
    tier = track.tier0
    counts = report.by_tier[tier]
    if isinstance(event, RiskAssessed):
        if track.assessed_on is None:
            track.tier0 = track.tier = str(event.tier)
            track.assessed_on = day
            track.score_v2 = event.score
            known = {k: v for k, v in event.features.items() if k in RiskFeatures.model_fields}
            track.score_v1 = score(RiskFeatures.model_validate(known), v1).score
    elif isinstance(event, StrategyAssigned):
        track.tier = str(event.tier)
        track.policy_version = event.policy_version
    elif isinstance(event, Escalated):
        track.tier = str(event.to_tier)
        counts["escalations"] += 1
    elif isinstance(event, PaymentReceived):
        counts["recovered"] += event.amount.fen
        if learned is not None and day >= learned.date():
            track.recovered_after_learning += event.amount.fen
    elif isinstance(event, PenaltyAccrued):
        counts["penalty"] += event.amount.fen
        report.penalty += event.amount.fen
    elif type(event) in COUNTED:
        counts[COUNTED[type(event)]] += 1
    elif isinstance(event, CaseResolved):
        track.open = False
        track.resolution = str(event.resolution)
        report.resolutions[track.resolution] += 1
        counts["resolved"] += 1
        if track.resolution in CURED:
            track.cured_on = day
            counts["cured"] += 1
    elif isinstance(event, CaseReopened):
        track.open = True
    elif isinstance(event, ContactEvent):
        counts["contacts"] += 1
        if str(event.channel) == "letter":
            counts["letters"] += 1
        if event.breached_rules:
            report.contacts_breaching += 1
            report.breaches.update(event.breached_rules)
        if str(event.direction) == "outbound":
            period = "after" if learned is not None and event.occurred_at >= learned else "before"
            report.mix[period].setdefault(track.tier, Counter())[str(event.channel)] += 1


def champion_challenger(cases: dict[Any, CaseTrack], tier: str) -> dict[str, Any]:
    """Cases of ``tier`` open when the new version was published: those kept on the old version (champion) vs
    those moved to the new one (challenger); cure rate after it, with a 95% confidence interval of the difference."""
    split = [c for c in cases.values() if c.open_at_learning and c.tier_at_learning == tier]
    if not split:
        return {}
    old = max(c.version_at_learning or 0 for c in split)
    groups = {
        "champion": [c for c in split if c.policy_version <= old],
        "challenger": [c for c in split if c.policy_version > old],
    }
    result: dict[str, Any] = {"tier": tier}
    for name, group in groups.items():
        cured = sum(1 for c in group if c.cured_on is not None)
        owed = sum(c.overdue_at_learning for c in group)
        result[name] = {
            "cases": len(group),
            "cured": cured,
            "cure_rate": cured / len(group) if group else 0.0,
            "recovered_share": sum(c.recovered_after_learning for c in group) / owed if owed else 0.0,
        }
    a, b = result["champion"], result["challenger"]
    if a["cases"] and b["cases"]:
        diff = b["cure_rate"] - a["cure_rate"]
        se = math.sqrt(
            a["cure_rate"] * (1 - a["cure_rate"]) / a["cases"] + b["cure_rate"] * (1 - b["cure_rate"]) / b["cases"]
        )
        result["difference"] = diff
        result["ci95"] = (diff - 1.96 * se, diff + 1.96 * se)
    return result


def ks_gini(scores: list[tuple[int, bool]]) -> dict[str, float]:
    """KS and Gini of a score (higher = riskier) against not cured (the "bad" outcome)."""
    bad = sorted(s for s, cured in scores if not cured)
    good = sorted(s for s, cured in scores if cured)
    if not bad or not good:
        return {"ks": 0.0, "gini": 0.0, "cases": float(len(scores)), "cured": float(len(good))}
    thresholds = sorted({s for s, _ in scores})
    ks = max(abs(_share_at_most(bad, t) - _share_at_most(good, t)) for t in thresholds)
    wins = sum((b > g) + 0.5 * (b == g) for b in bad for g in good)
    auc = wins / (len(bad) * len(good))
    return {"ks": ks, "gini": 2 * auc - 1, "cases": float(len(scores)), "cured": float(len(good))}


def _share_at_most(values: list[int], threshold: int) -> float:
    import bisect

    return bisect.bisect_right(values, threshold) / len(values)


def validation(cases: dict[Any, CaseTrack]) -> dict[str, dict[str, float]]:
    """KS and Gini of the first assessment's score against cured within 90 days of it, for v1 and v2."""
    result = {}
    for name, attr in (("scorecard-1", "score_v1"), ("scorecard-2", "score_v2")):
        scores = [
            (getattr(c, attr), c.cured_on is not None and c.cured_on <= c.assessed_on + timedelta(days=VALIDATION_DAYS))
            for c in cases.values()
            if c.assessed_on is not None and getattr(c, attr) is not None
        ]
        result[name] = ks_gini(scores)
    return result
