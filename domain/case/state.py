"""A collection case's state, and how each event of the catalogue changes it (the commands are in the mixins)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel

from domain.base import Aggregate, applies
from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CollectorAssigned,
    ContactEvent,
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    Deescalated,
    DelinquencyClassified,
    DisputeRaised,
    DisputeResolved,
    Escalated,
    InstallmentMissed,
    LegalActionStarted,
    NoteAdded,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RepaymentPlanProposed,
    RiskAssessed,
    SignalRecorded,
    StrategyAssigned,
    TaskAssigned,
    TaskCompleted,
    VisitCompleted,
    VisitScheduled,
)
from domain.case.ledger_state import LedgerEvolution
from domain.case.legal_state import LegalEvolution, LegalFields
from domain.case.values import (
    MET_BY,
    Agreement,
    CaseStatus,
    Channel,
    ContactOutcome,
    Deadline,
    Direction,
    LegalActionKind,
    Plan,
    Promise,
    Resolution,
    Task,
    Tier,
)
from domain.errors import IllegalTransitionError
from domain.loan_ledger import LoanDue, LoanTerms, TaggedEntry, legacy_dues
from domain.money import Money
from domain.rules import local_date

#: how long outbound calls are remembered for the contact policy's daily and weekly limits
CALL_MEMORY = timedelta(days=31)


class CaseFields(LegalFields):
    """Every field of a case's state, declared once: the aggregate carries them and ``CaseState`` keeps them.

    The fields without a default come from the ``CaseOpened`` event; the others start as given here.
    """

    loan_id: str
    enterprise_id: UUID
    principal: Money
    outstanding: Money
    overdue_amount: Money
    overdue_since: date
    currency: str
    timezone: str
    opened_at: datetime
    status: CaseStatus = CaseStatus.OPEN
    resolution: Resolution | None = None
    collector: str | None = None
    tier: Tier | None = None
    #: the tier an escalation set: a re-assessment may raise the case above it, never lower it
    escalated_to: Tier | None = None
    score: int | None = None
    model_version: str | None = None
    policy_version: int | None = None
    treatment: str | None = None
    #: the channels of the treatment that governs the case, the first the one to try first
    channels: list[Channel] = []
    paid: Money
    payment_references: list[str] = []
    last_contact_at: datetime | None = None
    contact_counts: dict[str, int] = {}
    deadlines: dict[str, Deadline] = {}
    promises: dict[str, Promise] = {}
    plans: dict[str, Plan] = {}
    agreements: dict[str, Agreement] = {}
    tasks: dict[str, Task] = {}
    visits: dict[str, str] = {}
    legal_actions: dict[str, LegalActionKind] = {}
    disputed: bool = False
    notes: int = 0
    signals: int = 0
    days_past_due: int = 0
    delinquency_bucket: str | None = None
    loan_category: str | None = None
    calls: list[tuple[datetime, bool]] = []
    #: outbound SMS and emails by channel, for the contact policy's per-channel caps (remembered as calls are)
    messages: dict[str, list[datetime]] = {}
    #: the loan's schedule (loan_ledger.py): dues and rates, payments and penalties in order, the last day
    #: penalty is recorded for; the last classification's rules and reason; a restructuring (agreement)
    dues: list[LoanDue] = []
    terms: LoanTerms | None = None
    ledger: list[TaggedEntry] = []
    accrued_through: date | None = None
    #: the enforcement costs recorded (their ids) and the day the loan was declared due, if it was
    cost_ids: list[str] = []
    accelerated_on: date | None = None
    category_rules: list[str] = []
    category_reason: str = ""
    restructured_on: date | None = None
    category_before_restructuring: str | None = None
    restructuring_due_dates: list[date] = []
    restructuring_missed_on: date | None = None
    #: the judgement (domain/case/judgement.py): the tier's last change, gentler reviews in a row, the last contacts
    tier_changed_on: date | None = None
    lower_reviews: int = 0
    contact_times: list[datetime] = []


class CaseState(BaseModel, CaseFields):
    """The case's state, as snapshots keep it (pydantic validates the fields and copies their defaults)."""


class CaseEvolution(LegalEvolution, LedgerEvolution, Aggregate, CaseFields):
    """A collection case's state and its evolution from events; the command mixins add the commands."""

    state_model: ClassVar[type[BaseModel]] = CaseState

    # --- state evolution -----------------------------------------------------------------------

    @applies
    def _(self, event: CaseOpened) -> None:
        self.restore(
            CaseState(
                loan_id=event.loan_id,
                enterprise_id=event.enterprise_id,
                principal=event.principal,
                outstanding=event.outstanding,
                overdue_amount=event.overdue_amount,
                overdue_since=event.overdue_since,
                currency=event.currency,
                timezone=event.timezone,
                opened_at=event.occurred_at,
                paid=Money.zero(event.currency),
                dues=event.dues or legacy_dues(event.overdue_amount.fen, event.overdue_since, event.outstanding.fen),
                terms=event.terms,
            )
        )
        self._refresh(local_date(event.occurred_at, event.timezone))

    @applies
    def _(self, event: CollectorAssigned) -> None:
        self.collector = event.collector

    @applies
    def _(self, event: CaseResolved) -> None:
        self.status = CaseStatus.RESOLVED
        self.resolution = event.resolution

    @applies
    def _(self, event: CaseReopened) -> None:
        self.status = CaseStatus.OPEN
        self.resolution = None

    @applies
    def _(self, event: CaseClosed) -> None:
        self.status = CaseStatus.CLOSED

    @applies
    def _(self, event: RiskAssessed) -> None:
        self.score = event.score
        self.model_version = event.model_version
        if self.tier is None:
            self.tier = event.tier

    @applies
    def _(self, event: StrategyAssigned) -> None:
        self.tier = event.tier
        self.policy_version = event.policy_version
        self.treatment = event.treatment
        self.channels = list(event.channels)

    @applies
    def _(self, event: Escalated) -> None:
        self.tier, self.escalated_to = event.to_tier, event.to_tier
        self.tier_changed_on, self.lower_reviews = local_date(event.occurred_at, self.timezone), 0

    @applies
    def _(self, event: Deescalated) -> None:
        self.tier, self.escalated_to = event.to_tier, None
        self.tier_changed_on, self.lower_reviews = local_date(event.occurred_at, self.timezone), 0

    @applies
    def _(self, event: DeadlineSet) -> None:
        self.deadlines[event.deadline_id] = Deadline(
            deadline_id=event.deadline_id,
            kind=event.kind,
            due_at=event.due_at,
            action=event.action,
            met_by=event.met_by or list(MET_BY.get(event.kind, ())),
        )

    def _close_deadline(self, deadline_id: str, status: str) -> None:
        self.deadlines[deadline_id] = self.deadlines[deadline_id].model_copy(update={"status": status})

    @applies
    def _(self, event: DeadlineMet) -> None:
        self._close_deadline(event.deadline_id, "met")

    @applies
    def _(self, event: DeadlineCancelled) -> None:
        self._close_deadline(event.deadline_id, "cancelled")

    @applies
    def _(self, event: DeadlineExpired) -> None:
        self._close_deadline(event.deadline_id, "expired")

    @applies
    def _(self, event: ContactEvent) -> None:
        channel = str(event.channel)
        self.contact_counts[channel] = self.contact_counts.get(channel, 0) + 1
        if self.last_contact_at is None or event.occurred_at > self.last_contact_at:
            self.last_contact_at = event.occurred_at
        self.contact_times = [*self.contact_times[-19:], event.occurred_at]  # the last 20 attempts, for the judgement
        if isinstance(event, VisitCompleted) and event.visit_id is not None:
            self.visits[event.visit_id] = "completed"
        if event.channel is Channel.PHONE and event.direction is Direction.OUTBOUND:
            self.calls.append((event.occurred_at, event.outcome is ContactOutcome.CONNECTED))
            horizon = max(at for at, _ in self.calls) - CALL_MEMORY
            self.calls = [call for call in self.calls if call[0] >= horizon]
        if event.channel in (Channel.SMS, Channel.EMAIL) and event.direction is Direction.OUTBOUND:
            sent = [*self.messages.get(channel, []), event.occurred_at]
            horizon = max(sent) - CALL_MEMORY
            self.messages = {**self.messages, channel: [at for at in sent if at >= horizon]}

    @applies
    def _(self, event: DelinquencyClassified) -> None:
        self.days_past_due = event.days_past_due
        self.delinquency_bucket = event.bucket
        self.loan_category = event.category
        self.category_rules = list(event.rule_ids)
        self.category_reason = event.reason
        self._refresh(event.as_of)

    @applies
    def _(self, event: VisitScheduled) -> None:
        self.visits[event.visit_id] = "scheduled"

    @applies
    def _(self, event: PromiseToPayMade) -> None:
        self.promises[event.promise_id] = Promise(promise_id=event.promise_id, amount=event.amount, due_on=event.due_on)

    def _settle_promise(self, promise_id: str, status: str) -> None:
        self.promises[promise_id] = self.promises[promise_id].model_copy(update={"status": status})

    @applies
    def _(self, event: PromiseKept) -> None:
        self._settle_promise(event.promise_id, "kept")

    @applies
    def _(self, event: PromiseBroken) -> None:
        self._settle_promise(event.promise_id, "broken")

    @applies
    def _(self, event: RepaymentPlanProposed) -> None:
        self.plans[event.plan_id] = Plan(
            plan_id=event.plan_id, kind=event.kind, amount=event.amount, schedule=event.schedule
        )

    @applies
    def _(self, event: AgreementSigned) -> None:
        self.agreements[event.agreement_id] = Agreement(
            agreement_id=event.agreement_id,
            plan_id=event.plan_id,
            schedule=event.schedule,
            paid=[Money.zero(self.currency) for _ in event.schedule],
        )
        self.restructured_on = event.signed_on
        self.category_before_restructuring = self.loan_category
        self.restructuring_due_dates = [i.due_on for i in event.schedule]
        self.restructuring_missed_on = None
        self._ledger_act(event)

    def _update_agreement(self, agreement_id: str, **changes: Any) -> None:
        self.agreements[agreement_id] = self.agreements[agreement_id].model_copy(update=changes)

    @applies
    def _(self, event: InstallmentMissed) -> None:
        missed = self.agreements[event.agreement_id].missed
        self._update_agreement(event.agreement_id, missed=[*missed, event.installment_no])
        self.restructuring_missed_on = event.due_on

    @applies
    def _(self, event: AgreementDefaulted) -> None:
        self._update_agreement(event.agreement_id, status="defaulted")
        self._ledger_act(event)

    @applies
    def _(self, event: AgreementCompleted) -> None:
        self._update_agreement(event.agreement_id, status="completed")

    @applies
    def _(self, event: PaymentReceived) -> None:
        self.loan_dues()
        self._ledger_act(event)
        self.paid = self.paid + event.amount
        self.payment_references.append(event.reference)
        remaining = event.amount.fen
        for promise in sorted(self.promises.values(), key=lambda p: (p.due_on, p.promise_id)):
            if promise.status == "open" and remaining > 0:
                part = min(remaining, promise.amount.fen - promise.paid_fen)
                if part > 0:
                    remaining -= part
                    self.promises[promise.promise_id] = promise.model_copy(update={"paid_fen": promise.paid_fen + part})
        for allocation in event.allocations:
            paid = list(self.agreements[allocation.agreement_id].paid)
            paid[allocation.installment_no - 1] = paid[allocation.installment_no - 1] + allocation.amount
            self._update_agreement(allocation.agreement_id, paid=paid)

    @applies
    def _(self, event: TaskAssigned) -> None:
        self.tasks[event.task_id] = Task(
            task_id=event.task_id,
            department=event.department,
            title=event.title,
            due_at=event.due_at,
            assignee=event.assignee,
        )

    @applies
    def _(self, event: TaskCompleted) -> None:
        self.tasks[event.task_id] = self.tasks[event.task_id].model_copy(update={"status": "done"})

    @applies
    def _(self, event: LegalActionStarted) -> None:
        self.legal_actions[event.action_id] = event.kind

    @applies
    def _(self, event: SignalRecorded) -> None:
        self.signals += 1

    @applies
    def _(self, event: NoteAdded) -> None:
        self.notes += 1

    @applies
    def _(self, event: DisputeRaised) -> None:
        self.disputed = True

    @applies
    def _(self, event: DisputeResolved) -> None:
        self.disputed = False

    def next_action_due(self) -> datetime | None:
        """The earliest open deadline or open task due time."""
        times = [d.due_at for d in self.deadlines.values() if d.status == "open"]
        times += [t.due_at for t in self.tasks.values() if t.status == "open" and t.due_at is not None]
        return min(times, default=None)

    def check_open(self) -> None:
        """Most commands need an open case."""
        if self.status is not CaseStatus.OPEN:
            raise IllegalTransitionError(f"the case is {self.status}")
