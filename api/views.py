"""Domain objects → the API's answers and JSON-ready dicts (decimal-string amounts, ISO times)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from domain.base import Actor
from domain.case import CollectionCase
from domain.classification import bucket
from domain.enterprise import Enterprise
from domain.money import Money
from domain.narration import describe
from projections.base import utc_text
from projections.models import ActorOut, CaseDeadline, CaseProgress, DelinquencyClass, TimelineItem

#: fields every event has; the timeline shows them at the top level, not under ``data``
ENVELOPE = {"originator_id", "originator_version", "timestamp", "actor", "occurred_at", "originator_topic"}


def to_api(value: Any) -> Any:
    """Money → decimal string, times → ISO 8601, models → dicts, recursively."""
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Actor):
        return {"user_id": value.user_id, "role": str(value.role)}
    if isinstance(value, BaseModel):
        return {name: to_api(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_api(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_api(v) for v in value]
    return value


def case_progress(case: CollectionCase, day: date | None = None) -> CaseProgress:
    """The progress of a case as it stands (now or at a past version), replayed rather than read from the view.
    With ``day``, its money, days past due and category are the one position function's on that day."""
    next_due = case.next_action_due()
    outstanding, overdue, since = case.outstanding, case.overdue_amount, case.overdue_since
    days = case.days_past_due if case.delinquency_bucket else None
    classification = (
        DelinquencyClass(
            bucket=case.delinquency_bucket,
            category=case.loan_category or "",
            rule_ids=list(case.category_rules),
            reason=case.category_reason,
        )
        if case.delinquency_bucket
        else None
    )
    if day is not None:
        now = case.position_as_of(day)
        judged = case.judge(day)
        outstanding = Money.of(now.outstanding_fen, case.currency)
        overdue = Money.of(now.overdue_fen, case.currency)
        since, days = now.overdue_since or since, now.days_past_due
        classification = DelinquencyClass(
            bucket=bucket(now.days_past_due),
            category=str(judged.category),
            rule_ids=list(judged.rule_ids),
            reason=judged.reason,
        )
    return CaseProgress(
        case_id=str(case.id),
        version=case.version,
        loan_id=case.loan_id,
        enterprise_id=str(case.enterprise_id),
        status=case.status.value,
        resolution=case.resolution.value if case.resolution else None,
        tier=case.tier.value if case.tier else None,
        score=case.score,
        collector=case.collector,
        currency=case.currency,
        principal=str(case.principal),
        outstanding=str(outstanding),
        overdue_amount=str(overdue),
        overdue_since=since.isoformat(),
        paid=str(case.paid),
        opened_at=case.opened_at.isoformat(),
        last_contact_at=case.last_contact_at.isoformat() if case.last_contact_at else None,
        next_action_due=next_due.isoformat() if next_due else None,
        contact_counts=dict(case.contact_counts),
        open_tasks=sum(1 for t in case.tasks.values() if t.status == "open"),
        open_deadlines=sum(1 for d in case.deadlines.values() if d.status == "open"),
        disputed=case.disputed,
        days_past_due=days,
        classification=classification,
        limitation_ends_on=case.limitation_ends_on.isoformat() if case.limitation_ends_on else None,
        policy_version=case.policy_version,
        deadlines=[
            CaseDeadline(
                deadline_id=d.deadline_id,
                kind=d.kind,
                due_at=utc_text(d.due_at),
                action=d.action,
                met_by=list(d.met_by),
            )
            for d in case.open_deadlines()
        ],
    )


def timeline_item(event: Any) -> TimelineItem:
    """One readable timeline entry: who, when, what, and the event's own fields under ``data``."""
    actor = getattr(event, "actor", None)
    return TimelineItem(
        version=event.originator_version,
        type=type(event).__name__,
        occurred_at=event.occurred_at.isoformat(),
        recorded_at=event.timestamp.isoformat(),
        actor=ActorOut(user_id=actor.user_id, role=str(actor.role)) if actor is not None else None,
        summary=describe(event),
        data={name: to_api(getattr(event, name)) for name in type(event).model_fields if name not in ENVELOPE},
    )


def enterprise_view(enterprise: Enterprise) -> dict[str, Any]:
    """An enterprise with its registration, contacts, statements and loan history."""
    registration = enterprise.registration
    return {
        "enterprise_id": str(enterprise.id),
        "version": enterprise.version,
        **{k: v for k, v in to_api(registration).items()},
        "contacts": to_api(enterprise.contacts),
        "financial_statements": [to_api(s) for s in enterprise.statements_in_order()],
        "loan_records": [to_api(r) for r in enterprise.loans.values()],
        "do_not_contact": enterprise.do_not_contact,
        "do_not_contact_reason": enterprise.do_not_contact_reason,
    }
