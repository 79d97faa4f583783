"""The reports, typed, and how each is read from its view in one read transaction: portfolio KPIs, channel
effectiveness, compliance (required contacts vs made, with evidence, and overrides)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from infrastructure.view_store import ViewTx
from projections.base import fen_text
from projections.models import ActorOut
from projections.portfolio import BUCKETS


def rate(part: int, whole: int) -> str | None:
    """A ratio as a decimal string with four places (null when there is nothing to divide by)."""
    return f"{part / whole:.4f}" if whole else None


class BalancePoint(BaseModel):
    """The overdue balance of a tier after a day's changes."""

    day: str = Field(description="the day (business time)")
    tier: str = Field(description="low, medium, high or unrated")
    balance: str = Field(description="the tier's overdue balance at the end of that day")


class RollRate(BaseModel):
    """Cases rolling from one days-past-due bucket to the next."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="the bucket they left")
    to: str = Field(description="the bucket they entered")
    count: int = Field(description="how many rolls")
    rate: str | None = Field(description="rolls over cases that entered the bucket they left")


class PortfolioReport(BaseModel):
    """Portfolio KPIs."""

    overdue_balance_by_tier: dict[str, str] = Field(description="the overdue balance now, per tier")
    overdue_balance_over_time: list[BalancePoint] = Field(description="the balance per tier, day by day")
    cases_opened: int = Field(description="cases opened")
    cases_resolved: int = Field(description="cases resolved")
    recovered: str = Field(description="money received")
    recovery_rate: str | None = Field(description="recovered over the overdue amounts of the opened cases")
    cure_rate: str | None = Field(description="cured cases over opened ones")
    promise_kept_rate: str | None = Field(description="promises kept over promises kept or broken")
    right_party_contact_rate: str | None = Field(description="contacts that reached the right party over contacts")
    roll_rates: list[RollRate] = Field(description="rolls between days-past-due buckets")
    buckets: list[str] = Field(description="the days-past-due buckets, in order")
    counters: dict[str, int] = Field(description="the raw counters behind the rates")


class ChannelStats(BaseModel):
    """One channel's record in a segment."""

    channel: str = Field(description="phone, sms, email, website, visit or letter")
    attempts: int = Field(description="contacts made")
    rpc: int = Field(description="right-party contacts")
    promises: int = Field(description="promises to pay that followed")
    kept: int = Field(description="of those, kept")
    paid_7d: int = Field(description="payments within 7 days of a contact")
    rpc_rate: str | None = Field(description="rpc over attempts")
    paid_7d_rate: str | None = Field(description="paid_7d over attempts")


class ChannelSegment(BaseModel):
    """The channels' record for one industry, region and tier."""

    industry: str = Field(description="the borrowers' industry")
    region: str = Field(description="the borrowers' region")
    tier: str = Field(description="the cases' tier")
    channels: list[ChannelStats] = Field(description="each channel tried")
    recommended_order: list[str] = Field(description="channels, the most effective first")
    sample_size: int = Field(description="contacts the order rests on")


class ChannelReport(BaseModel):
    """Channel effectiveness per segment."""

    items: list[ChannelSegment] = Field(description="one entry per segment")


class Evidence(BaseModel):
    """The stored event that proves something."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the event's version in the case")


class RequirementEvidence(Evidence):
    """An event behind a required contact."""

    role: str = Field(description="required_by (set the requirement) or met_by (the contact)")


class ComplianceGap(BaseModel):
    """A required contact made late or not at all."""

    case_id: str = Field(description="the case")
    tier: str = Field(description="the tier that required it")
    kind: str = Field(description="what contact was required")
    status: str = Field(description="late or missing")
    due_at: str = Field(description="when it was due")
    met_at: str | None = Field(description="when it was made (late ones)")
    evidence: list[RequirementEvidence] = Field(description="the events that prove it")


class ComplianceOverride(BaseModel):
    """A contact a supervisor made against the contact policy."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the contact's version in the case")
    type: str = Field(description="the contact event's type")
    rules: list[str] = Field(description="the contact-policy rules it overrode")
    reason: str = Field(description="why")
    actor: ActorOut = Field(description="who made it")
    occurred_at: str | None = Field(description="when")
    evidence: list[Evidence] = Field(description="the event that proves it")


class ComplianceBreach(BaseModel):
    """A contact recorded although it broke the contact policy, without a supervisor's prior override."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the contact's version in the case")
    type: str = Field(description="the contact event's type")
    rules: list[str] = Field(description="the contact-policy rules it broke")
    actor: ActorOut = Field(description="who made it")
    occurred_at: str | None = Field(description="when")
    evidence: list[Evidence] = Field(description="the event that proves it")


class ComplianceReport(BaseModel):
    """Required contacts vs made, violations with evidence, overrides."""

    as_of: str = Field(description="the moment open requirements were judged at")
    requirements: int = Field(description="contacts required so far")
    by_status: dict[str, int] = Field(description="requirements per status (met, late, missing, open...)")
    violations: list[ComplianceGap] = Field(description="late and missing contacts")
    overrides: list[ComplianceOverride] = Field(description="every supervisor override")
    breaches: list[ComplianceBreach] = Field(
        default=[], description="every contact recorded with broken rules (each queued to the supervisor)"
    )


def portfolio_report(tx: ViewTx) -> PortfolioReport:
    """KPIs: overdue balance over time and by tier, recovery, cure, roll, promise-kept and RPC rates."""
    counters = {r["name"]: int(r["value"]) for r in tx.query("SELECT name, value FROM portfolio_counters")}
    running: dict[str, int] = {}
    over_time = []
    for row in tx.query("SELECT day, tier, delta_fen FROM portfolio_balance ORDER BY day, tier"):
        running[row["tier"]] = running.get(row["tier"], 0) + int(row["delta_fen"])
        over_time.append(BalancePoint(day=row["day"], tier=row["tier"], balance=fen_text(running[row["tier"]]) or ""))
    rolls = tx.query("SELECT from_bucket, to_bucket, count FROM portfolio_rolls ORDER BY from_bucket, to_bucket")
    c = counters.get
    return PortfolioReport(
        overdue_balance_by_tier={tier: fen_text(fen) or "" for tier, fen in sorted(running.items())},
        overdue_balance_over_time=over_time,
        cases_opened=c("cases_opened", 0),
        cases_resolved=c("cases_resolved", 0),
        recovered=fen_text(c("recovered_fen", 0)) or "",
        recovery_rate=rate(c("recovered_fen", 0), c("opened_fen", 0)),
        cure_rate=rate(c("cases_cured", 0), c("cases_opened", 0)),
        promise_kept_rate=rate(c("promises_kept", 0), c("promises_kept", 0) + c("promises_broken", 0)),
        right_party_contact_rate=rate(c("right_party_contacts", 0), c("contacts", 0)),
        roll_rates=[
            RollRate(
                from_=r["from_bucket"],
                to=r["to_bucket"],
                count=int(r["count"]),
                rate=rate(int(r["count"]), c(f"entered:{r['from_bucket']}", 0)),
            )
            for r in rolls
        ],
        buckets=["current", *(label for _, label in BUCKETS), ">360"],
        counters=counters,
    )


def channel_report(tx: ViewTx) -> ChannelReport:
    """Per segment (industry, region, tier) x channel: counts and rates, and the recommended channel order."""
    segments: dict[tuple[str, str, str], list[ChannelStats]] = {}
    for row in tx.query("SELECT * FROM channel_stats ORDER BY industry, region, tier, channel"):
        attempts, rpc, paid = int(row["attempts"]), int(row["rpc"]), int(row["paid_7d"])
        segments.setdefault((row["industry"], row["region"], row["tier"]), []).append(
            ChannelStats(
                channel=row["channel"],
                attempts=attempts,
                rpc=rpc,
                promises=int(row["promises"]),
                kept=int(row["kept"]),
                paid_7d=paid,
                rpc_rate=rate(rpc, attempts),
                paid_7d_rate=rate(paid, attempts),
            )
        )
    items = []
    for (industry, region, tier), channels in segments.items():
        order = sorted(
            channels,
            key=lambda i: (-(i.paid_7d + i.kept) / max(i.attempts, 1), -i.rpc / max(i.attempts, 1), i.channel),
        )
        items.append(
            ChannelSegment(
                industry=industry,
                region=region,
                tier=tier,
                channels=channels,
                recommended_order=[i.channel for i in order],
                sample_size=sum(i.attempts for i in channels),
            )
        )
    return ChannelReport(items=items)


def compliance_report(tx: ViewTx, now: str) -> ComplianceReport:
    """Required contacts vs made as of ``now``: met, late and missing ones with their evidence, and overrides.

    Every query runs before any row is judged: the read transaction must not sit idle while Python works (on
    PostgreSQL a long pause is ended by ``idle_in_transaction_session_timeout``, 5 s by default)."""
    rows = tx.query("SELECT * FROM compliance_requirements ORDER BY case_id, seq")
    override_rows = tx.query("SELECT * FROM compliance_overrides ORDER BY case_id, version")
    breach_rows = tx.query("SELECT * FROM compliance_breaches ORDER BY case_id, version")
    counts: dict[str, int] = {}
    gaps = []
    for row in rows:
        status = row["status"]
        if (status == "open" and row["due_at"] < now) or status == "missed":
            status = "missing"
        counts[status] = counts.get(status, 0) + 1
        if status in ("late", "missing"):
            evidence = [
                RequirementEvidence(case_id=row["case_id"], version=int(row[role]), role=role)
                for role in ("required_by", "met_by")
                if row[role] is not None
            ]
            gaps.append(
                ComplianceGap(
                    case_id=row["case_id"],
                    tier=row["tier"],
                    kind=row["kind"],
                    status=status,
                    due_at=row["due_at"],
                    met_at=row["met_at"],
                    evidence=evidence,
                )
            )
    overrides = [
        ComplianceOverride(
            case_id=r["case_id"],
            version=int(r["version"]),
            type=r["type"],
            rules=[x for x in r["rules"].split(",") if x],
            reason=r["reason"],
            actor=ActorOut(user_id=r["actor_user"], role=r["actor_role"]),
            occurred_at=r["occurred_at"],
            evidence=[Evidence(case_id=r["case_id"], version=int(r["version"]))],
        )
        for r in override_rows
    ]
    breaches = [
        ComplianceBreach(
            case_id=r["case_id"],
            version=int(r["version"]),
            type=r["type"],
            rules=[x for x in r["rules"].split(",") if x],
            actor=ActorOut(user_id=r["actor_user"], role=r["actor_role"]),
            occurred_at=r["occurred_at"],
            evidence=[Evidence(case_id=r["case_id"], version=int(r["version"]))],
        )
        for r in breach_rows
    ]
    return ComplianceReport(
        as_of=now,
        requirements=len(rows),
        by_status=counts,
        violations=gaps,
        overrides=overrides,
        breaches=breaches,
    )
