"""Learning that respects evidence (issue 20): channels ranked by posterior success with its interval shown; a
channel under the policy's minimum attempts never outranks one with evidence; segments by region as well."""

from __future__ import annotations

from domain.case.values import Channel, Tier
from domain.strategy import default_terms
from projections.reports import ChannelReport, ChannelSegment, ChannelStats
from simulation.learning import propose


def stats(channel: str, attempts: int, promises: int) -> ChannelStats:
    return ChannelStats(
        channel=channel,
        attempts=attempts,
        rpc=attempts,
        promises=promises,
        kept=0,
        paid_7d=0,
        rpc_rate=None,
        paid_7d_rate=None,
    )


def segment(region: str, *channels: ChannelStats, industry: str = "catering", tier: str = "medium") -> ChannelSegment:
    return ChannelSegment(
        industry=industry,
        region=region,
        tier=tier,
        channels=list(channels),
        recommended_order=[],
        sample_size=sum(c.attempts for c in channels),
    )


def test_sms_with_no_success_in_50_never_outranks_phone_with_32_in_214() -> None:
    report = ChannelReport(
        items=[segment("Hubei", stats("phone", 214, 32), stats("sms", 50, 0), stats("visit", 40, 5))]
    )
    proposal = propose(report, default_terms(), seed=3)
    for seed in range(5):  # whatever the seed: the rank is the posterior mean, not one draw
        order = propose(report, default_terms(), seed=seed).terms.channels_for(Tier.MEDIUM, "catering", "Hubei")
        assert order.index(Channel.PHONE) < order.index(Channel.SMS)
    shown = {e.channel: e for s in proposal.segments for e in s.evidence}
    assert shown["phone"].low < shown["phone"].mean < shown["phone"].high  # the interval is shown
    assert "32/214" in proposal.terms.segments[0].evidence


def test_a_channel_under_the_minimum_never_outranks_one_with_evidence() -> None:
    minimum = default_terms().learning.min_channel_attempts
    report = ChannelReport(items=[segment("Hubei", stats("phone", 200, 20), stats("email", minimum - 1, minimum - 1))])
    (proposal,) = propose(report, default_terms(), seed=1).segments or [None]
    order = proposal.channels if proposal else ["phone", "visit"]
    assert order.index("phone") < (order.index("email") if "email" in order else len(order))


def test_a_region_that_answers_differently_gets_its_own_order() -> None:
    report = ChannelReport(
        items=[
            segment("Hubei", stats("phone", 200, 40), stats("visit", 200, 10)),
            segment("Jiangsu", stats("phone", 100, 5), stats("visit", 100, 40)),
        ]
    )
    terms = propose(report, default_terms(), seed=1).terms
    assert terms.channels_for(Tier.MEDIUM, "catering", "Jiangsu")[0] is Channel.VISIT
    assert terms.channels_for(Tier.MEDIUM, "catering", "Hubei")[0] is Channel.PHONE
