"""The simulated debtors' response model (stated in the README; it lives only here, never in the system).

Every number below is a plausible guess, not a fit to the case study's result. A firm answers a contact
by channel, its hidden health and willingness, its industry's and region's taste for channels, and the
pressure the bank has put on it; it promises, pays, breaks promises and signs plans by chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from simulation.firms import VISIT_AVERSE_REGIONS, Firm

#: chance an attempt reaches a person (phone, visit) or is delivered (sms, email, website, letter)
REACH = {"phone": 0.55, "visit": 0.85, "sms": 0.97, "email": 0.92, "website": 0.6, "letter": 1.0}
#: chance a reached firm, fully willing, promises or agrees to talk about a plan after this channel
PERSUASION = {"phone": 0.22, "visit": 0.42, "sms": 0.05, "email": 0.06, "website": 0.03, "letter": 0.25}
#: industries that read and answer email (the brief's "technology firms read email")
EMAIL_READERS = frozenset({"technology", "services"})
#: a visit in a visit-averse region persuades this much as elsewhere, and costs this much willingness
AVERSE_VISIT_FACTOR = 0.35
AVERSE_VISIT_RESENTMENT = 0.05
#: what a lawyer's letter adds to willingness (scaled by the firm's ability: it frightens those with assets)
LETTER_PRESSURE = 0.25
#: what legal action adds to willingness (scaled by ability)
LEGAL_PRESSURE = 0.3
#: days a firm takes to pay after it promised (range)
PROMISE_DAYS = (3, 14)
#: a month's chance that a firm with some cash pays part of its arrears unasked, per unit of health
SPONTANEOUS_MONTHLY = 0.06


@dataclass
class Debtor:
    """One firm's simulated state: its traits and the bank's pressure so far, with its own random stream."""

    firm: Firm
    rng: random.Random
    willingness: float
    #: the day a late receivable arrives (late-receivable firms), after which the firm can pay its arrears
    cash_on: date | None = None
    pressure: float = 0.0
    letters: int = 0
    visits: int = 0
    legal: int = 0
    #: payments the firm has decided to make: (day, amount fen, reason)
    pending: list[tuple[date, int, str]] = field(default_factory=list)
    #: what the story of a named firm needs before it signs (e.g. "lawyers_letter", "joint_visit")
    needs: set[str] = field(default_factory=set)

    @property
    def health(self) -> float:
        return self.firm.health

    def ability(self, today: date) -> float:
        """How able the firm is to pay now (0 to 1): its health, better once a late receivable has come in,
        better in peak season for seasonal firms."""
        base = self.health
        if self.cash_on is not None and today >= self.cash_on:
            base = min(1.0, base + 0.35)
        if self.firm.archetype == "seasonal_squeeze" and today.month in (11, 12, 1, 5, 6):
            base = min(1.0, base + 0.15)
        return base

    def engaged(self) -> float:
        """Willingness with the pressure the bank has put on it (bounded)."""
        return max(0.0, min(1.0, self.willingness + self.pressure))


@dataclass(frozen=True)
class Answer:
    """What came of one contact: the outcome recorded, and what the firm said it will do."""

    outcome: str
    reached: bool
    promise_days: int | None = None
    promise_share: float = 0.0
    open_to_plan: bool = False


def new_debtor(firm: Firm, seed: int, start: date) -> Debtor:
    """A firm's debtor with its own random stream (the same firm behaves the same under any policy)."""
    rng = random.Random(f"{seed}:{firm.key}")
    cash_on = None
    if firm.archetype == "late_receivable" and rng.random() < 0.5 + 0.5 * firm.health:
        cash_on = start + timedelta(days=rng.randrange(5, 75))
    needs = {"lawyers_letter", "joint_visit"} if firm.key == "JS-2023-06" else set()
    return Debtor(firm=firm, rng=rng, willingness=firm.willingness, cash_on=cash_on, needs=needs)


def answer(debtor: Debtor, channel: str, tier: str, today: date) -> Answer:
    """The firm's answer to an outbound contact on ``channel`` (the response model)."""
    rng, firm = debtor.rng, debtor.firm
    reach = REACH[channel]
    if channel == "email" and firm.industry in EMAIL_READERS:
        reach = min(1.0, reach + 0.05)
    if rng.random() >= reach:
        return Answer({"phone": "no_answer", "visit": "not_met"}.get(channel, "failed"), False)
    outcome = {"phone": "connected", "visit": "met"}.get(channel, "delivered")
    persuasion = PERSUASION[channel]
    if channel == "email" and firm.industry in EMAIL_READERS:
        persuasion = 0.3
    if channel == "visit":
        debtor.visits += 1
        if firm.region in VISIT_AVERSE_REGIONS:
            persuasion *= AVERSE_VISIT_FACTOR
            debtor.willingness = max(0.0, debtor.willingness - AVERSE_VISIT_RESENTMENT)
    if channel == "letter":
        debtor.letters += 1
        debtor.pressure = min(0.5, debtor.pressure + LETTER_PRESSURE * debtor.ability(today))
    engaged = debtor.engaged()
    if channel in ("phone", "visit") and rng.random() < 0.08 * (1 - engaged):
        return Answer("refused", True)
    ability = debtor.ability(today)
    if rng.random() >= persuasion * (0.3 + engaged):
        return Answer(outcome, channel in ("phone", "visit"))
    if ability > 0.55 or (tier == "low" and ability > 0.35):
        share = 1.0 if ability > 0.7 else rng.choice((0.3, 0.5, 1.0))
        return Answer(outcome, True, rng.randrange(*PROMISE_DAYS), share)
    return Answer(outcome, True, open_to_plan=True)


def keeps_promise(debtor: Debtor, today: date) -> bool:
    """Whether a promise made today will be kept (decided now, paid on its date)."""
    chance = debtor.ability(today) ** 0.8 * (0.55 + 0.45 * debtor.engaged())
    return debtor.rng.random() < chance


def signs_plan(debtor: Debtor, joint_visit: bool) -> bool:
    """Whether the firm signs the plan put to it."""
    if "lawyers_letter" in debtor.needs and debtor.letters == 0:
        return False
    if "joint_visit" in debtor.needs and not joint_visit:
        return False
    if debtor.needs:
        return True  # the named firm's story: with the letter and the joint visit behind it, it signs
    return debtor.rng.random() < 0.25 + 0.5 * debtor.engaged()


def pays_installment(debtor: Debtor, today: date) -> bool:
    """Whether the firm pays an instalment on time."""
    return debtor.rng.random() < 0.35 + 0.6 * debtor.ability(today)


def unasked_payment_share(debtor: Debtor, today: date) -> float:
    """On a given day, the share of its arrears the firm pays without being asked (0 mostly): a late
    receivable that came in, or spare cash."""
    if debtor.cash_on == today:
        return 1.0 if debtor.rng.random() < 0.5 + 0.5 * debtor.engaged() else 0.0
    if debtor.rng.random() < SPONTANEOUS_MONTHLY * debtor.ability(today) / 30:
        return debtor.rng.choice((0.2, 0.5))
    return 0.0


def plan_parameters(firm: Firm, amount_fen: int, start: date) -> tuple[str, dict[str, Any]]:
    """The plan a collector offers: its kind and parameters, from the firm's cash flow (``firm.plan``)."""
    kind = firm.plan
    if kind == "milestone":
        return kind, {"milestones": [(start + timedelta(days=30 * n)).isoformat() for n in (1, 2, 4)]}
    if kind == "seasonal":
        return kind, {"count": 6, "peak_months": [11, 12, 1, 5, 6], "peak_weight": 3, "off_weight": 1}
    if kind == "revenue_share":
        stores = {f"store-{n}": f"{(n + 2) * 100_000}.00" for n in range(1, 5)}
        return kind, {"count": 4, "stores": stores}
    if kind == "collateral":
        tranche = amount_fen // 3 + 100_000
        return kind, {
            "realisations": [
                {"due_on": (start + timedelta(days=30 * n)).isoformat(), "value": f"{tranche // 100}.00"}
                for n in (1, 2, 3)
            ]
        }
    return "equal", {"count": 4}
