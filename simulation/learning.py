"""The strategy that learns, respecting evidence: from the channel-effectiveness view, each segment's channels are
ranked by their posterior success rate; the proposal is a new policy version whose ``segments`` carry the orders
and their evidence.

The rule, per segment (industry x tier summed over regions, and industry x region x tier where that has the
evidence itself):
- a segment needs the policy's ``learning.min_segment_attempts`` contact attempts, a channel
  ``learning.min_channel_attempts``; a channel under its minimum never outranks one with evidence (it follows
  them in the tier's order);
- a channel's success is a promise to pay or a kept promise attributed to it (the view attributes each outcome
  to the case's last contact before it); its rate's posterior is Beta(1 + successes, 1 + failures), ranked by
  the posterior mean, shown with its 95% credible interval (quantiles of seeded draws, so reproducible);
- letters stay last (legal sends them on a deadline); a region's order is proposed only where it differs from
  its industry's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.case.values import Channel, Tier
from domain.strategy import LearningTerms, PolicyTerms, SegmentChannels
from projections.reports import ChannelReport

#: the defaults of the policy's learning terms (kept for readers and tests)
MIN_SEGMENT = LearningTerms().min_segment_attempts
MIN_CHANNEL = LearningTerms().min_channel_attempts
#: draws per posterior for its credible interval
DRAWS = 2000


@dataclass(frozen=True)
class ChannelEvidence:
    """One channel's record in a segment: attempts, successes, posterior mean and 95% credible interval."""

    channel: str
    attempts: int
    successes: int
    mean: float
    low: float
    high: float

    def text(self) -> str:
        """``phone 32/214 15.3% [10.9%, 20.3%]``."""
        return f"{self.channel} {self.successes}/{self.attempts} {self.mean:.1%} [{self.low:.1%}, {self.high:.1%}]"


@dataclass(frozen=True)
class SegmentProposal:
    """A segment's proposed order, the order it replaces, and the evidence."""

    industry: str
    tier: str
    channels: list[str]
    replaces: list[str]
    evidence: list[ChannelEvidence]
    region: str = ""


@dataclass(frozen=True)
class Proposal:
    """A new policy version: the current terms with the segments' orders."""

    terms: PolicyTerms
    segments: list[SegmentProposal]


Totals = dict[tuple[str, str, str], dict[str, tuple[int, int]]]


def segment_totals(report: ChannelReport) -> Totals:
    """(industry, region, tier) -> channel -> (attempts, successes); region "" sums the industry's regions."""
    totals: Totals = {}
    for item in report.items:
        if item.tier not in {t.value for t in Tier}:
            continue
        for region in ("", item.region):
            channels = totals.setdefault((item.industry, region, item.tier), {})
            for c in item.channels:
                attempts, successes = channels.get(c.channel, (0, 0))
                channels[c.channel] = (attempts + c.attempts, successes + min(c.attempts, c.promises + c.kept))
    return totals


def posterior(channel: str, attempts: int, successes: int, rng: random.Random) -> ChannelEvidence:
    """Beta(1 + successes, 1 + failures): its mean and the 2.5% and 97.5% quantiles of seeded draws."""
    alpha, beta = 1 + successes, 1 + attempts - successes
    draws = sorted(rng.betavariate(alpha, beta) for _ in range(DRAWS))
    return ChannelEvidence(
        channel, attempts, successes, alpha / (alpha + beta), draws[int(0.025 * DRAWS)], draws[int(0.975 * DRAWS)]
    )


def ranked(
    channels: dict[str, tuple[int, int]], current: list[str], terms: LearningTerms, rng: random.Random
) -> tuple[list[str], list[ChannelEvidence]]:
    """The order: channels with evidence by posterior mean, then the rest in the current order, letters last."""
    evidence = [
        posterior(name, attempts, successes, rng)
        for name, (attempts, successes) in sorted(channels.items())
        if attempts >= terms.min_channel_attempts and name != "letter"
    ]
    order = [e.channel for e in sorted(evidence, key=lambda e: (-e.mean, e.channel))]
    rest = [c for c in current if c not in order and c != "letter"]
    return order + rest + (["letter"] if "letter" in current else []), evidence


def propose(report: ChannelReport, terms: PolicyTerms, seed: int = 0) -> Proposal:
    """The proposal from the channel report under the current terms (see the module's rule)."""
    rng = random.Random(seed)
    learning = terms.learning
    proposals: list[SegmentProposal] = []
    segments: list[SegmentChannels] = []
    industry_orders: dict[tuple[str, str], list[str]] = {}
    for (industry, region, tier), channels in sorted(segment_totals(report).items()):
        if sum(a for a, _ in channels.values()) < learning.min_segment_attempts:
            continue
        base = industry_orders.get((industry, tier))
        current = base if region and base else [str(c) for c in terms.channels_for(Tier(tier), industry, region)]
        order, evidence = ranked(channels, current, learning, rng)
        if not region:
            industry_orders[(industry, tier)] = order
        if order == current or not evidence:
            continue
        proposals.append(SegmentProposal(industry, tier, order, current, evidence, region))
        segments.append(
            SegmentChannels(
                tier=Tier(tier),
                industry=industry,
                region=region,
                channels=[Channel(c) for c in order],
                evidence="; ".join(e.text() for e in evidence),
            )
        )
    replaced = {(x.industry, x.region, x.tier) for x in segments}
    kept = [s for s in terms.segments if (s.industry, s.region, s.tier) not in replaced]
    return Proposal(terms.model_copy(update={"segments": kept + segments}), proposals)
