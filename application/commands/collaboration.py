"""Commands of collaboration: department tasks, legal action, outside signals, notes, disputes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from application.commands.base import CaseCommand
from domain.case.values import (
    Department,
    GuaranteeType,
    GuarantorLimitationCause,
    LegalActionKind,
    LimitationCause,
    ProceedingsOutcome,
    Severity,
    SignalSource,
    SuspensionCause,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class AssignTask(CaseCommand):
    """Give a department a task; answers with its id."""

    department: Department
    title: str
    due_at: datetime | None = None
    assignee: str = ""
    task_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CompleteTask(CaseCommand):
    """Mark a task done."""

    task_id: str
    outcome: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class StartLegalAction(CaseCommand):
    """Start a legal measure (litigation, asset preservation, arbitration...); answers with its id."""

    kind: LegalActionKind
    summary: str = ""
    action_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordSignal(CaseCommand):
    """Record an outside signal about the enterprise (news, court, registry, fund movement...)."""

    source: SignalSource
    summary: str
    severity: Severity


@dataclass(frozen=True, kw_only=True, slots=True)
class AddNote(CaseCommand):
    """Add a note to a case."""

    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RaiseDispute(CaseCommand):
    """Record that the enterprise disputes the debt."""

    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ResolveDispute(CaseCommand):
    """Record that a dispute was settled."""

    outcome: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InterruptLimitation(CaseCommand):
    """Record an interruption of the limitation period the other commands do not carry (Civil Code art. 195):
    another evidenced demand (a recorded call, a notarised service...) or another circumstance with the same
    effect as filing suit; the period restarts on ``on``. ``evidence`` is required."""

    cause: LimitationCause
    on: date
    evidence: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SuspendLimitation(CaseCommand):
    """An obstacle of Civil Code art. 194 (force majeure, no legal representative, ...) keeps the bank from claiming:
    the period is suspended within its last six months; answers the day the suspension takes effect."""

    cause: SuspensionCause
    began_on: date
    evidence: str


@dataclass(frozen=True, kw_only=True, slots=True)
class EndLimitationSuspension(CaseCommand):
    """The obstacle was removed on ``ended_on``: the period ends six months later (art. 194(2)); answers its end."""

    ended_on: date
    evidence: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordGuarantee(CaseCommand):
    """Record a guarantor's guarantee of the loan: general or joint, the agreed end of its period (none: six
    months from the principal debt's end, art. 692); answers with the guarantee's id."""

    guarantor: str
    guarantee_type: GuaranteeType
    principal_due_on: date | None = None
    agreed_ends_on: date | None = None
    guarantee_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PreserveGuarantee(CaseCommand):
    """Record what preserved a guarantee within its period (art. 693) when no other command did: a demand to a
    joint guarantor by other means, suit against a general guarantee's debtor recorded elsewhere."""

    guarantee_id: str
    by: str
    evidence: str
    on: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseGuarantee(CaseCommand):
    """A guarantee period ended unpreserved: the guarantor is released (art. 693). The scheduler sends it with
    the period's end deadline, which fires exactly once."""

    guarantee_id: str
    deadline_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EndProceedings(CaseCommand):
    """The proceedings of a legal action ended (judgment, award, mediation, withdrawal, enforcement terminated...)
    on ``ended_on``: the limitation period they suspended runs anew from that day (Civil Code art. 195);
    enforcement ended unsatisfied starts the preserved general guarantors' periods (art. 694(1)). Answers True
    when the period restarted."""

    action_id: str
    outcome: ProceedingsOutcome
    ended_on: date
    summary: str = ""
    #: the last day of the performance period a judgment, award or mediation statement sets (None: it sets none);
    #: the two-year period to apply for enforcement runs from it (Civil Procedure Law art. 250)
    performance_due_on: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class InterruptGuarantorLimitation(CaseCommand):
    """Start a guarantor's own limitation period (art. 694: ``refusal_right_ended`` for a general guarantee whose
    right to refuse ended; ``requested`` for a joint one) or interrupt it (``demand``, ``part_payment``,
    ``promise``: art. 195) on ``on``, with what proves it. Answers True when the period was (re)set."""

    guarantee_id: str
    cause: GuarantorLimitationCause
    on: date
    evidence: str
