"""The strategy that learns: from the channel-effectiveness view, Thompson sampling (seeded) orders each
segment's channels; the proposal is a new policy version whose ``segments`` carry the orders and their evidence.

The rule, per segment (industry x tier, summed over regions):
- a segment needs ``MIN_SEGMENT`` contact attempts, a channel ``MIN_CHANNEL``, or they keep the tier's order;
- a channel's success is a promise to pay or a kept promise attributed to it (the view attributes each
  outcome to the case's last contact before it); its rate's posterior is Beta(1 + successes, 1 + failures);
- one draw per channel from its posterior (a seeded RNG, so a proposal is reproducible), highest first;
  channels without enough data follow in the tier's order; letters stay last (legal sends them on a deadline).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.case.values import Channel, Tier
from domain.strategy import PolicyTerms, SegmentChannels
from projections.reports import ChannelReport

MIN_SEGMENT = 40
MIN_CHANNEL = 10


@dataclass(frozen=True)
class ChannelEvidence:
    """One channel's record in a segment and the draw that placed it."""

    channel: str
    attempts: int
    successes: int
    draw: float


@dataclass(frozen=True)
class SegmentProposal:
    """A segment's proposed order, the tier's order it replaces, and the evidence."""

    industry: str
    tier: str
    channels: list[str]
    replaces: list[str]
    evidence: list[ChannelEvidence]


@dataclass(frozen=True)
class Proposal:
    """A new policy version: the current terms with the segments' orders."""

    terms: PolicyTerms
    segments: list[SegmentProposal]


def segment_totals(report: ChannelReport) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """(industry, tier) -> channel -> (attempts, successes), summed over regions."""
    totals: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for item in report.items:
        if item.tier not in {t.value for t in Tier}:
            continue
        channels = totals.setdefault((item.industry, item.tier), {})
        for c in item.channels:
            attempts, successes = channels.get(c.channel, (0, 0))
            channels[c.channel] = (attempts + c.attempts, successes + min(c.attempts, c.promises + c.kept))
    return totals


def propose(report: ChannelReport, terms: PolicyTerms, seed: int = 0) -> Proposal:
    """The proposal from the channel report under the current terms (see the module's rule)."""
    rng = random.Random(seed)
    proposals: list[SegmentProposal] = []
    segments: list[SegmentChannels] = []
    for (industry, tier), channels in sorted(segment_totals(report).items()):
        if sum(a for a, _ in channels.values()) < MIN_SEGMENT:
            continue
        current = [str(c) for c in terms.channels_for(Tier(tier), industry)]
        evidence = [
            ChannelEvidence(name, attempts, successes, rng.betavariate(1 + successes, 1 + attempts - successes))
            for name, (attempts, successes) in sorted(channels.items())
            if attempts >= MIN_CHANNEL and name != "letter"
        ]
        ranked = [e.channel for e in sorted(evidence, key=lambda e: -e.draw)]
        rest = [c for c in current if c not in ranked and c != "letter"]
        order = ranked + rest + (["letter"] if "letter" in current else [])
        if order == current:
            continue
        proposals.append(SegmentProposal(industry, tier, order, current, evidence))
        text = "; ".join(f"{e.channel} {e.successes}/{e.attempts}" for e in evidence)
        segments.append(
            SegmentChannels(tier=Tier(tier), industry=industry, channels=[Channel(c) for c in order], evidence=text)
        )
    kept = [s for s in terms.segments if (s.industry, s.tier) not in {(x.industry, x.tier) for x in segments}]
    return Proposal(terms.model_copy(update={"segments": kept + segments}), proposals)
