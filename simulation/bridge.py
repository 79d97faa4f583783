"""What the report owes a collections head (issue 20): a balance bridge from the opening to the closing overdue
balance that adds up to the fen, the tiers month by month, the tier moves by rule, legal actions by first tier,
service breaches, and compliance counted as the compliance report counts it (the same ``judge``).

The book is the outstanding balance of the loans whose cases are open. Every fen that moves it is one line:

    opening + opened + penalty added + schedule restated + accrued on the ledger + reopened
      - collected - cured out - restructured out - settled out - residues waived - written off  = closing

"cured out" is what was still outstanding (not yet due) on a loan whose arrears were paid when its case was
resolved ``cured`` or ``paid_in_full``; "restructured out" the same for ``restructured``; "residues waived" the
amounts of ``ResidueWaived``; payments received after a case left the book are shown apart, not in the bridge.

A case's balance is its ledger position (``domain.loan_ledger.position``: penalty accruing daily from the day after
each due, also before the case opened, costs, agreements' schedules), folded as the case, its views and the report
fold it (``ledger_fold.figures_day``): each act moves it, and the move is the act's line: a payment is "collected"
(and what accrued up to its value date "accrued on the ledger"), a penalty review "penalty", a recorded schedule
"restated", any other act (a classification, an agreement, a cost) "accrued on the ledger".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.case.events import (
    CaseOpened,
    CaseReopened,
    CaseResolved,
    Deescalated,
    Escalated,
    LegalActionStarted,
    PaymentReceived,
    RiskAssessed,
    StrategyAssigned,
)
from domain.case.judgement_events import ResidueWaived, ServiceBreachRecorded
from domain.case.ledger_events import LoanScheduleRecorded, PenaltyAccrued, PenaltyAdjusted
from domain.case.ledger_fold import day_of, entry_of, figures_day
from domain.loan_ledger import legacy_dues, position
from domain.strategy import PolicyPublished
from projections.cadence import Cadences
from projections.compliance import judge

#: the bridge's lines, in order: (key, label, sign)
LINES = (
    ("opening", "opening overdue balance", 1),
    ("opened", "cases opened during the period", 1),
    ("penalty", "penalty interest added (the position moved by the penalty reviews)", 1),
    ("restated", "schedules restated (interest added by a recorded schedule)", 1),
    ("accrued", "accrued on the ledger at its other acts (payments' value dates, classifications, agreements)", 1),
    ("reopened", "cases reopened", 1),
    ("collected", "collected (payments while the case was open)", -1),
    ("cured_out", "cured out (still outstanding, not yet due, when the arrears were cleared)", -1),
    ("restructured_out", "restructured out", -1),
    ("settled_out", "settled out", -1),
    ("waived", "residues waived", -1),
    ("written_off", "written off", -1),
)
#: where a resolution's remaining balance goes
OUT = {
    "cured": "cured_out",
    "paid_in_full": "cured_out",
    "restructured": "restructured_out",
    "settled": "settled_out",
    "written_off": "written_off",
}


@dataclass
class Book:
    """One case as the bridge follows it."""

    balance: int
    #: the loan's dues, its acts on the ledger, its terms and zone: its position, as the case and the report read it
    dues: list[Any] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)
    terms: Any = None
    timezone: str = "Asia/Shanghai"
    open: bool = True
    tier: str = "unrated"
    tier0: str = "unrated"


@dataclass
class Bridge:
    """The bridge's figures (fen), and the counts beside it."""

    lines: Counter[str] = field(default_factory=Counter)
    closing: int = 0
    #: payments on cases out of the book (after resolution)
    collected_outside: int = 0
    tiers_monthly: dict[str, Counter[str]] = field(default_factory=dict)
    #: (up | down, rule) -> moves
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    legal_by_first_tier: Counter[str] = field(default_factory=Counter)
    legal_by_tier_at_action: Counter[str] = field(default_factory=Counter)
    service_breaches: Counter[str] = field(default_factory=Counter)
    compliance: Counter[str] = field(default_factory=Counter)

    @property
    def computed_closing(self) -> int:
        """The opening balance moved by every line."""
        return sum(sign * self.lines[key] for key, _, sign in LINES)

    @property
    def adds_up(self) -> bool:
        """The lines move the opening balance exactly to the closing one."""
        return self.computed_closing == self.closing


class BridgeFold:
    """Folds events (in business-time order, as the report does) into a ``Bridge``."""

    def __init__(self) -> None:
        self.bridge = Bridge()
        self.books: dict[Any, Book] = {}
        self.started = False

    def fold(self, case_id: Any, event: Any) -> None:
        """One case event."""
        bridge, book = self.bridge, self.books.get(case_id)
        if isinstance(event, CaseOpened):
            dues = list(event.dues) or legacy_dues(event.overdue_amount.fen, event.overdue_since, event.outstanding.fen)
            # what the loan owed as it opened, as the ledger reads it: its dues and the penalty accrued before
            opened = position(dues, [], day_of(event, event.timezone), event.terms).outstanding_fen
            self.books[case_id] = Book(opened, dues=dues, terms=event.terms, timezone=event.timezone)
            bridge.lines["opened" if self.started else "opening"] += opened
            return
        if book is None:
            return
        moved = self.move(book, event)
        if isinstance(event, RiskAssessed) and book.tier0 == "unrated":
            self.started = True
            book.tier0 = book.tier = str(event.tier)
        elif isinstance(event, StrategyAssigned):
            book.tier = str(event.tier)
        elif isinstance(event, Escalated | Deescalated):
            book.tier = str(event.to_tier)
            bridge.moves[("up" if isinstance(event, Escalated) else "down", event.rule or "unnamed")] += 1
        elif isinstance(event, PaymentReceived):
            if book.open:
                bridge.lines["collected"] += event.amount.fen
                bridge.lines["accrued"] += moved + event.amount.fen  # what accrued up to its value date
            else:
                bridge.collected_outside += event.amount.fen
        elif isinstance(event, PenaltyAccrued | PenaltyAdjusted):
            bridge.lines["penalty"] += moved if book.open else 0
        elif isinstance(event, LoanScheduleRecorded):
            bridge.lines["restated"] += moved if book.open else 0
        elif moved and book.open:
            bridge.lines["accrued"] += moved
        if isinstance(event, ResidueWaived):
            bridge.lines["waived"] += event.amount.fen
            book.balance -= event.amount.fen
        elif isinstance(event, CaseResolved) and book.open:
            book.open = False
            bridge.lines[OUT.get(str(event.resolution), "settled_out")] += book.balance
        elif isinstance(event, CaseReopened) and not book.open:
            book.open = True
            bridge.lines["reopened"] += book.balance
        elif isinstance(event, LegalActionStarted):
            bridge.legal_by_first_tier[book.tier0] += 1
            bridge.legal_by_tier_at_action[book.tier] += 1
        elif isinstance(event, ServiceBreachRecorded):
            bridge.service_breaches[event.kind] += 1

    @staticmethod
    def move(book: Book, event: Any) -> int:
        """Fold an act on the ledger, a new schedule or a classification into the book's position; by how much it
        moved the outstanding (0 for any other event)."""
        entry = entry_of(event, book.timezone)
        if entry is not None:
            book.entries.append(entry)
        elif isinstance(event, LoanScheduleRecorded):
            book.dues, book.terms = list(event.dues), event.terms
        at = figures_day(event, book.timezone)
        if at is None:
            return 0
        outstanding = position(book.dues, book.entries, at, book.terms).outstanding_fen
        moved, book.balance = outstanding - book.balance, outstanding
        return moved

    def snapshot(self, label: str) -> None:
        """Open cases by their tier at a month's end."""
        self.bridge.tiers_monthly[label] = Counter(b.tier for b in self.books.values() if b.open)

    def close(self) -> Bridge:
        """The closing balance: what the open cases owe."""
        self.bridge.closing = sum(b.balance for b in self.books.values() if b.open)
        return self.bridge


class ComplianceFold:
    """Compliance as the compliance report counts it: the same ``judge`` over the events in log order."""

    def __init__(self) -> None:
        self.cadences = Cadences()
        self.states: dict[str, dict[str, Any]] = {}
        self.requirements: dict[tuple[str, int], dict[str, Any]] = {}
        self.breaches: list[tuple[Any, ...]] = []
        self.overrides: list[tuple[Any, ...]] = []

    def fold(self, case_id: Any, event: Any) -> None:
        """One event, in log order."""
        if isinstance(event, PolicyPublished):
            self.cadences.publish(event.version, event.terms)
            return
        version = getattr(event, "originator_version", None)
        if version is None:
            return
        key = str(case_id)
        judge(self.states, key, version, event, self.requirements, self.overrides, self.breaches, self.cadences)

    def counts(self, now: str) -> Counter[str]:
        """Required contacts by status (open ones past due are missing), contact and service breaches, overrides."""
        counts: Counter[str] = Counter()
        for row in self.requirements.values():
            status = row["status"]
            if (status == "open" and row["due_at"] < now) or status == "missed":
                status = "missing"
            counts[status] += 1
        counts["required"] = len(self.requirements)
        counts["contact_breaches"] = sum(1 for b in self.breaches if b[2] != "ServiceBreachRecorded")
        counts["service_breaches"] = sum(1 for b in self.breaches if b[2] == "ServiceBreachRecorded")
        counts["overrides"] = len(self.overrides)
        return counts
