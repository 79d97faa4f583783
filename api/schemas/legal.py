"""Bodies of the legal clock's routes: interruptions recorded by hand, the end of proceedings, guarantees, their
preservation and the guarantor's own limitation period."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Attributed, CaseWritten, Day, ShortText, Text
from domain.case.values import (
    GuaranteeType,
    GuarantorLimitationCause,
    LimitationCause,
    ProceedingsOutcome,
    SuspensionCause,
)


class InterruptionIn(Attributed):
    """An interruption of the limitation period no other write carries (Civil Code art. 195)."""

    cause: LimitationCause = Field(
        description="demand (another evidenced demand), part_payment, promise, agreement, litigation, arbitration "
        "or other (a circumstance with the same effect as filing suit)"
    )
    on: Day = Field(description="the day it happened; the period restarts from it")
    evidence: Text = Field(min_length=1, description="what proves it (a call recording id, a notarised service...)")


class InterruptionOut(CaseWritten):
    """Whether the period restarted (false: no later than the last restart, or a demand after it ended)."""

    restarted: bool = Field(description="true when a LimitationRestarted was recorded")


class SuspensionIn(Attributed):
    """An obstacle that suspends the limitation period in its last six months (Civil Code art. 194)."""

    cause: SuspensionCause = Field(
        description="force_majeure, no_legal_representative, no_heir_or_administrator, controlled_by_obligor or other"
    )
    began_on: Day = Field(description="the day the obstacle began (it suspends from the last six months' start)")
    evidence: Text = Field(min_length=1, description="what proves it (a notice, a certificate...)")


class SuspensionOut(CaseWritten):
    """The day the suspension takes effect."""

    effective_from: str = Field(description="the obstacle's start, or the start of the period's last six months")


class SuspensionEndIn(Attributed):
    """The obstacle was removed (art. 194(2))."""

    ended_on: Day = Field(description="the day the cause of the suspension was removed")
    evidence: Text = Field(min_length=1, description="what proves it")


class SuspensionEndOut(CaseWritten):
    """The period's new end: six months after the obstacle was removed, never earlier than before."""

    limitation_ends_on: str = Field(description="the period's last day")


class GuaranteeIn(Attributed):
    """A guarantor's guarantee of the loan."""

    guarantor: ShortText = Field(min_length=1, description="the guarantor's name (a party the bank may contact)")
    guarantee_type: GuaranteeType = Field(description="general (一般保证) or joint (连带责任保证)")
    principal_due_on: Day | None = Field(
        default=None,
        description="end of the principal debt's performance period; default: the loan's last due date (its last "
        "instalment's; a case opened with one overdue amount: its overdue_since)",
    )
    agreed_ends_on: Day | None = Field(
        default=None, description="the agreed end of the guarantee period; none: six months after the principal debt"
    )


class GuaranteeCreated(CaseWritten):
    """The guarantee was recorded with its period."""

    guarantee_id: str = Field(description="the guarantee's id")


class PreservationIn(Attributed):
    """What preserved a guarantee within its period (art. 693) when no other write recorded it."""

    by: ShortText = Field(min_length=1, description="e.g. demand, litigation, arbitration")
    evidence: Text = Field(min_length=1, description="what proves it")
    on: Day | None = Field(default=None, description="the day it happened; default: occurred_at's day")


class LegalActionCreated(CaseWritten):
    """A legal action was started."""

    action_id: str = Field(description="the legal action's id (to record the end of its proceedings)")


class ProceedingsEndIn(Attributed):
    """How and when a legal action's proceedings ended (Civil Code art. 195: the period runs anew from then)."""

    outcome: ProceedingsOutcome = Field(
        description="judgment, award, mediation, withdrawn, dismissed, enforcement_unsatisfied (terminated with the "
        "debt unsatisfied: starts the general guarantors' periods, art. 694(1)), enforcement_completed or other"
    )
    ended_on: Day = Field(
        description="the day the proceedings ended (the judgment or ruling served); the period restarts from it"
    )
    summary: Text = Field(default="", description="e.g. the judgment's or ruling's number")
    performance_due_on: Day | None = Field(
        default=None,
        description="a judgment, award or mediation statement: the last day of the performance period it sets; the "
        "two-year period to apply for enforcement runs from it (Civil Procedure Law art. 250), from ended_on "
        "(its effective date) when it sets none",
    )


class ProceedingsEndOut(CaseWritten):
    """Whether the limitation period restarted (false: other proceedings still suspend it, or these did not)."""

    restarted: bool = Field(description="true when a LimitationRestarted was recorded")


class GuarantorInterruptionIn(Attributed):
    """What started or interrupted a guarantor's own limitation period (Civil Code arts. 694, 195)."""

    cause: GuarantorLimitationCause = Field(
        description="refusal_right_ended (a general guarantor's right to refuse ended: art. 694(1)), requested (a "
        "joint guarantor was asked to bear liability: art. 694(2)), demand, part_payment or promise (art. 195)"
    )
    on: Day = Field(description="the day it happened; the guarantor's period runs from it")
    evidence: Text = Field(min_length=1, description="what proves it (a served ruling, a signed receipt...)")


class GuarantorInterruptionOut(CaseWritten):
    """Whether the guarantor's period was (re)set (false: already started, or no later than its last restart)."""

    restarted: bool = Field(description="true when a GuarantorLimitationSet was recorded")
