"""The events of the legal clock and of guarantees (Civil Code arts. 188, 192, 195, 692-693), and of the response
to a severe signal: immutable, past tense, each carrying its actor and business time like every case event."""

from __future__ import annotations

from datetime import date

from domain.case.events import CaseEvent
from domain.case.values import (
    GuaranteeType,
    GuarantorLimitationCause,
    LegalActionKind,
    LimitationCause,
    ProceedingsOutcome,
    SuspensionCause,
)


class LimitationRestarted(CaseEvent):
    """The limitation period was interrupted (Civil Code art. 195) and runs anew from ``restarts_on``; the
    ``LimitationPeriodSet`` that follows moves its end and warning."""

    cause: LimitationCause
    #: the case version of the event that interrupted it (None: recorded by hand with ``evidence``)
    by_version: int | None = None
    #: the type of that event (``LetterSent``, ``SmsSent``, ``CallLogged``, ``PaymentReceived``...)
    by_event: str = ""
    restarts_on: date
    ends_on: date
    previous_ends_on: date | None = None
    #: the article the interruption rests on, e.g. "Civil Code art. 195(2)"
    article: str
    evidence: str = ""


class GuaranteeRecorded(CaseEvent):
    """A guarantor guarantees the loan: its type and its guarantee period (保证期间, Civil Code art. 692)."""

    guarantee_id: str
    guarantor: str
    guarantee_type: GuaranteeType
    #: the end of the principal debt's performance period, from which an unagreed period runs
    principal_due_on: date
    #: the agreed end of the guarantee period (None: not agreed, or agreed no later than the principal debt)
    agreed_ends_on: date | None = None
    period_ends_on: date
    basis: str
    warn_days_before: int


class GuaranteePreserved(CaseEvent):
    """The creditor acted against the guarantee within its period (art. 693): the guarantor stays liable."""

    guarantee_id: str
    #: what preserved it: ``litigation``/``arbitration`` against the debtor (general) or ``demand`` (joint)
    by: str
    by_version: int | None = None
    preserved_on: date
    article: str
    evidence: str = ""


class GuaranteeReleased(CaseEvent):
    """The guarantee period ended with nothing done that preserves it: the guarantor is released (art. 693)."""

    guarantee_id: str
    period_ended_on: date


class LimitationSuspended(CaseEvent):
    """Suit, arbitration or a measure with the same effect interrupted the limitation period on ``filed_on`` (Civil
    Code art. 195(3)(4)); it does not run while the proceedings are pending and runs anew from the day they end
    (``LegalProceedingsEnded``). The warning deadline is cancelled with it."""

    action_id: str
    kind: LegalActionKind
    cause: LimitationCause
    #: the case version of the ``LegalActionStarted`` that filed them
    by_version: int
    filed_on: date
    previous_ends_on: date | None = None
    article: str


class LegalProceedingsEnded(CaseEvent):
    """The proceedings of a legal action ended (judgment, award, mediation, withdrawal, enforcement terminated...);
    when they suspended the period, the ``LimitationRestarted`` that follows restarts it from ``ended_on``."""

    action_id: str
    outcome: ProceedingsOutcome
    ended_on: date
    summary: str = ""


class GuarantorLimitationSet(CaseEvent):
    """A guarantor's own limitation period (Civil Code art. 694, 3 years by art. 188) started or was interrupted
    (art. 195) and runs from ``starts_on`` to ``ends_on``; its warning deadline moves with it."""

    guarantee_id: str
    cause: GuarantorLimitationCause
    #: the case version of the event that started or interrupted it (None: recorded by hand with ``evidence``)
    by_version: int | None = None
    starts_on: date
    ends_on: date
    previous_ends_on: date | None = None
    article: str
    evidence: str = ""


class SignalResponded(CaseEvent):
    """A severe signal met one of the policy's signal responses: what it set off (tasks, deadline, re-assessment)."""

    signal_version: int
    policy_version: int
    rule: str
    actions: list[str]


class LimitationSuspensionBegan(CaseEvent):
    """An obstacle of Civil Code art. 194 keeps the creditor from claiming within the period's last six months: the
    period is suspended (中止) from ``effective_from`` (the obstacle's start, or the start of the last six months when
    it began earlier) until the cause ends; its warning deadline is cancelled meanwhile."""

    cause: SuspensionCause
    began_on: date
    effective_from: date
    #: the end of the period when it was suspended
    ends_on: date
    article: str
    evidence: str


class LimitationSuspensionEnded(CaseEvent):
    """The cause of a suspension ended on ``ended_on``: the period ends six months later (art. 194(2)), on
    ``ends_on`` (never earlier than it would have), with a new warning deadline."""

    cause: SuspensionCause
    ended_on: date
    ends_on: date
    previous_ends_on: date
    article: str
    evidence: str
