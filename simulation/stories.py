"""What became of the seed's named firms (BRIEF.md's case study), told from each one's case events."""

from __future__ import annotations

from collections import Counter

from application.app import CollectionsApp
from demo.examples import SEED_EXAMPLES
from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    CaseResolved,
    ContactEvent,
    Deescalated,
    Escalated,
    LegalActionStarted,
    PaymentReceived,
    RepaymentPlanProposed,
    RiskAssessed,
    VisitCompleted,
)
from domain.case.judgement_events import ResidueWaived, ServiceBreachRecorded
from domain.errors import NotFoundError


def story(app: CollectionsApp, loan_id: str) -> str | None:
    """One line: the model's tier, the contacts by channel (joint visits), plans, agreements, legal action,
    what was paid and how the case ended."""
    try:
        events = app.case_events(app.case_id_for(loan_id))
    except NotFoundError:
        return None
    channels: Counter[str] = Counter(str(e.channel) for e in events if isinstance(e, ContactEvent))
    joint = sum(1 for e in events if isinstance(e, VisitCompleted) and "sim.legal" in e.staff)
    plans = {e.plan_id: str(e.kind) for e in events if isinstance(e, RepaymentPlanProposed)}
    parts = [next((f"{e.tier} (score {e.score})" for e in events if isinstance(e, RiskAssessed)), "unrated")]
    contacts = ", ".join(f"{n} {c}" for c, n in sorted(channels.items()))
    parts.append(f"contacts: {contacts or 'none'}" + (f" ({joint} joint credit+legal visits)" if joint else ""))
    parts += [
        f"{'escalated' if isinstance(e, Escalated) else 'de-escalated'} to {e.to_tier} {e.occurred_at:%m-%d}"
        + (f" [{e.rule}]" if e.rule else "")
        for e in events
        if isinstance(e, Escalated | Deescalated)
    ]
    breaches = sum(1 for e in events if isinstance(e, ServiceBreachRecorded))
    if breaches:
        parts.append(f"{breaches} service breaches (the bank's)")
    for e in events:
        if isinstance(e, AgreementSigned):
            parts.append(f"{plans.get(e.plan_id, '?')} agreement signed {e.signed_on:%m-%d}")
        elif isinstance(e, AgreementCompleted):
            parts.append(f"completed {e.occurred_at:%m-%d}")
        elif isinstance(e, AgreementDefaulted):
            parts.append(f"defaulted {e.occurred_at:%m-%d}")
        elif isinstance(e, LegalActionStarted):
            parts.append(f"{e.kind} {e.occurred_at:%m-%d}")
        elif isinstance(e, ResidueWaived):
            parts.append(f"residue {e.amount} waived {e.occurred_at:%m-%d}")
    paid = sum(e.amount.fen for e in events if isinstance(e, PaymentReceived))
    parts.append(f"paid {paid / 100_000_000:,.2f}m")
    resolved = [e for e in events if isinstance(e, CaseResolved)]
    parts.append(f"resolved {resolved[-1].resolution} {resolved[-1].occurred_at:%m-%d}" if resolved else "still open")
    return "; ".join(parts)


def firm_stories(app: CollectionsApp) -> list[tuple[str, str]]:
    """The named firms' stories (those in the store): the firm's key and its story."""
    return [(spec.key, told) for spec in SEED_EXAMPLES if (told := story(app, spec.loan_id)) is not None]
