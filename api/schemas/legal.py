"""Bodies of the legal clock's routes: interruptions recorded by hand, guarantees and their preservation."""

from __future__ import annotations

from pydantic import Field

from api.schemas.common import Attributed, CaseWritten, Day, ShortText, Text
from domain.case.values import GuaranteeType, LimitationCause


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


class GuaranteeIn(Attributed):
    """A guarantor's guarantee of the loan."""

    guarantor: ShortText = Field(min_length=1, description="the guarantor's name (a party the bank may contact)")
    guarantee_type: GuaranteeType = Field(description="general (一般保证) or joint (连带责任保证)")
    principal_due_on: Day | None = Field(
        default=None, description="end of the principal debt's performance period; default: the case's overdue_since"
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
