"""The events of the strategy's judgement (issue 20): a service breach (the bank's own work left undone), a residue
waived, and a review of the debtor's tier (the state fields they keep are in ``CaseFields``)."""

from __future__ import annotations

from datetime import datetime

from domain.case.events import CaseEvent
from domain.case.values import Tier
from domain.money import Money


class ServiceBreachRecorded(CaseEvent):
    """A deadline on the bank's own work (a visit, a letter, a task) passed unmet: a breach of service for the
    supervisor, never a change of the debtor's tier."""

    deadline_id: str
    kind: str
    #: the department whose work it was
    responsible: str
    due_at: datetime
    summary: str = ""


class ResidueWaived(CaseEvent):
    """What remained, at or below the policy's residue threshold, was waived (the case then closes)."""

    amount: Money
    threshold: Money
    approved_by: str
    reason: str
    policy_version: int | None = None


class TierReviewed(CaseEvent):
    """A periodic (or event-driven) review of the debtor's tier: what the model said, what the rules decided."""

    assessed_tier: Tier
    score: int
    tier: Tier
    #: the rule that moved the tier ("" when it stayed)
    rule: str = ""
    reason: str = ""
    days_past_due: int = 0
    #: reviews in a row that rated the debtor gentler than its tier (hysteresis)
    lower_reviews: int = 0
    trigger: str = "periodic"
