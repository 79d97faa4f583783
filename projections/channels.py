"""Channel effectiveness per segment (industry, region, tier) x channel: attempts, right-party contacts,
promises, promises kept, payments within 7 days of a contact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from domain.case.events import (
    CaseEvent,
    CaseOpened,
    ContactEvent,
    Escalated,
    PaymentReceived,
    PromiseKept,
    PromiseToPayMade,
    RiskAssessed,
    StrategyAssigned,
)
from domain.enterprise.events import EnterpriseRegistered, ProfileUpdated
from infrastructure.view_store import ViewTx
from projections.base import Envelope, View
from projections.state import add_counts, load_states, save_states, state_table_ddl

KEYS = ("industry", "region", "tier", "channel")
COUNTS = ("attempts", "rpc", "promises", "kept", "paid_7d")
PAYMENT_WINDOW = timedelta(days=7)


class ChannelsView(View):
    """Counts per segment x channel, attributed to the case's last contact before each outcome."""

    name = "channels"
    weight = 3
    tables = ("channel_state", "channel_stats")

    def schema(self) -> list[str]:
        """Working state (enterprises' segments, cases' last contacts, promises' channels) and the counts."""
        return [
            state_table_ddl("channel_state"),
            "CREATE TABLE IF NOT EXISTS channel_stats (industry TEXT NOT NULL, region TEXT NOT NULL, "
            "tier TEXT NOT NULL, channel TEXT NOT NULL, attempts BIGINT NOT NULL, rpc BIGINT NOT NULL, "
            "promises BIGINT NOT NULL, kept BIGINT NOT NULL, paid_7d BIGINT NOT NULL, "
            "PRIMARY KEY (industry, region, tier, channel))",
        ]

    def apply(self, tx: ViewTx, batch: Sequence[Envelope]) -> None:
        """Load the touched enterprises and cases, count, write back."""
        relevant = [
            e for e in batch if isinstance(e.typed(), CaseEvent | CaseOpened | EnterpriseRegistered | ProfileUpdated)
        ]
        keys = {
            f"e:{e.key}" if isinstance(e.event, EnterpriseRegistered | ProfileUpdated) else f"c:{e.key}"
            for e in relevant
        }
        states = load_states(tx, "channel_state", keys)
        enterprise_keys = {f"e:{s['enterprise']}" for k, s in states.items() if k.startswith("c:")}
        enterprise_keys |= {f"e:{e.event.enterprise_id}" for e in relevant if isinstance(e.event, CaseOpened)}
        states.update(load_states(tx, "channel_state", enterprise_keys - set(states)))
        counts: dict[tuple[Any, ...], Counter[str]] = {}
        touched: set[str] = set()
        for envelope in relevant:
            touched |= count(states, envelope.key, envelope.event, counts)
        save_states(tx, "channel_state", states, touched)
        add_counts(tx, "channel_stats", KEYS, counts, COUNTS)


def count(
    states: dict[str, dict[str, Any]], originator_id: Any, event: Any, counts: dict[tuple[Any, ...], Counter[str]]
) -> set[str]:
    """What one event adds to the channel counts; returns the state keys it changed (shared with the oracle)."""
    if isinstance(event, EnterpriseRegistered | ProfileUpdated):
        key = f"e:{originator_id}"
        states[key] = {
            "industry": event.registration.industry or "unknown",
            "region": event.registration.region or "unknown",
        }
        return {key}
    key = f"c:{originator_id}"
    if isinstance(event, CaseOpened):
        states[key] = {
            "enterprise": str(event.enterprise_id),
            "tier": "unrated",
            "channel": None,
            "at": None,
            "promises": {},
        }
        return {key}
    case = states.get(key)
    if case is None:
        return set()
    enterprise = states.get(f"e:{case['enterprise']}", {"industry": "unknown", "region": "unknown"})

    def bump(channel: str, segment: tuple[str, str, str] | None = None, **amounts: int) -> None:
        industry, region, tier = segment or (enterprise["industry"], enterprise["region"], case["tier"])
        counts.setdefault((industry, region, tier, channel), Counter()).update(amounts)

    if isinstance(event, StrategyAssigned):
        case["tier"] = str(event.tier)
    elif isinstance(event, Escalated):
        case["tier"] = str(event.to_tier)
    elif isinstance(event, RiskAssessed) and case["tier"] == "unrated":
        case["tier"] = str(event.tier)
    elif isinstance(event, ContactEvent):
        channel = str(event.channel)
        bump(channel, attempts=1, rpc=1 if event.outcome.reached_party else 0)
        case["channel"], case["at"] = channel, event.occurred_at.isoformat()
    elif isinstance(event, PromiseToPayMade) and case["channel"]:
        bump(case["channel"], promises=1)
        case["promises"][event.promise_id] = [
            enterprise["industry"],
            enterprise["region"],
            case["tier"],
            case["channel"],
        ]
    elif isinstance(event, PromiseKept) and event.promise_id in case["promises"]:
        industry, region, tier, channel = case["promises"].pop(event.promise_id)
        bump(channel, (industry, region, tier), kept=1)
    elif isinstance(event, PaymentReceived) and case["at"]:
        if event.occurred_at - datetime.fromisoformat(case["at"]) <= PAYMENT_WINDOW:
            bump(case["channel"], paid_7d=1)
    else:
        return set()
    return {key}
