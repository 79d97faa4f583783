"""How the legal clock's events read: the limitation period, its interruptions and suspensions, guarantees,
proceedings."""

from __future__ import annotations

from domain.case.events import LegalActionStarted, LimitationPeriodSet
from domain.case.legal_events import (
    GuaranteePreserved,
    GuaranteeRecorded,
    GuaranteeReleased,
    GuarantorLimitationSet,
    LegalProceedingsEnded,
    LimitationRestarted,
    LimitationSuspended,
    LimitationSuspensionBegan,
    LimitationSuspensionEnded,
)
from domain.narration.dispatch import describe


@describe.register
def _(e: LimitationPeriodSet) -> str:
    return f"limitation period runs {e.starts_on} → {e.ends_on} ({e.basis})"


@describe.register
def _(e: LimitationRestarted) -> str:
    named = f"{e.by_event} " if e.by_event else "event "
    by = f" ({named}v{e.by_version})" if e.by_version is not None else f" ({e.evidence})" if e.evidence else ""
    return f"limitation period interrupted by {e.cause}{by} on {e.restarts_on}; now ends {e.ends_on} — {e.article}"


@describe.register
def _(e: GuaranteeRecorded) -> str:
    return f"{e.guarantee_type} guarantee by {e.guarantor}: its period ends {e.period_ends_on} ({e.basis})"


@describe.register
def _(e: GuaranteePreserved) -> str:
    return f"guarantee {e.guarantee_id} preserved by {e.by} on {e.preserved_on} — {e.article}"


@describe.register
def _(e: GuaranteeReleased) -> str:
    return f"guarantee {e.guarantee_id} released: its period ended {e.period_ended_on} unpreserved (art. 693)"


@describe.register
def _(e: LimitationSuspended) -> str:
    return (
        f"limitation period interrupted by {e.kind} {e.action_id} filed on {e.filed_on}; suspended until the end"
        f" of the proceedings — {e.article}"
    )


@describe.register
def _(e: LimitationSuspensionBegan) -> str:
    return (
        f"limitation period suspended from {e.effective_from} ({e.cause}, began {e.began_on}; it ended"
        f" {e.ends_on} before) — {e.article}"
    )


@describe.register
def _(e: LimitationSuspensionEnded) -> str:
    return f"the suspension's cause ({e.cause}) ended on {e.ended_on}: the period now ends {e.ends_on} — {e.article}"


@describe.register
def _(e: LegalProceedingsEnded) -> str:
    summary = f" ({e.summary})" if e.summary else ""
    return f"proceedings of legal action {e.action_id} ended on {e.ended_on}: {e.outcome}{summary}"


@describe.register
def _(e: GuarantorLimitationSet) -> str:
    verb = "started" if e.previous_ends_on is None else "interrupted"
    return (
        f"limitation period against guarantee {e.guarantee_id} {verb} by {e.cause} on {e.starts_on}; ends"
        f" {e.ends_on} — {e.article}"
    )


@describe.register
def _(e: LegalActionStarted) -> str:
    return f"legal action started: {e.kind}" + (f" ({e.summary})" if e.summary else "")
