"""The oracle's own rules for the channel, compliance and portfolio views, written from the documented rules
(README "Projections", "Strategy policy", "Contact policy"; DESIGN.md §3-4), not from the views' code.

The views fold the log event by event into state tables. These rules instead take each case's whole ordered
list of events and say what must be true of it: each figure is found by looking back from the event that
makes it (the tier then in force, the contact it follows, the promise it keeps), so a slip in a view's
incremental bookkeeping shows up as a difference. Nothing here is imported from projections/channels.py,
compliance.py, cadence.py or portfolio.py; the contract's names (bucket labels, statuses, kinds) are
restated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from domain.case.events import (
    CaseClosed,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    ContactEvent,
    Escalated,
    LetterSent,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RiskAssessed,
    StrategyAssigned,
    VisitScheduled,
)
from domain.case.ledger_events import LoanScheduleRecorded
from domain.case.ledger_fold import entry_of, figures_day
from domain.case.values import LetterKind
from domain.enterprise.events import EnterpriseRegistered, ProfileUpdated
from domain.loan_ledger import legacy_dues, position
from domain.strategy import PolicyPublished

Log = list[tuple[Any, Any]]

# --- shared: the cases, the tier in force -------------------------------------------------------------


def case_histories(log: Log) -> dict[str, list[tuple[int, int, Any]]]:
    """Per case (one that opened), its events as (log position, version, event), in version order."""
    by_case: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)
    for n, e in log:
        by_case[str(n.originator_id)].append((n.id, n.originator_version, e))
    return {
        key: sorted(items, key=lambda item: item[1])
        for key, items in by_case.items()
        if items and isinstance(min(items, key=lambda item: item[1])[2], CaseOpened)
    }


def tier_after(events: list[Any]) -> str:
    """The case's tier once ``events`` happened: the last strategy or escalation sets it; before either,
    the first risk assessment; before that, "unrated"."""
    for e in reversed(events):
        if isinstance(e, StrategyAssigned):
            return str(e.tier)
        if isinstance(e, Escalated):
            return str(e.to_tier)
    first = next((e for e in events if isinstance(e, RiskAssessed)), None)
    return "unrated" if first is None else str(first.tier)


# --- channel effectiveness ----------------------------------------------------------------------------

#: "payments within 7 days" of a contact (DESIGN.md §3 Strategy optimisation)
PAYMENT_WINDOW = timedelta(days=7)


class Segments:
    """An enterprise's (industry, region) as of a log position: its registration or latest profile update."""

    def __init__(self, log: Log) -> None:
        self.history: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
        for n, e in log:
            if isinstance(e, EnterpriseRegistered | ProfileUpdated):
                segment = (e.registration.industry or "unknown", e.registration.region or "unknown")
                self.history[str(n.originator_id)].append((n.id, segment))

    def at(self, enterprise_id: Any, position: int) -> tuple[str, str]:
        """The segment recorded last at or before ``position`` ("unknown" before any)."""
        history = self.history.get(str(enterprise_id), [])
        i = bisect_right([p for p, _ in history], position)
        return history[i - 1][1] if i else ("unknown", "unknown")


def channel_counts(log: Log) -> dict[tuple[str, str, str, str], dict[str, int]]:
    """Per (industry, region, tier, channel): attempts and right-party contacts of each contact; promises
    that followed a contact, under the last contact before them; of those, the kept ones (under the promise's
    segment and channel); payments within 7 days after the last contact before them, under that contact's
    channel. The segment is the enterprise's and the case's tier at the event that is counted."""
    segments = Segments(log)
    counts: dict[tuple[str, str, str, str], Counter[str]] = defaultdict(Counter)
    for items in case_histories(log).values():
        events = [e for _, _, e in items]
        enterprise_id = events[0].enterprise_id

        positions = [position for position, _, _ in items]

        def segment(
            i: int, events: list[Any] = events, enterprise_id: Any = enterprise_id, positions: list[int] = positions
        ) -> tuple[str, str, str]:
            return (*segments.at(enterprise_id, positions[i]), tier_after(events[: i + 1]))

        def last_contact(i: int, events: list[Any] = events) -> ContactEvent | None:
            return next((e for e in reversed(events[:i]) if isinstance(e, ContactEvent)), None)

        for i, e in enumerate(events):
            if isinstance(e, ContactEvent):
                counts[(*segment(i), str(e.channel))].update(attempts=1, rpc=int(e.outcome.reached_party))
            elif isinstance(e, PromiseToPayMade) and (contact := last_contact(i)) is not None:
                counts[(*segment(i), str(contact.channel))]["promises"] += 1
            elif isinstance(e, PromiseKept):
                made = next(
                    (
                        j
                        for j in range(i - 1, -1, -1)
                        if isinstance(events[j], PromiseToPayMade) and events[j].promise_id == e.promise_id
                    ),
                    None,
                )
                if made is not None and (contact := last_contact(made)) is not None:
                    counts[(*segment(made), str(contact.channel))]["kept"] += 1
            elif (
                isinstance(e, PaymentReceived)
                and (contact := last_contact(i)) is not None
                and timedelta(0) <= e.occurred_at - contact.occurred_at <= PAYMENT_WINDOW
            ):
                counts[(*segment(i), str(contact.channel))]["paid_7d"] += 1
    return {key: {k: v for k, v in c.items() if v} for key, c in counts.items()}


# --- compliance ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """What a tier's strategy requires (README "Compliance follows the policy" and DESIGN.md §3 strategy table):
    a contact on one of ``channels`` (a letter of ``letter_kind``), within a time, once or again after each."""

    kind: str
    within: timedelta
    recurring: bool
    channels: frozenset[str] = frozenset()
    letter_kind: str | None = None

    def made_by(self, event: Any) -> bool:
        """Is the event the contact asked for?"""
        if not isinstance(event, ContactEvent) or str(event.channel) not in self.channels:
            return False
        return self.letter_kind is None or (
            isinstance(event, LetterSent) and str(event.letter_kind) == self.letter_kind
        )


#: policy v1: low — a reminder (phone, SMS, email) every 3 days; medium — a visit within 7 days; high — a lawyer's
#: letter within 3 days
CADENCE = {
    "low": Cadence("reminder", timedelta(days=3), True, frozenset({"phone", "sms", "email"})),
    "medium": Cadence("visit", timedelta(days=7), False, frozenset({"visit"})),
    "high": Cadence("lawyers_letter", timedelta(days=3), False, frozenset({"letter"}), str(LetterKind.LAWYERS_LETTER)),
}


def treatment_cadence(treatment: Any) -> Cadence | None:
    """A published treatment's required contact, as the README states the rule: its own ``cadence`` when given;
    else, with ``reminder_every_days``, a reminder by its phone/SMS/email channels that often, again after each;
    else a visit within its ``visit`` deadline's days; else a lawyer's letter within its ``lawyers_letter``
    deadline's days; else none."""
    stated = treatment.cadence
    if stated is not None:
        letter = None if stated.letter_kind is None else str(stated.letter_kind)
        channels = frozenset(str(c) for c in stated.channels)
        return Cadence(stated.kind, timedelta(days=stated.within_days), stated.recurring, channels, letter)
    reminders = frozenset(str(c) for c in treatment.channels) & {"phone", "sms", "email"}
    if treatment.reminder_every_days and reminders:
        return Cadence("reminder", timedelta(days=treatment.reminder_every_days), True, reminders)
    days = {d.kind: d.due_in_days for d in treatment.deadlines}
    if "visit" in days:
        return Cadence("visit", timedelta(days=days["visit"]), False, frozenset({"visit"}))
    if "lawyers_letter" in days:
        return Cadence(
            "lawyers_letter", timedelta(days=days["lawyers_letter"]), False, frozenset({"letter"}), "lawyers_letter"
        )
    return None


def governing_cadence(log: Log, position: int, policy_version: int, tier: str) -> Cadence | None:
    """The cadence of ``policy_version`` as published before ``position`` in the log (v1's table when it was not)."""
    terms = None
    for n, e in log:
        if n.id >= position:
            break
        if isinstance(e, PolicyPublished) and e.version == policy_version:
            terms = e.terms
    if terms is None:
        return CADENCE[tier]
    return treatment_cadence(next(t for t in terms.treatments if str(t.tier) == tier))


def utc(moment: datetime) -> str:
    """The views' time text (UTC ISO 8601 with microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def compliance_rows(log: Log) -> tuple[dict[tuple[str, int], dict[str, Any]], list[tuple[Any, ...]]]:
    """Each strategy governs a case from its StrategyAssigned until the next one, or until the case is resolved
    or closed. Within it the tier's contact is required within its time of the assignment; a recurring one
    (low) again within its time of each contact that met it. A requirement is met (by its due time) or late
    by the first such contact; without one it ends missed if due before the strategy's end, else superseded
    (a new strategy) or cancelled (resolved or closed); open if the strategy still governs.
    Overrides: every contact or planned visit recorded with a supervisor's override reason."""
    requirements: dict[tuple[str, int], dict[str, Any]] = {}
    overrides: list[tuple[Any, ...]] = []
    for case_id, items in case_histories(log).items():
        for _, version, e in items:
            if isinstance(e, ContactEvent | VisitScheduled) and e.override_reason:
                overrides.append(
                    (
                        case_id,
                        version,
                        type(e).__name__,
                        ",".join(e.overridden_rules),
                        e.override_reason,
                        e.actor.user_id,
                        str(e.actor.role),
                        utc(e.occurred_at),
                    )
                )
        seq = 0
        for start, (assigned_at, assigned_by, assigned) in enumerate(items):
            if not isinstance(assigned, StrategyAssigned):
                continue
            tier = str(assigned.tier)
            cadence = governing_cadence(log, assigned_at, assigned.policy_version, tier)
            if cadence is None:
                continue
            end = next(
                (
                    j
                    for j in range(start + 1, len(items))
                    if isinstance(items[j][2], StrategyAssigned | CaseResolved | CaseClosed)
                ),
                len(items),
            )
            since, required_by, searched_from = assigned.occurred_at, assigned_by, start + 1
            while True:
                seq += 1
                due = since + cadence.within
                row = {
                    "case_id": case_id,
                    "seq": seq,
                    "tier": tier,
                    "kind": cadence.kind,
                    "due_at": utc(due),
                    "required_by": required_by,
                    "met_at": None,
                    "met_by": None,
                    "policy_version": assigned.policy_version,
                }
                requirements[(case_id, seq)] = row
                made = next((j for j in range(searched_from, end) if cadence.made_by(items[j][2])), None)
                if made is not None:
                    contact = items[made][2]
                    row.update(
                        status="met" if contact.occurred_at <= due else "late",
                        met_at=utc(contact.occurred_at),
                        met_by=items[made][1],
                    )
                    if cadence.recurring:
                        since, required_by, searched_from = contact.occurred_at, items[made][1], made + 1
                        continue
                elif end == len(items):
                    row["status"] = "open"
                else:
                    ended = items[end][2]
                    if due < ended.occurred_at:
                        row["status"] = "missed"
                    else:
                        row["status"] = "superseded" if isinstance(ended, StrategyAssigned) else "cancelled"
                break
    return requirements, overrides


# --- portfolio ----------------------------------------------------------------------------------------

#: DESIGN.md §3 delinquency buckets by days past due, in order
BUCKETS = ("current", "1-30", "31-60", "61-90", "91-180", "181-360", ">360")
BUCKET_UPPER = (0, 30, 60, 90, 180, 360)
#: resolutions that count as cures
CURED = ("paid_in_full", "restructured")


def bucket_of(days: int) -> str:
    """current (0 or less), 1-30, ..., 181-360, >360."""
    return next((BUCKETS[i] for i, upper in enumerate(BUCKET_UPPER) if days <= upper), BUCKETS[-1])


def ledger_of(opened: CaseOpened, events: list[Any]) -> tuple[list[Any], list[Any], Any]:
    """The loan's dues (a case opened the old way: one due of the overdue amount on its date and the rest undated;
    a recorded schedule replaces them), its terms, and the acts on its ledger."""
    dues: list[Any] = list(opened.dues) or legacy_dues(
        opened.overdue_amount.fen, opened.overdue_since, opened.outstanding.fen
    )
    terms, entries = opened.terms, []
    for e in events:
        if isinstance(e, LoanScheduleRecorded):
            dues, terms = list(e.dues), e.terms
        entry = entry_of(e, opened.timezone)
        if entry is not None:
            entries.append(entry)
    return dues, entries, terms


def days_past_due(opened: CaseOpened, events: list[Any], on: date) -> int:
    """Days past due on ``on`` after ``events``: the one position function's (issue 20.5: every view answers it)."""
    dues, entries, terms = ledger_of(opened, events)
    return position(dues, entries, on, terms).days_past_due


def is_open(events: list[Any]) -> bool:
    """Open after ``events``: opened or reopened since the last resolution or closure."""
    last = next(e for e in reversed(events) if isinstance(e, CaseOpened | CaseReopened | CaseResolved | CaseClosed))
    return isinstance(last, CaseOpened | CaseReopened)


def outstanding_after(events: list[Any]) -> int:
    """What is owed after ``events``: the position on the day of the last act on the ledger or classification (the
    opening's day when there is none), as the case and its views compute it (domain/case/ledger_fold.py)."""
    opened: CaseOpened = events[0]
    dues, entries, terms = ledger_of(opened, events)
    days = [figures_day(e, opened.timezone) for e in events]
    day = [d for d in days if d is not None][-1]
    return position(dues, entries, day, terms).outstanding_fen


def portfolio_figures(log: Log) -> dict[str, Any]:
    """The counters (plain counts of event kinds, sums of amounts, the buckets cases entered), the rolls
    between days-past-due buckets, and the overdue balance (the outstanding amount of the open cases) per
    tier at the end of every day on which a case event happened.

    Buckets: a case enters its bucket when it opens; at every later event found while it is open, the
    bucket of the days past due on that event's day is where the case is, and each change is a roll."""
    counters: Counter[str] = Counter()
    rolls: Counter[tuple[str, str]] = Counter()
    # per case, the (tier, fen) it adds to the balance at the end of each day it had an event
    ends_of_day: list[dict[str, tuple[str, int]]] = []
    for items in case_histories(log).values():
        events = [e for _, _, e in items]
        opened: CaseOpened = events[0]
        counters.update(
            cases_opened=1,
            opened_fen=outstanding_after(events[:1]),
            recovered_fen=sum(e.amount.fen for e in events if isinstance(e, PaymentReceived)),
            cases_resolved=sum(isinstance(e, CaseResolved) for e in events),
            cases_cured=sum(isinstance(e, CaseResolved) and str(e.resolution) in CURED for e in events),
            cases_reopened=sum(isinstance(e, CaseReopened) for e in events),
            promises_made=sum(isinstance(e, PromiseToPayMade) for e in events),
            promises_kept=sum(isinstance(e, PromiseKept) for e in events),
            promises_broken=sum(isinstance(e, PromiseBroken) for e in events),
            contacts=sum(isinstance(e, ContactEvent) for e in events),
            right_party_contacts=sum(isinstance(e, ContactEvent) and e.outcome.reached_party for e in events),
        )
        trail = [bucket_of(days_past_due(opened, [], opened.occurred_at.date()))]
        trail += [
            bucket_of(days_past_due(opened, events[:i], e.occurred_at.date()))
            for i, e in enumerate(events)
            if i and is_open(events[:i])
        ]
        runs = [b for j, b in enumerate(trail) if j == 0 or b != trail[j - 1]]
        counters.update(f"entered:{b}" for b in runs)
        rolls.update(pairwise(runs))
        days: dict[str, tuple[str, int]] = {}
        for i, e in enumerate(events):
            done = events[: i + 1]
            days[e.occurred_at.date().isoformat()] = (tier_after(done), outstanding_after(done) if is_open(done) else 0)
        ends_of_day.append(days)
    balance_by_day: dict[str, dict[str, int]] = {}
    current: list[tuple[str, int] | None] = [None] * len(ends_of_day)
    for day in sorted({d for days in ends_of_day for d in days}):
        for c, days in enumerate(ends_of_day):
            current[c] = days.get(day, current[c])
        totals: Counter[str] = Counter()
        for held in current:
            if held is not None:
                totals[held[0]] += held[1]
        balance_by_day[day] = dict(totals)
    return {
        "counters": {k: v for k, v in counters.items() if v},
        "rolls": {k: v for k, v in rolls.items() if v},
        "balance_by_day": balance_by_day,
    }
