"""The CollectionCase aggregate: one per overdue loan; its commands guard the rules and trigger events.

How each event changes the case's state is in case_state.py.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.base import Actor
from domain.case_events import (
    CONTACT_EVENTS,
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CollectorAssigned,
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    DelinquencyClassified,
    DisputeRaised,
    DisputeResolved,
    Escalated,
    InstallmentMissed,
    LegalActionStarted,
    LetterSent,
    LimitationPeriodSet,
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
from domain.case_state import CaseEvolution
from domain.case_values import (
    Agreement,
    Allocation,
    CaseStatus,
    Channel,
    ContactOutcome,
    Department,
    Direction,
    Installment,
    LegalActionKind,
    PlanKind,
    Promise,
    Reason,
    Resolution,
    Severity,
    SignalSource,
    Tier,
)
from domain.classification import bucket, category, days_past_due
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, NotFoundError
from domain.ids import case_id
from domain.legal_clock import (
    at_workday_start,
    limitation_ends,
    restarts_limitation,
    warning_day,
)
from domain.money import Money
from domain.rules import (
    DEFAULT_TIMEZONE,
    check_aware,
    check_currency,
    check_date_not_past,
    check_not_blank,
    check_not_future,
    check_not_negative,
    check_positive,
    local_date,
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_sha256(value: str, name: str = "document_sha256") -> None:
    """Documents are fixed by a lower-case hex sha256."""
    if not _SHA256.match(value):
        raise InvariantError(f"{name} must be 64 lower-case hex characters")


def check_schedule(amount: Money, schedule: list[Installment]) -> None:
    """A schedule is non-empty, strictly dated, positive, and sums exactly to its amount."""
    if not schedule:
        raise InvariantError("a schedule needs at least one instalment")
    for number, installment in enumerate(schedule, start=1):
        check_currency(installment.amount, amount.currency, f"instalment {number}")
        check_positive(installment.amount, f"instalment {number}")
    for earlier, later in itertools.pairwise(schedule):
        if later.due_on <= earlier.due_on:
            raise InvariantError("instalment dates must strictly increase")
    total = sum(i.amount.fen for i in schedule)
    if total != amount.fen:
        raise InvariantError(f"schedule sums to {Money.of(total, amount.currency)}, not {amount}")


class CollectionCase(CaseEvolution):
    """An overdue loan being collected: every contact, commitment and payment is an event."""

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        loan_id: str,
        enterprise_id: UUID,
        principal: Money,
        outstanding: Money,
        overdue_amount: Money,
        overdue_since: date,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> CollectionCase:
        """Open a case for an overdue loan; the case id is derived from the loan id."""
        check_not_blank(loan_id, "loan_id")
        check_not_future(occurred_at, now)
        currency = principal.currency
        check_positive(principal, "principal")
        for name, amount in (("outstanding", outstanding), ("overdue_amount", overdue_amount)):
            check_currency(amount, currency, name)
            check_not_negative(amount, name)
        if not outstanding.is_positive():
            raise InvariantError("a case is opened for a loan with something outstanding")
        if outstanding > principal:
            raise InvariantError("outstanding cannot exceed principal")
        if overdue_amount > outstanding:
            raise InvariantError("overdue_amount cannot exceed outstanding")
        if overdue_since > local_date(now, timezone):
            raise InvariantError("overdue_since cannot be in the future")
        return cls._create(
            CaseOpened,
            id=case_id(loan_id),
            loan_id=loan_id.strip(),
            enterprise_id=enterprise_id,
            principal=principal,
            outstanding=outstanding,
            overdue_amount=overdue_amount,
            overdue_since=overdue_since,
            currency=currency,
            timezone=timezone,
            actor=actor,
            occurred_at=occurred_at,
        )

    def assign_collector(self, collector: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Make a collector responsible for the case."""
        self.check_open()
        check_not_blank(collector, "collector")
        check_not_future(occurred_at, now)
        if collector == self.collector:
            raise DuplicateError(f"{collector} is already the case's collector")
        self.trigger_event(CollectorAssigned, collector=collector, actor=actor, occurred_at=occurred_at)

    def resolve(self, resolution: Resolution, remark: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Record how the case ended."""
        self.check_open()
        check_not_future(occurred_at, now)
        if resolution is Resolution.PAID_IN_FULL and self.outstanding.is_positive():
            raise IllegalTransitionError(f"{self.outstanding} is still outstanding")
        self.trigger_event(CaseResolved, resolution=resolution, remark=remark, actor=actor, occurred_at=occurred_at)

    def reopen(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Reopen a resolved case."""
        if self.status is not CaseStatus.RESOLVED:
            raise IllegalTransitionError(f"only a resolved case can be reopened; it is {self.status}")
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        self.trigger_event(CaseReopened, reason=reason, actor=actor, occurred_at=occurred_at)

    def close(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """File a resolved case away for good."""
        if self.status is not CaseStatus.RESOLVED:
            raise IllegalTransitionError(f"only a resolved case can be closed; it is {self.status}")
        check_not_future(occurred_at, now)
        self.trigger_event(CaseClosed, reason=reason, actor=actor, occurred_at=occurred_at)

    # --- assessment and strategy -------------------------------------------------------------

    def record_assessment(
        self,
        *,
        model_version: str,
        score: int,
        tier: Tier,
        reasons: list[Reason],
        features: dict[str, Any],
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
        policy_version: int | None = None,
    ) -> None:
        """Record a risk assessment exactly as the model produced it (and which policy's thresholds tiered it)."""
        self.check_open()
        check_not_future(occurred_at, now)
        check_not_blank(model_version, "model_version")
        self.trigger_event(
            RiskAssessed,
            model_version=model_version,
            score=score,
            tier=tier,
            reasons=reasons,
            features=features,
            policy_version=policy_version,
            actor=actor,
            occurred_at=occurred_at,
        )

    def assign_strategy(
        self,
        *,
        policy_version: int,
        tier: Tier,
        treatment: str,
        channels: list[Channel],
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Put the case under a policy's treatment for its tier."""
        self.check_open()
        check_not_future(occurred_at, now)
        if policy_version < 1:
            raise InvariantError("policy_version starts at 1")
        if not channels:
            raise InvariantError("a strategy names at least one channel")
        self.trigger_event(
            StrategyAssigned,
            policy_version=policy_version,
            tier=tier,
            treatment=treatment,
            channels=channels,
            actor=actor,
            occurred_at=occurred_at,
        )

    def escalate(
        self,
        to_tier: Tier,
        reason: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
        deadline_id: str | None = None,
    ) -> None:
        """Move the case to a firmer tier; with a deadline id, the deadline fires exactly once."""
        self.check_open()
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        if self.tier is not None and to_tier.rank <= self.tier.rank:
            raise IllegalTransitionError(f"cannot escalate from {self.tier} to {to_tier}")
        if deadline_id is not None:
            self.check_deadline_open(deadline_id)
            self.trigger_event(DeadlineExpired, deadline_id=deadline_id, actor=actor, occurred_at=occurred_at)
        self.trigger_event(
            Escalated,
            from_tier=self.tier,
            to_tier=to_tier,
            reason=reason,
            deadline_id=deadline_id,
            actor=actor,
            occurred_at=occurred_at,
        )

    # --- deadlines ---------------------------------------------------------------------------

    def set_deadline(
        self,
        *,
        deadline_id: str,
        kind: str,
        due_at: datetime,
        action: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Set a deadline and the action to take when it passes."""
        self.check_open()
        check_not_blank(deadline_id, "deadline_id")
        check_not_blank(kind, "kind")
        check_not_blank(action, "action")
        check_aware(due_at, "due_at")
        check_not_future(occurred_at, now)
        if deadline_id in self.deadlines:
            raise DuplicateError(f"deadline {deadline_id!r} already exists")
        if due_at <= occurred_at:
            raise InvariantError("a deadline is due after it is set")
        self.trigger_event(
            DeadlineSet,
            deadline_id=deadline_id,
            kind=kind,
            due_at=due_at,
            action=action,
            actor=actor,
            occurred_at=occurred_at,
        )

    def meet_deadline(self, deadline_id: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Record that a deadline was met."""
        self.check_deadline_open(deadline_id)
        check_not_future(occurred_at, now)
        self.trigger_event(DeadlineMet, deadline_id=deadline_id, actor=actor, occurred_at=occurred_at)

    def cancel_deadline(
        self, deadline_id: str, reason: str, actor: Actor, occurred_at: datetime, now: datetime
    ) -> None:
        """Withdraw a deadline."""
        self.check_deadline_open(deadline_id)
        check_not_future(occurred_at, now)
        self.trigger_event(
            DeadlineCancelled, deadline_id=deadline_id, reason=reason, actor=actor, occurred_at=occurred_at
        )

    def expire_deadline(self, deadline_id: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Record that a deadline passed unmet (fires once; a second call is a duplicate)."""
        self.check_deadline_open(deadline_id)
        check_not_future(occurred_at, now)
        self.trigger_event(DeadlineExpired, deadline_id=deadline_id, actor=actor, occurred_at=occurred_at)

    def check_deadline_open(self, deadline_id: str) -> None:
        """The deadline exists and has neither been met, cancelled nor fired."""
        deadline = self.deadlines.get(deadline_id)
        if deadline is None:
            raise NotFoundError(f"no deadline {deadline_id!r} on this case")
        if deadline.status != "open":
            raise DuplicateError(f"deadline {deadline_id!r} is already {deadline.status}")

    # --- contacts ----------------------------------------------------------------------------

    def log_contact(
        self,
        *,
        channel: Channel,
        party: str,
        outcome: ContactOutcome,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
        direction: Direction = Direction.OUTBOUND,
        summary: str = "",
        feedback: str = "",
        next_step: str = "",
        override_reason: str | None = None,
        overridden_rules: list[str] | None = None,
        **channel_fields: Any,
    ) -> None:
        """Log a contact of any channel; the channel picks the event type."""
        self.check_open()
        check_not_blank(party, "party")
        check_not_future(occurred_at, now)
        event_class = CONTACT_EVENTS[channel]
        if event_class is LetterSent:
            check_sha256(channel_fields.get("document_sha256", ""))
        if event_class is VisitCompleted:
            visit_id = channel_fields.get("visit_id")
            if visit_id is not None and visit_id not in self.visits:
                raise NotFoundError(f"no scheduled visit {visit_id!r}")
            if not channel_fields.get("staff"):
                raise InvariantError("a visit names the staff who went")
        if overridden_rules and not (override_reason and override_reason.strip()):
            raise InvariantError("an override needs a reason")
        self.trigger_event(
            event_class,
            channel=channel,
            party=party,
            direction=direction,
            outcome=outcome,
            summary=summary,
            feedback=feedback,
            next_step=next_step,
            override_reason=override_reason,
            overridden_rules=overridden_rules or [],
            actor=actor,
            occurred_at=occurred_at,
            **channel_fields,
        )
        if event_class is LetterSent and restarts_limitation(
            channel_fields["letter_kind"], channel_fields.get("delivery_evidence", "")
        ):
            self.set_limitation_period(
                starts_on=local_date(occurred_at, self.timezone),
                years=self.limitation_years,
                warn_days=self.limitation_warn_days,
                basis=f"{channel_fields['letter_kind']} delivered: {channel_fields['delivery_evidence']}",
                actor=actor,
                occurred_at=occurred_at,
                now=now,
            )

    def schedule_visit(
        self,
        *,
        visit_id: str,
        planned_at: datetime,
        party: str,
        staff: list[str],
        purpose: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
        override_reason: str | None = None,
        overridden_rules: list[str] | None = None,
    ) -> None:
        """Plan an on-site visit (a supervisor's override of the contact policy is recorded on it)."""
        self.check_open()
        check_not_blank(visit_id, "visit_id")
        check_not_blank(party, "party")
        check_aware(planned_at, "planned_at")
        check_not_future(occurred_at, now)
        if not staff:
            raise InvariantError("a visit names the staff who will go")
        if visit_id in self.visits:
            raise DuplicateError(f"visit {visit_id!r} already scheduled")
        if overridden_rules and not (override_reason and override_reason.strip()):
            raise InvariantError("an override needs a reason")
        self.trigger_event(
            VisitScheduled,
            visit_id=visit_id,
            planned_at=planned_at,
            party=party,
            staff=staff,
            purpose=purpose,
            override_reason=override_reason,
            overridden_rules=overridden_rules or [],
            actor=actor,
            occurred_at=occurred_at,
        )

    # --- commitments -------------------------------------------------------------------------

    def make_promise(
        self, *, promise_id: str, amount: Money, due_on: date, actor: Actor, occurred_at: datetime, now: datetime
    ) -> None:
        """Record a promise to pay."""
        self.check_open()
        check_not_future(occurred_at, now)
        check_currency(amount, self.currency)
        check_positive(amount)
        check_date_not_past(due_on, now, self.timezone, "due_on")
        if promise_id in self.promises:
            raise DuplicateError(f"promise {promise_id!r} already exists")
        if amount > self.outstanding:
            raise InvariantError(f"promise of {amount} exceeds the outstanding {self.outstanding}")
        self.trigger_event(
            PromiseToPayMade,
            promise_id=promise_id,
            amount=amount,
            due_on=due_on,
            actor=actor,
            occurred_at=occurred_at,
        )

    def keep_promise(self, promise_id: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Mark a promise kept."""
        self.check_promise_open(promise_id)
        check_not_future(occurred_at, now)
        self.trigger_event(PromiseKept, promise_id=promise_id, actor=actor, occurred_at=occurred_at)

    def break_promise(self, promise_id: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Mark a promise broken: its date passed without the money."""
        self.check_promise_open(promise_id)
        check_not_future(occurred_at, now)
        promise = self.promises[promise_id]
        if local_date(occurred_at, self.timezone) <= promise.due_on:
            raise IllegalTransitionError(f"promise {promise_id!r} is not due until {promise.due_on}")
        self.trigger_event(PromiseBroken, promise_id=promise_id, actor=actor, occurred_at=occurred_at)

    def check_promise_open(self, promise_id: str) -> None:
        """The promise exists and is neither kept nor broken."""
        promise = self.promises.get(promise_id)
        if promise is None:
            raise NotFoundError(f"no promise {promise_id!r} on this case")
        if promise.status != "open":
            raise IllegalTransitionError(f"promise {promise_id!r} is already {promise.status}")

    def propose_plan(
        self,
        *,
        plan_id: str,
        kind: PlanKind,
        amount: Money,
        schedule: list[Installment],
        parameters: dict[str, Any],
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Propose a repayment plan whose schedule sums exactly to its amount."""
        self.check_open()
        check_not_future(occurred_at, now)
        check_currency(amount, self.currency)
        check_positive(amount)
        check_schedule(amount, schedule)
        if amount > self.outstanding:
            raise InvariantError(f"plan of {amount} exceeds the outstanding {self.outstanding}")
        if plan_id in self.plans:
            raise DuplicateError(f"plan {plan_id!r} already exists")
        self.trigger_event(
            RepaymentPlanProposed,
            plan_id=plan_id,
            kind=kind,
            amount=amount,
            schedule=schedule,
            parameters=parameters,
            actor=actor,
            occurred_at=occurred_at,
        )

    def sign_agreement(
        self,
        *,
        agreement_id: str,
        plan_id: str,
        signed_on: date,
        signatories: list[str],
        terms: str,
        document_sha256: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Sign a legally binding agreement on a proposed plan."""
        self.check_open()
        check_not_future(occurred_at, now)
        plan = self.plans.get(plan_id)
        if plan is None:
            raise NotFoundError(f"no plan {plan_id!r} on this case")
        if agreement_id in self.agreements:
            raise DuplicateError(f"agreement {agreement_id!r} already exists")
        if any(a.plan_id == plan_id for a in self.agreements.values()):
            raise DuplicateError(f"plan {plan_id!r} is already signed")
        if self.active_agreement() is not None:
            raise IllegalTransitionError("another agreement is still active")
        if len([s for s in signatories if s.strip()]) < 2:
            raise InvariantError("an agreement is signed by both parties")
        if signed_on > local_date(now, self.timezone):
            raise InvariantError("signed_on cannot be in the future")
        check_sha256(document_sha256)
        self.trigger_event(
            AgreementSigned,
            agreement_id=agreement_id,
            plan_id=plan_id,
            signed_on=signed_on,
            signatories=signatories,
            terms=terms,
            document_sha256=document_sha256,
            schedule=plan.schedule,
            actor=actor,
            occurred_at=occurred_at,
        )

    def miss_installment(
        self, agreement_id: str, installment_no: int, actor: Actor, occurred_at: datetime, now: datetime
    ) -> None:
        """Record that an instalment's date passed without full payment."""
        agreement = self.check_agreement_active(agreement_id)
        check_not_future(occurred_at, now)
        if not 1 <= installment_no <= len(agreement.schedule):
            raise NotFoundError(f"agreement {agreement_id!r} has no instalment {installment_no}")
        installment = agreement.schedule[installment_no - 1]
        if local_date(occurred_at, self.timezone) <= installment.due_on:
            raise IllegalTransitionError(f"instalment {installment_no} is not due until {installment.due_on}")
        unpaid = agreement.unpaid(installment_no)
        if not unpaid.is_positive():
            raise IllegalTransitionError(f"instalment {installment_no} is paid")
        if installment_no in agreement.missed:
            raise DuplicateError(f"instalment {installment_no} is already recorded as missed")
        self.trigger_event(
            InstallmentMissed,
            agreement_id=agreement_id,
            installment_no=installment_no,
            due_on=installment.due_on,
            amount_due=unpaid,
            actor=actor,
            occurred_at=occurred_at,
        )

    def default_agreement(
        self, agreement_id: str, reason: str, actor: Actor, occurred_at: datetime, now: datetime
    ) -> None:
        """Record that the enterprise defaulted on its agreement."""
        self.check_agreement_active(agreement_id)
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        self.trigger_event(
            AgreementDefaulted, agreement_id=agreement_id, reason=reason, actor=actor, occurred_at=occurred_at
        )

    def check_agreement_active(self, agreement_id: str) -> Agreement:
        """The agreement exists and is active."""
        agreement = self.agreements.get(agreement_id)
        if agreement is None:
            raise NotFoundError(f"no agreement {agreement_id!r} on this case")
        if agreement.status != "active":
            raise IllegalTransitionError(f"agreement {agreement_id!r} is {agreement.status}")
        return agreement

    def active_agreement(self) -> Agreement | None:
        """The agreement being repaid, if any."""
        return next((a for a in self.agreements.values() if a.status == "active"), None)

    # --- money -------------------------------------------------------------------------------

    def receive_payment(
        self,
        *,
        amount: Money,
        received_on: date,
        reference: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Record a payment, allocate it to instalments, and settle promises and agreements."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_future(occurred_at, now)
        check_currency(amount, self.currency)
        check_positive(amount)
        check_not_blank(reference, "reference")
        if received_on > local_date(now, self.timezone):
            raise InvariantError("received_on cannot be in the future")
        if reference in self.payment_references:
            raise DuplicateError(f"payment {reference!r} is already recorded")
        if amount > self.outstanding:
            raise InvariantError(f"payment of {amount} exceeds the outstanding {self.outstanding}")
        allocations = self.allocate(amount)
        self.trigger_event(
            PaymentReceived,
            amount=amount,
            received_on=received_on,
            reference=reference,
            allocations=allocations,
            actor=actor,
            occurred_at=occurred_at,
        )
        self.settle_after_payment(amount, received_on, actor, occurred_at)
        self.classify(local_date(now, self.timezone), actor, occurred_at, now)

    def allocate(self, amount: Money) -> list[Allocation]:
        """Allocate a payment to the active agreement's unpaid instalments, oldest first."""
        agreement = self.active_agreement()
        if agreement is None:
            return []
        remaining = amount.fen
        allocations = []
        for number in range(1, len(agreement.schedule) + 1):
            unpaid = agreement.unpaid(number).fen
            if remaining == 0:
                break
            if unpaid <= 0:
                continue
            part = min(unpaid, remaining)
            allocations.append(
                Allocation(
                    agreement_id=agreement.agreement_id, installment_no=number, amount=Money.of(part, self.currency)
                )
            )
            remaining -= part
        return allocations

    def settle_after_payment(self, amount: Money, received_on: date, actor: Actor, occurred_at: datetime) -> None:
        """Promises the payment covers are kept; a fully paid agreement completes."""
        remaining = amount.fen
        for promise in sorted(self.open_promises(), key=lambda p: (p.due_on, p.promise_id)):
            if promise.due_on >= received_on and promise.amount.fen <= remaining:
                remaining -= promise.amount.fen
                self.trigger_event(PromiseKept, promise_id=promise.promise_id, actor=actor, occurred_at=occurred_at)
        agreement = self.active_agreement()
        if agreement is not None and all(
            not agreement.unpaid(n).is_positive() for n in range(1, len(agreement.schedule) + 1)
        ):
            self.trigger_event(
                AgreementCompleted, agreement_id=agreement.agreement_id, actor=actor, occurred_at=occurred_at
            )

    def open_promises(self) -> list[Promise]:
        """Promises neither kept nor broken."""
        return [p for p in self.promises.values() if p.status == "open"]

    # --- collaboration -----------------------------------------------------------------------

    def assign_task(
        self,
        *,
        task_id: str,
        department: Department,
        title: str,
        due_at: datetime | None,
        assignee: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Give a department a task on the case."""
        self.check_open()
        check_not_blank(task_id, "task_id")
        check_not_blank(title, "title")
        check_not_future(occurred_at, now)
        if due_at is not None:
            check_aware(due_at, "due_at")
        if task_id in self.tasks:
            raise DuplicateError(f"task {task_id!r} already exists")
        self.trigger_event(
            TaskAssigned,
            task_id=task_id,
            department=department,
            title=title,
            due_at=due_at,
            assignee=assignee,
            actor=actor,
            occurred_at=occurred_at,
        )

    def complete_task(self, task_id: str, outcome: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Mark a task done."""
        task = self.tasks.get(task_id)
        if task is None:
            raise NotFoundError(f"no task {task_id!r} on this case")
        if task.status != "open":
            raise DuplicateError(f"task {task_id!r} is already {task.status}")
        check_not_future(occurred_at, now)
        self.trigger_event(TaskCompleted, task_id=task_id, outcome=outcome, actor=actor, occurred_at=occurred_at)

    def start_legal_action(
        self,
        *,
        action_id: str,
        kind: LegalActionKind,
        summary: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Start a legal measure."""
        self.check_open()
        check_not_future(occurred_at, now)
        if action_id in self.legal_actions:
            raise DuplicateError(f"legal action {action_id!r} already started")
        self.trigger_event(
            LegalActionStarted,
            action_id=action_id,
            kind=kind,
            summary=summary,
            actor=actor,
            occurred_at=occurred_at,
        )

    def record_signal(
        self,
        *,
        source: SignalSource,
        summary: str,
        severity: Severity,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """Record an outside signal about the enterprise."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_blank(summary, "summary")
        check_not_future(occurred_at, now)
        self.trigger_event(
            SignalRecorded,
            source=source,
            summary=summary,
            severity=severity,
            actor=actor,
            occurred_at=occurred_at,
        )

    def add_note(self, text: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """Add a free-text note (allowed on any case, closed ones included)."""
        check_not_blank(text, "text")
        check_not_future(occurred_at, now)
        self.trigger_event(NoteAdded, text=text, actor=actor, occurred_at=occurred_at)

    def raise_dispute(self, reason: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """The enterprise disputes the debt."""
        self.check_open()
        check_not_blank(reason, "reason")
        check_not_future(occurred_at, now)
        if self.disputed:
            raise DuplicateError("the case is already disputed")
        self.trigger_event(DisputeRaised, reason=reason, actor=actor, occurred_at=occurred_at)

    def resolve_dispute(self, outcome: str, actor: Actor, occurred_at: datetime, now: datetime) -> None:
        """The dispute was settled."""
        if not self.disputed:
            raise IllegalTransitionError("the case is not disputed")
        check_not_blank(outcome, "outcome")
        check_not_future(occurred_at, now)
        self.trigger_event(DisputeResolved, outcome=outcome, actor=actor, occurred_at=occurred_at)

    # --- legal clock and classification ---------------------------------------------------------

    def set_limitation_period(
        self,
        *,
        starts_on: date,
        years: int,
        warn_days: int,
        basis: str,
        actor: Actor,
        occurred_at: datetime,
        now: datetime,
    ) -> None:
        """(Re)start the limitation period and move its warning deadline."""
        self.check_open()
        check_not_blank(basis, "basis")
        check_not_future(occurred_at, now)
        if years < 1 or warn_days < 1:
            raise InvariantError("the limitation period and its warning are at least one year and one day")
        if self.limitation_starts_on is not None and starts_on < self.limitation_starts_on:
            raise IllegalTransitionError(f"the period already restarted on {self.limitation_starts_on}")
        ends_on = limitation_ends(starts_on, years)
        self.trigger_event(
            LimitationPeriodSet,
            starts_on=starts_on,
            ends_on=ends_on,
            years=years,
            warn_days_before=warn_days,
            basis=basis,
            actor=actor,
            occurred_at=occurred_at,
        )
        for deadline in list(self.deadlines.values()):
            if deadline.kind == "limitation_warning" and deadline.status == "open":
                self.trigger_event(
                    DeadlineCancelled,
                    deadline_id=deadline.deadline_id,
                    reason=f"limitation period restarted; it now ends on {ends_on}",
                    actor=actor,
                    occurred_at=occurred_at,
                )
        warn_at = at_workday_start(warning_day(ends_on, warn_days), self.timezone)
        deadline_id = f"limitation-warning-{ends_on.isoformat()}"
        if warn_at > occurred_at and deadline_id not in self.deadlines:
            self.trigger_event(
                DeadlineSet,
                deadline_id=deadline_id,
                kind="limitation_warning",
                due_at=warn_at,
                action="legal_task",
                actor=actor,
                occurred_at=occurred_at,
            )

    def review_legal_clock(self, actor: Actor, occurred_at: datetime, now: datetime) -> bool:
        """When the period nears its end, give legal a task (once per end date); True if one was given."""
        self.check_open()
        check_not_future(occurred_at, now)
        ends_on = self.limitation_ends_on
        if ends_on is None or local_date(now, self.timezone) < warning_day(ends_on, self.limitation_warn_days):
            return False
        task_id = f"limitation-{ends_on.isoformat()}"
        if task_id in self.tasks:
            return False
        deadline = self.deadlines.get(f"limitation-warning-{ends_on.isoformat()}")
        if deadline is not None and deadline.status == "open":
            self.trigger_event(DeadlineExpired, deadline_id=deadline.deadline_id, actor=actor, occurred_at=occurred_at)
        self.trigger_event(
            TaskAssigned,
            task_id=task_id,
            department=Department.LEGAL,
            title=f"Limitation period ends on {ends_on}: send a demand with delivery evidence or file suit",
            due_at=at_workday_start(ends_on, self.timezone),
            assignee="",
            actor=actor,
            occurred_at=occurred_at,
        )
        return True

    def classify(self, as_of: date, actor: Actor, occurred_at: datetime, now: datetime) -> bool:
        """Recompute days past due; record a new bucket or category only when either changes."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_future(occurred_at, now)
        days = days_past_due(self.overdue_since, self.overdue_amount.fen, as_of)
        new_bucket, new_category = bucket(days), str(category(days))
        if (new_bucket, new_category) == (self.delinquency_bucket, self.loan_category):
            return False
        self.trigger_event(
            DelinquencyClassified,
            as_of=as_of,
            days_past_due=days,
            bucket=new_bucket,
            category=new_category,
            previous_bucket=self.delinquency_bucket,
            previous_category=self.loan_category,
            actor=actor,
            occurred_at=occurred_at,
        )
        return True

    # --- guards --------------------------------------------------------------------------------

    def check_open(self) -> None:
        """Most commands need an open case."""
        if self.status is not CaseStatus.OPEN:
            raise IllegalTransitionError(f"the case is {self.status}")
