"""Portfolio KPIs: overdue balance over time by tier, recovery, cure, roll rates between DPD buckets,
promise-kept and right-party-contact rates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.case.events import (
    CaseClosed,
    CaseEvent,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    ContactEvent,
    Escalated,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RiskAssessed,
    StrategyAssigned,
)
from domain.case.ledger_events import LoanScheduleRecorded
from domain.case.ledger_fold import day_of, entry_of, figures_day
from domain.loan_ledger import LoanDue, LoanTerms, legacy_dues, position, unchanged_until
from domain.rules import DEFAULT_TIMEZONE
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View
from projections.progress import ENTRY
from projections.state import add_counts, load_states, save_states, state_table_ddl

#: delinquency buckets by days past due (DESIGN.md §3)
BUCKETS = ((30, "1-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"), (360, "181-360"))
CURED = {"paid_in_full", "restructured", "cured"}


def dpd_bucket(days_past_due: int) -> str:
    """The delinquency bucket of a number of days past due."""
    if days_past_due <= 0:
        return "current"
    for limit, label in BUCKETS:
        if days_past_due <= limit:
            return label
    return ">360"


class PortfolioView(View):
    """Counters, daily balance changes by tier, and bucket roll counts."""

    name = "portfolio"
    weight = 6
    #: 2: days past due are 0 once nothing is overdue (the case state keeps the overdue amount); 3: days past
    #: due and balances from the loan's schedule (dues, payments allocated, penalty interest recorded); 4: a case
    #: resolved ``cured`` (arrears paid, the loan back on its schedule) counts as cured; 5: balances and days past
    #: due from the one position function (daily penalty, costs, acceleration, agreements' schedules)
    version = 5
    tables = ("portfolio_cases", "portfolio_counters", "portfolio_balance", "portfolio_rolls")

    def schema(self) -> list[str]:
        """State per case plus three counter tables."""
        return [
            state_table_ddl("portfolio_cases"),
            "CREATE TABLE IF NOT EXISTS portfolio_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS portfolio_balance ("
            "day TEXT NOT NULL, tier TEXT NOT NULL, delta_fen BIGINT NOT NULL, PRIMARY KEY (day, tier))",
            "CREATE TABLE IF NOT EXISTS portfolio_rolls ("
            "from_bucket TEXT NOT NULL, to_bucket TEXT NOT NULL, count BIGINT NOT NULL, "
            "PRIMARY KEY (from_bucket, to_bucket))",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Evolve the touched cases and add up the batch's counts."""
        keys = {e.key for e in batch if isinstance(e.typed(), CaseEvent | CaseOpened)}
        cases = load_states(tx, "portfolio_cases", keys)
        counters: Counter[str] = Counter()
        balance: dict[tuple[str, str], Counter[str]] = {}
        rolls: dict[tuple[str, str], Counter[str]] = {}
        for envelope in batch:
            event = envelope.typed()
            if isinstance(event, CaseOpened | CaseEvent):
                account(cases, envelope.key, event, counters, balance, rolls)
        save_states(tx, "portfolio_cases", cases, keys)
        tx.increment("portfolio_counters", ("name",), ("name", "value"), sorted(counters.items()))
        add_counts(tx, "portfolio_balance", ("day", "tier"), balance, ("delta_fen",))
        add_counts(tx, "portfolio_rolls", ("from_bucket", "to_bucket"), rolls, ("count",))


def ledger_of(case: dict[str, Any]) -> tuple[list[LoanDue], list[Any], LoanTerms | None]:
    """A case's dues, the acts on its ledger and the contract's terms, as the one position function reads them."""
    terms = case.get("terms")
    return (
        [LoanDue.model_validate(d) for d in case["dues"]],
        [ENTRY.validate_python(e) for e in case["entries"]],
        LoanTerms.model_validate(terms) if terms else None,
    )


def days_past_due(case: dict[str, Any], on: date) -> int:
    """Days past due on a day, from the case's dues and the payments allocated to them.

    The ledger is computed once and remembered in the case's state with the days over which its balances cannot
    change (``unchanged_until``): on those days past due count on from the same oldest unpaid due date. A payment,
    a penalty or a new schedule forgets it (``forget_days_past_due``)."""
    day = on.isoformat()
    memo = case.get("dpd")
    if memo is not None and memo[0] <= day and (memo[1] is None or day < memo[1]):
        return 0 if memo[2] is None else max(0, (on - date.fromisoformat(memo[2])).days)
    dues, entries, terms = ledger_of(case)
    now = position(dues, entries, on, terms)
    until = unchanged_until(dues, entries, on)
    since = now.overdue_since
    case["dpd"] = [day, None if until is None else until.isoformat(), None if since is None else since.isoformat()]
    return now.days_past_due


def forget_days_past_due(case: dict[str, Any]) -> None:
    """The case's ledger changed: its days past due are computed afresh next time."""
    case.pop("dpd", None)


def account(
    cases: dict[str, dict[str, Any]],
    key: str,
    event: Any,
    counters: Counter[str],
    balance: dict[tuple[str, str], Counter[str]],
    rolls: dict[tuple[str, str], Counter[str]],
) -> None:
    """What one case event changes in the KPIs (shared with the oracle in the tests)."""
    day = event.occurred_at.date().isoformat()

    def move(tier: str, fen: int) -> None:
        balance.setdefault((day, tier), Counter())["delta_fen"] += fen

    if isinstance(event, CaseOpened):
        dues = event.dues or legacy_dues(event.overdue_amount.fen, event.overdue_since, event.outstanding.fen)
        cases[key] = {
            "tier": "unrated",
            "open": True,
            "out": sum(d.total_fen for d in dues),
            "dues": [d.model_dump(mode="json") for d in dues],
            "entries": [],
            "terms": event.terms.model_dump(mode="json") if event.terms is not None else None,
            "timezone": event.timezone,
        }
        cases[key]["out"] = position(dues, [], day_of(event, event.timezone), event.terms).outstanding_fen
        opened = cases[key]
        opened["bucket"] = dpd_bucket(days_past_due(opened, event.occurred_at.date()))
        counters.update(cases_opened=1, opened_fen=opened["out"], **{f"entered:{opened['bucket']}": 1})
        move("unrated", opened["out"])
        return
    found = cases.get(key)
    if found is None:
        return
    case = found
    if case["open"]:
        bucket = dpd_bucket(days_past_due(case, event.occurred_at.date()))
        if bucket != case["bucket"]:
            rolls.setdefault((case["bucket"], bucket), Counter())["count"] += 1
            counters[f"entered:{bucket}"] += 1
            case["bucket"] = bucket
    new_tier: str | None = None
    if isinstance(event, StrategyAssigned):
        new_tier = str(event.tier)
    elif isinstance(event, Escalated):
        new_tier = str(event.to_tier)
    elif isinstance(event, RiskAssessed) and case["tier"] == "unrated":
        new_tier = str(event.tier)
    if new_tier is not None and new_tier != case["tier"]:
        if case["open"]:
            move(case["tier"], -case["out"])
            move(new_tier, case["out"])
        case["tier"] = new_tier
    zone = case.get("timezone", DEFAULT_TIMEZONE)
    entry, at = entry_of(event, zone), figures_day(event, zone)
    if isinstance(event, PaymentReceived):
        counters["recovered_fen"] += event.amount.fen
    if at is not None:  # the figures move to the day of an act on the ledger or a classification
        before = case["out"]
        forget_days_past_due(case)
        if isinstance(event, LoanScheduleRecorded):
            case["dues"] = [d.model_dump(mode="json") for d in event.dues]
            case["terms"] = event.terms.model_dump(mode="json") if event.terms is not None else None
        elif entry is not None:
            case["entries"].append(entry.model_dump(mode="json"))
        dues, entries, terms = ledger_of(case)
        case["out"] = position(dues, entries, at, terms).outstanding_fen
        if case["open"]:
            move(case["tier"], case["out"] - before)
    if isinstance(event, CaseResolved | CaseClosed):
        if case["open"]:
            move(case["tier"], -case["out"])
            case["open"] = False
        if isinstance(event, CaseResolved):
            counters["cases_resolved"] += 1
            counters["cases_cured"] += 1 if str(event.resolution) in CURED else 0
    elif isinstance(event, CaseReopened):
        case["open"] = True
        move(case["tier"], case["out"])
        counters["cases_reopened"] += 1
    elif isinstance(event, PromiseToPayMade):
        counters["promises_made"] += 1
    elif isinstance(event, PromiseKept):
        counters["promises_kept"] += 1
    elif isinstance(event, PromiseBroken):
        counters["promises_broken"] += 1
    elif isinstance(event, ContactEvent):
        counters["contacts"] += 1
        counters["right_party_contacts"] += 1 if event.outcome.reached_party else 0
