"""Commands of assessment and treatment: risk, strategy, escalation, deadlines, the legal clock, the policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.commands.base import CaseCommand, Command
from domain.case.values import Channel, Reason, Tier
from domain.strategy import PolicyTerms


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessRisk(CaseCommand):
    """Run the risk model on the case's enterprise; record the assessment, then the policy's treatment for
    the tier, the legal clock and the classification. Answers with an ``Assessment``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordAssessment(CaseCommand):
    """Record a risk assessment as a model produced it elsewhere."""

    model_version: str
    score: int
    tier: Tier
    reasons: tuple[Reason, ...]
    features: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class AssignStrategy(CaseCommand):
    """Put a case under a policy's treatment."""

    policy_version: int
    tier: Tier
    treatment: str
    channels: tuple[Channel, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Escalate(CaseCommand):
    """Escalate a case to a higher tier; with a deadline id it fires exactly once."""

    to_tier: Tier
    reason: str
    deadline_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewStrategy(CaseCommand):
    """Re-assess the debtor and move its tier by the policy's rules (domain/judgement.py), waive a residue, and
    set the next review. With the review deadline's id (the scheduler), that deadline fires exactly once."""

    deadline_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Deescalate(CaseCommand):
    """A supervisor lowers the case's tier, with a reason, once its arrears are cleared or while an agreement is
    in good standing; the lower tier's treatment then applies."""

    to_tier: Tier
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SetDeadline(CaseCommand):
    """Set a deadline (``action`` says what happens when it passes unmet, ``met_by`` what meets it);
    answers with its id."""

    kind: str
    due_at: datetime
    action: str
    deadline_id: str | None = None
    met_by: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class MeetDeadline(CaseCommand):
    """Record that a deadline was met."""

    deadline_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CancelDeadline(CaseCommand):
    """Withdraw a deadline, with a reason."""

    deadline_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpireDeadline(CaseCommand):
    """A deadline passed unmet: record it (exactly once per deadline) and take its action (a reminder, a
    notice, a legal task). The scheduler sends it for deadlines whose action is no other command's."""

    deadline_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewLegalClock(CaseCommand):
    """Start the limitation clock if needed; give legal a task when it nears its end (once per end date).
    With the warning deadline's id (the scheduler), that deadline fires exactly once."""

    deadline_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClassifyCase(CaseCommand):
    """Recompute days past due, bucket and five-category classification (an event only on change)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishPolicy(Command):
    """Publish a new version of the strategy policy; answers with its number."""

    terms: PolicyTerms
    note: str = ""
    expected_version: int | None = None
