"""Cases: opening, the commands of the catalogue, and their results."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import (
    Amount,
    ApiModel,
    Attributed,
    CaseWritten,
    Currency,
    Day,
    JsonObject,
    ShortText,
    Text,
    Time,
    UuidText,
)
from api.schemas.ledger import DueIn, TermsIn
from domain.case.values import (
    Channel,
    ContactOutcome,
    Department,
    Direction,
    LetterKind,
    PlanKind,
    Resolution,
    Severity,
    SignalSource,
    Tier,
)

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="lower-case hex sha256 of the document")]


class CaseOpenIn(ApiModel):
    """Open a case for an overdue loan (the case id is derived from the loan id, so a repeat is a 409)."""

    loan_id: ShortText = Field(min_length=1, description="the overdue loan's id")
    enterprise_id: UuidText = Field(description="the borrower (a registered enterprise's id, a UUID)")
    principal: Amount = Field(description="the loan's principal")
    outstanding: Amount = Field(description="principal still owed (with ``dues``: their principal's sum)")
    overdue_amount: Amount | None = Field(default=None, description="what is past due (required without ``dues``)")
    overdue_since: Day | None = Field(default=None, description="the first day past due (required without ``dues``)")
    dues: list[DueIn] | None = Field(
        default=None, max_length=600, description="the loan's contractual dues: arrears then follow from them"
    )
    terms: TermsIn | None = Field(default=None, description="the contract's rates (required with ``dues``)")
    currency: Currency = Field(default="CNY", description="currency of every amount")
    collector: ShortText | None = Field(default=None, description="assign this collector straight away")
    occurred_at: Time | None = Field(default=None, description="when it was opened; default: now")


class CaseCreated(CaseWritten):
    """A case was opened."""


class AssignmentIn(Attributed):
    """Make a collector responsible for the case."""

    collector: ShortText = Field(min_length=1, description="the collector's user id")


class ReasonOut(BaseModel):
    """One readable reason behind an assessment."""

    code: str = Field(description="stable reason code")
    message: str = Field(description="what a collector reads")


class AssessmentOut(CaseWritten):
    """The risk model's verdict, as recorded on the case."""

    tier: str = Field(description="low, medium or high")
    score: int = Field(description="the scorecard's score")
    reasons: list[ReasonOut] = Field(description="why, in words")
    model_version: str = Field(description="the scorecard's version")
    policy_version: int | None = Field(default=None, description="the strategy policy version that governs the case")
    strategy_assigned: bool | None = Field(
        default=None, description="whether the tier's treatment (channels, deadlines, tasks) was (re)assigned"
    )


class ContactIn(Attributed):
    """Log a contact of any channel."""

    channel: Channel = Field(description="phone, sms, email, website, visit or letter")
    party: ShortText = Field(min_length=1, description="who was reached (a contact person's name)")
    direction: Direction = Field(default=Direction.OUTBOUND, description="who started it")
    outcome: ContactOutcome = Field(description="what came of it")
    summary: Text = Field(default="", description="what was said or sent")
    feedback: Text = Field(default="", description="the enterprise's feedback")
    next_step: Text = Field(default="", description="the next step agreed")
    override_reason: Text | None = Field(
        default=None,
        description="supervisor only: why the contact policy may be broken; the rules it overrides are recorded",
    )
    staff: list[ShortText] = Field(
        default_factory=list, max_length=20, description="visit only: the staff who went (at least two)"
    )
    visit_id: ShortText | None = Field(default=None, description="visit only: the scheduled visit it completes")
    letter_kind: LetterKind | None = Field(default=None, description="letter only: reminder, demand or lawyers_letter")
    document_sha256: Sha256 | None = Field(default=None, description="letter only: sha256 of the letter")
    delivery_evidence: Text = Field(default="", description="letter only: signed receipt, delivery notice...")
    recording_id: ShortText = Field(default="", description="proof, phone or visit only: the recording's id")
    message_id: ShortText = Field(default="", description="proof, SMS, email or website only: the message's id")
    tracking_number: ShortText = Field(default="", description="proof, letter only: the postal tracking number")
    demand: bool = Field(
        default=True,
        description="an outbound SMS or email asks for payment: delivered with its message_id it interrupts the "
        "limitation period (Civil Code art. 195(1)); false for one that demands nothing",
    )
    acknowledged: bool = Field(
        default=False,
        description="the party acknowledged the debt and agreed to perform on this contact: interrupts the "
        "limitation period (art. 195(2)); needs its proof (recording_id, message_id or tracking_number)",
    )


class PromiseIn(Attributed):
    """The enterprise promised to pay an amount by a date."""

    amount: Amount = Field(description="promised amount")
    due_on: Day = Field(description="promised date")


class PromiseCreated(CaseWritten):
    """A promise was recorded."""

    promise_id: str = Field(description="the promise's id")


class InstallmentIO(ApiModel):
    """One dated amount of a schedule."""

    due_on: Day = Field(description="due date")
    amount: Amount = Field(description="amount due")


class PlanIn(Attributed):
    """Propose a repayment plan: give the schedule, or (where available) the kind's parameters."""

    kind: PlanKind = Field(description="equal, extension, milestone, seasonal, revenue_share or collateral")
    amount: Amount = Field(description="the amount the plan repays")
    start_on: Day | None = Field(default=None, description="first due date, when the schedule is built")
    schedule: list[InstallmentIO] | None = Field(
        default=None, max_length=600, description="the explicit schedule; must sum exactly to amount"
    )
    parameters: JsonObject = Field(default_factory=dict, description="the kind's own parameters")


class PlanCreated(CaseWritten):
    """A plan was proposed."""

    plan_id: str = Field(description="the plan's id (sign it with POST .../agreements)")
    schedule: list[InstallmentIO] = Field(description="the dated schedule")


class AgreementIn(Attributed):
    """Sign a legally binding agreement on a proposed plan."""

    plan_id: ShortText = Field(min_length=1, description="the proposed plan")
    signed_on: Day = Field(description="signing date")
    signatories: list[ShortText] = Field(min_length=1, max_length=20, description="who signed (both parties)")
    document_sha256: Sha256
    terms: Text = Field(default="", description="terms in brief")


class AgreementCreated(CaseWritten):
    """An agreement was signed."""

    agreement_id: str = Field(description="the agreement's id")


class PaymentIn(Attributed):
    """Money arrived."""

    amount: Amount = Field(description="amount received")
    received_on: Day = Field(description="value date")
    reference: ShortText = Field(min_length=1, description="the bank's payment reference (each once)")
    designated_dues: list[Annotated[int, Field(strict=True, ge=1, le=10_000)]] = Field(
        default=[], max_length=100, description="the loan dues the debtor designates it for (Civil Code art. 560)"
    )


class PaymentRecorded(CaseWritten):
    """A payment was recorded and allocated."""

    outstanding: str = Field(description="what is still owed")
    paid: str = Field(description="paid so far on the case")


class EscalationIn(Attributed):
    """Move the case to a firmer tier."""

    to_tier: Tier = Field(description="medium or high (only upwards)")
    reason: Text = Field(min_length=1, description="why")


class TaskIn(Attributed):
    """Give a department a task on the case."""

    department: Department = Field(description="credit, risk, legal, crm or collections")
    title: ShortText = Field(min_length=1, description="what to do")
    due_at: Time | None = Field(default=None, description="when it is due")
    assignee: ShortText = Field(default="", description="who in the department")


class TaskCreated(CaseWritten):
    """A task was assigned."""

    task_id: str = Field(description="the task's id")


class TaskCompletionIn(Attributed):
    """Mark a task done."""

    outcome: Text = Field(default="", description="what came of it")


class SignalIn(Attributed):
    """Something observed outside the bank."""

    source: SignalSource = Field(description="news, social_media, court, registry or fund_movement")
    summary: Text = Field(min_length=1, description="what was observed")
    severity: Severity = Field(description="low, medium or high")


class NoteIn(Attributed):
    """A free-text note."""

    text: Text = Field(min_length=1, description="the note")


class ResolutionIn(Attributed):
    """Record how the case ended."""

    resolution: Resolution = Field(description="paid_in_full, restructured, settled or written_off")
    remark: Text = Field(default="", description="remark")


class BrokenRule(BaseModel):
    """A contact-policy rule a contact would break."""

    rule_id: str = Field(description="the rule's id, e.g. CP-QUIET-HOURS")
    message: str = Field(description="why the contact would break it")


class ContactCheckOut(BaseModel):
    """Whether a contact may be made, and if not the rules that forbid it."""

    allowed: bool = Field(description="true when no contact-policy rule forbids the contact")
    rules: list[BrokenRule] = Field(description="the rules that forbid it (empty when allowed)")
