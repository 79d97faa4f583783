"""The event catalogue of a collection case (DESIGN.md §3): immutable, past tense, typed.

Every event carries ``actor`` (who) and ``occurred_at`` (business time); the store's
``timestamp`` is when it was recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.base import Aggregate
from domain.case.events_base import Attributed, CaseEvent
from domain.case.values import (
    Allocation,
    Channel,
    ContactOutcome,
    Direction,
    Installment,
    LetterKind,
    PlanKind,
    Reason,
    Resolution,
    Tier,
)
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money

# --- lifecycle -------------------------------------------------------------------------------


class CaseOpened(Aggregate.Created, Attributed):
    """An overdue loan became a collection case."""

    loan_id: str
    enterprise_id: UUID
    principal: Money
    outstanding: Money
    overdue_amount: Money
    overdue_since: date
    currency: str
    timezone: str
    #: the loan's contractual dues (empty in events stored before schedules: one due of ``overdue_amount``
    #: on ``overdue_since`` and the rest of ``outstanding`` undated, domain/loan_ledger.py)
    dues: list[LoanDue] = []
    #: the contract's interest and penalty rates (None: no penalty interest accrues)
    terms: LoanTerms | None = None


class CollectorAssigned(CaseEvent):
    """A collector became responsible for the case."""

    collector: str


class CaseResolved(CaseEvent):
    """The case reached an outcome."""

    resolution: Resolution
    remark: str = ""


class CaseReopened(CaseEvent):
    """A resolved case needs collecting again."""

    reason: str


class CaseClosed(CaseEvent):
    """The case is filed away; nothing more happens on it."""

    reason: str = ""


# --- assessment and strategy --------------------------------------------------------------------


class RiskAssessed(CaseEvent):
    """The risk model rated the enterprise; the features are kept exactly as seen."""

    model_version: str
    score: int
    tier: Tier
    reasons: list[Reason]
    features: dict[str, Any]
    #: the policy version whose risk thresholds turned the score into the tier
    policy_version: int | None = None


class StrategyAssigned(CaseEvent):
    """A policy's treatment for the tier now governs the case."""

    policy_version: int
    tier: Tier
    treatment: str
    channels: list[Channel]


class Escalated(CaseEvent):
    """The case moved to a firmer tier."""

    from_tier: Tier | None
    to_tier: Tier
    reason: str
    deadline_id: str | None = None
    #: the policy rule that moved it (domain/judgement.py RULES; "" in events stored before rules)
    rule: str = ""


class Deescalated(CaseEvent):
    """The case moved back to a gentler tier: the debtor performed (by rule), or a supervisor lowered it."""

    from_tier: Tier | None
    to_tier: Tier
    reason: str
    rule: str = ""


class LimitationPeriodSet(CaseEvent):
    """The limitation period (re)started: it ends on ``ends_on`` unless interrupted again."""

    starts_on: date
    ends_on: date
    years: int
    warn_days_before: int
    basis: str
    #: which period runs: ``limitation`` (诉讼时效, Civil Code art. 188) or, after an effective judgment, award or
    #: mediation statement, ``enforcement`` (申请执行期间, Civil Procedure Law art. 250: two years)
    period: str = "limitation"


class DelinquencyClassified(CaseEvent):
    """Days past due moved the case into another bucket or loan category."""

    as_of: date
    days_past_due: int
    bucket: str
    category: str
    previous_bucket: str | None = None
    previous_category: str | None = None
    #: the rules of the 2023 classification that set the category (README "Classification"; empty before)
    rule_ids: list[str] = []
    reason: str = ""


# --- deadlines ----------------------------------------------------------------------------------


class DeadlineSet(CaseEvent):
    """Something must happen by ``due_at``, or ``action`` is taken."""

    deadline_id: str
    kind: str
    due_at: datetime
    action: str
    #: what meets it (``payment``, ``promise``, ``contact``, ``visit``, ``agreement``, ``lawyers_letter``...);
    #: empty in events stored before deadlines knew: then the kind's usual answer (domain/case/deadlines.py)
    met_by: list[str] = []


class DeadlineMet(CaseEvent):
    """What the deadline asked for happened in time."""

    deadline_id: str
    #: what met it (empty: recorded by hand)
    by: str = ""


class DeadlineCancelled(CaseEvent):
    """The deadline no longer applies."""

    deadline_id: str
    reason: str = ""


class DeadlineExpired(CaseEvent):
    """The deadline passed unmet; its action was taken (exactly once)."""

    deadline_id: str


# --- contacts -----------------------------------------------------------------------------------


class ContactEvent(CaseEvent):
    """A contact with the enterprise: who was reached, how it went, what was agreed."""

    channel: Channel
    party: str
    direction: Direction = Direction.OUTBOUND
    outcome: ContactOutcome
    summary: str = ""
    feedback: str = ""
    next_step: str = ""
    override_reason: str | None = None
    overridden_rules: list[str] = []
    #: contact-policy rules the contact broke without a supervisor's prior override (recorded, not refused)
    breached_rules: list[str] = []
    #: proof of the contact: a call's (or visit's) recording id, a message's id, a letter's tracking number
    recording_id: str = ""
    message_id: str = ""
    tracking_number: str = ""
    #: the role of the party reached (legal_representative, finance_contact, guarantor, third_party, contact)
    party_role: str = ""


class CallLogged(ContactEvent):
    """A phone call was made or received."""


class SmsSent(ContactEvent):
    """An SMS was sent."""


class EmailSent(ContactEvent):
    """An email was sent."""


class WebsiteMessagePosted(ContactEvent):
    """A message went through the enterprise's website."""


class VisitScheduled(CaseEvent):
    """An on-site visit was planned."""

    visit_id: str
    planned_at: datetime
    party: str
    staff: list[str]
    purpose: str = ""
    override_reason: str | None = None
    overridden_rules: list[str] = []


class VisitCompleted(ContactEvent):
    """An on-site visit took place."""

    visit_id: str | None = None
    staff: list[str]


class LetterSent(ContactEvent):
    """A reminder, demand or lawyer's letter was sent; the document is fixed by its sha256."""

    letter_kind: LetterKind
    document_sha256: str
    delivery_evidence: str = ""


# --- commitments --------------------------------------------------------------------------------


class PromiseToPayMade(CaseEvent):
    """The enterprise promised to pay an amount by a date."""

    promise_id: str
    amount: Money
    due_on: date


class PromiseKept(CaseEvent):
    """A promise was honoured."""

    promise_id: str


class PromiseBroken(CaseEvent):
    """A promise's date passed without the money."""

    promise_id: str
    #: what was paid towards it by the time it was judged (None in events stored before it was recorded)
    paid: Money | None = None


class RepaymentPlanProposed(CaseEvent):
    """A repayment plan with a dated schedule was put forward."""

    plan_id: str
    kind: PlanKind
    amount: Money
    schedule: list[Installment]
    parameters: dict[str, Any] = {}


class AgreementSigned(CaseEvent):
    """A legally binding repayment agreement was signed."""

    agreement_id: str
    plan_id: str
    signed_on: date
    signatories: list[str]
    terms: str = ""
    document_sha256: str
    schedule: list[Installment]


class InstallmentMissed(CaseEvent):
    """An instalment of an agreement was not paid in time."""

    agreement_id: str
    installment_no: int
    due_on: date
    amount_due: Money


class AgreementDefaulted(CaseEvent):
    """The enterprise defaulted on an agreement."""

    agreement_id: str
    reason: str


class AgreementCompleted(CaseEvent):
    """Every instalment of an agreement was paid."""

    agreement_id: str


# --- money --------------------------------------------------------------------------------------


class PaymentReceived(CaseEvent):
    """Money arrived and was allocated to instalments."""

    amount: Money
    received_on: date
    reference: str
    allocations: list[Allocation] = []
    #: the loan dues the debtor designated this payment for (Civil Code art. 560), paid first
    designated_dues: list[int] = []


# the collaboration events live beside (``domain.case.collaboration_events``); named here too, with the rest of the
# catalogue, which is also where events stored before the move name them (their topic is this module's)
from domain.case.collaboration_events import (  # noqa: E402 (after the catalogue, as it reads)
    DisputeRaised,
    DisputeResolved,
    LegalActionStarted,
    NoteAdded,
    SignalRecorded,
    TaskAssigned,
    TaskCompleted,
)

__all__ = [
    "Attributed",
    "CaseEvent",
    "DisputeRaised",
    "DisputeResolved",
    "LegalActionStarted",
    "NoteAdded",
    "SignalRecorded",
    "TaskAssigned",
    "TaskCompleted",
]
