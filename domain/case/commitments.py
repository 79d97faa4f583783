"""Commitments and money: promises, repayment plans, agreements and payments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.act import Act
from domain.case.arrears import ArrearsCommands
from domain.case.checks import check_schedule, check_sha256
from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    InstallmentMissed,
    PaymentReceived,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RepaymentPlanProposed,
)
from domain.case.values import Agreement, Allocation, CaseStatus, Installment, LimitationCause, PlanKind, Promise
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, NotFoundError
from domain.legal_clock import at_workday_start
from domain.money import Money
from domain.rules import check_currency, check_date_not_past, check_not_blank, check_positive, local_date


class CommitmentCommands(ArrearsCommands):
    """Promises, plans, agreements, and payments allocated to them (a payment reclassifies the case)."""

    def make_promise(self, *, promise_id: str, amount: Money, due_on: date, act: Act, grace_days: int = 0) -> None:
        """Record a promise to pay; it is judged the morning after its date plus ``grace_days``."""
        self.check_open()
        check_currency(amount, self.currency)
        check_positive(amount)
        check_date_not_past(due_on, act.recorded_at, self.timezone, "due_on")
        if promise_id in self.promises:
            raise DuplicateError(f"promise {promise_id!r} already exists")
        if amount > self.outstanding:
            raise InvariantError(f"promise of {amount} exceeds the outstanding {self.outstanding}")
        self.trigger_event(
            PromiseToPayMade,
            promise_id=promise_id,
            amount=amount,
            due_on=due_on,
            **act.attribution(),
        )
        made = self.version
        self.fulfil("promise", act=act)
        self.set_deadline(
            deadline_id=f"promise-{promise_id}",
            kind="promise",
            due_at=at_workday_start(due_on + timedelta(days=grace_days + 1), self.timezone),
            action="judge_promise",
            act=act,
        )
        on = local_date(act.occurred_at, self.timezone)
        self.interrupt_limitation(LimitationCause.PROMISE, on=on, act=act, by_version=made)

    def keep_promise(self, promise_id: str, *, act: Act) -> None:
        """Mark a promise kept."""
        self.check_promise_open(promise_id)
        self._keep(promise_id, act)

    def _keep(self, promise_id: str, act: Act) -> None:
        self.trigger_event(PromiseKept, promise_id=promise_id, **act.attribution())
        deadline = self.deadlines.get(f"promise-{promise_id}")
        if deadline is not None and deadline.status == "open":
            self.meet_deadline(deadline.deadline_id, by="promise_kept", act=act)

    def judge_promise(self, deadline_id: str, *, act: Act) -> str:
        """The promise's deadline passed: what was paid since it was made decides kept or broken (fires once).
        Answers ``kept``, ``broken`` or the status it already had."""
        self.fire(deadline_id, act=act)
        promise = self.promises.get(deadline_id.removeprefix("promise-"))
        if promise is None or promise.status != "open":
            return promise.status if promise is not None else "unknown"
        if promise.paid_fen >= promise.amount.fen:
            self.trigger_event(PromiseKept, promise_id=promise.promise_id, **act.attribution())
            return "kept"
        self.trigger_event(
            PromiseBroken,
            promise_id=promise.promise_id,
            paid=Money.of(promise.paid_fen, self.currency),
            **act.attribution(),
        )
        return "broken"

    def broken_promises(self) -> int:
        """How many promises were broken."""
        return sum(1 for p in self.promises.values() if p.status == "broken")

    def break_promise(self, promise_id: str, *, act: Act) -> None:
        """Mark a promise broken: its date passed without the money."""
        self.check_promise_open(promise_id)
        promise = self.promises[promise_id]
        if local_date(act.occurred_at, self.timezone) <= promise.due_on:
            raise IllegalTransitionError(f"promise {promise_id!r} is not due until {promise.due_on}")
        self.trigger_event(
            PromiseBroken, promise_id=promise_id, paid=Money.of(promise.paid_fen, self.currency), **act.attribution()
        )
        deadline = self.deadlines.get(f"promise-{promise_id}")
        if deadline is not None and deadline.status == "open":
            self.cancel_deadline(deadline.deadline_id, "the promise was recorded broken by hand", act=act)

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
        act: Act,
    ) -> None:
        """Propose a repayment plan whose schedule sums exactly to its amount."""
        self.check_open()
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
            **act.attribution(),
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
        act: Act,
        grace_days: int = 0,
    ) -> None:
        """Sign a legally binding agreement on a proposed plan; each instalment is checked the morning after
        its date plus ``grace_days``."""
        self.check_open()
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
        if signed_on > local_date(act.recorded_at, self.timezone):
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
            **act.attribution(),
        )
        signed = self.version
        self.fulfil("agreement", act=act)
        for number, installment in enumerate(plan.schedule, start=1):
            due_at = at_workday_start(installment.due_on + timedelta(days=grace_days + 1), self.timezone)
            if due_at > act.occurred_at:
                self.set_deadline(
                    deadline_id=f"installment-{agreement_id}-{number}",
                    kind="installment",
                    due_at=due_at,
                    action="check_installment",
                    act=act,
                )
        self.interrupt_limitation(LimitationCause.AGREEMENT, on=signed_on, act=act, by_version=signed)

    def miss_installment(self, agreement_id: str, installment_no: int, *, act: Act) -> None:
        """Record that an instalment's date passed without full payment."""
        agreement = self.check_agreement_active(agreement_id)
        if not 1 <= installment_no <= len(agreement.schedule):
            raise NotFoundError(f"agreement {agreement_id!r} has no instalment {installment_no}")
        installment = agreement.schedule[installment_no - 1]
        if local_date(act.occurred_at, self.timezone) <= installment.due_on:
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
            **act.attribution(),
        )

    def check_installment(self, deadline_id: str, *, act: Act, default_after: int) -> bool:
        """An instalment's grace passed (fires once): unpaid, it is missed; ``default_after`` missed ones
        default the agreement. True when it defaulted."""
        self.fire(deadline_id, act=act)
        agreement_id, _, number = deadline_id.removeprefix("installment-").rpartition("-")
        agreement = self.agreements.get(agreement_id)
        if agreement is None or agreement.status != "active" or not agreement.unpaid(int(number)).is_positive():
            return False
        self.miss_installment(agreement_id, int(number), act=act)
        missed = len(self.agreements[agreement_id].missed)
        if missed < default_after:
            return False
        self.default_agreement(agreement_id, f"{missed} instalments missed", act=act)
        return True

    def default_agreement(self, agreement_id: str, reason: str, *, act: Act) -> None:
        """Record that the enterprise defaulted on its agreement."""
        self.check_agreement_active(agreement_id)
        check_not_blank(reason, "reason")
        self.trigger_event(AgreementDefaulted, agreement_id=agreement_id, reason=reason, **act.attribution())
        self.cancel_open_deadlines(
            f"agreement {agreement_id} defaulted: {reason}",
            act=act,
            which=lambda d: d.deadline_id.startswith(f"installment-{agreement_id}-"),
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

    def receive_payment(
        self,
        *,
        amount: Money,
        received_on: date,
        reference: str,
        act: Act,
        designated_dues: list[int] | None = None,
    ) -> None:
        """Record a payment, allocate it to instalments, and settle promises and agreements."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_currency(amount, self.currency)
        check_positive(amount)
        check_not_blank(reference, "reference")
        if received_on > local_date(act.recorded_at, self.timezone):
            raise InvariantError("received_on cannot be in the future")
        self.check_payment_date(received_on, designated_dues or [])
        if reference in self.payment_references:
            raise DuplicateError(f"payment {reference!r} is already recorded")
        payoff = self.payoff_on(received_on)
        if amount.fen > payoff:
            raise InvariantError(
                f"payment of {amount} exceeds {Money.of(payoff, self.currency)}, what settles the loan on {received_on}"
            )
        allocations = self.allocate(amount)
        self.trigger_event(
            PaymentReceived,
            amount=amount,
            received_on=received_on,
            reference=reference,
            allocations=allocations,
            designated_dues=sorted(set(designated_dues or [])),
            **act.attribution(),
        )
        paid = self.version
        self.settle_after_payment(amount, received_on, act=act)
        self.review_ledger(act=act)
        self.interrupt_limitation(LimitationCause.PART_PAYMENT, on=received_on, act=act, by_version=paid)

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

    def settle_after_payment(self, amount: Money, received_on: date, *, act: Act) -> None:
        """Promises paid in full (payments add up) are kept; paid instalments meet their deadlines; a fully
        paid agreement completes; the payment meets the deadlines a payment meets; cleared arrears cancel
        the treatment's deadlines."""
        for promise in sorted(self.open_promises(), key=lambda p: (p.due_on, p.promise_id)):
            if promise.paid_fen >= promise.amount.fen:
                self._keep(promise.promise_id, act)
        agreement = self.active_agreement()
        if agreement is not None:
            for number in range(1, len(agreement.schedule) + 1):
                deadline = self.deadlines.get(f"installment-{agreement.agreement_id}-{number}")
                if deadline is not None and deadline.status == "open" and not agreement.unpaid(number).is_positive():
                    self.meet_deadline(deadline.deadline_id, by="installment_paid", act=act)
            if all(not agreement.unpaid(n).is_positive() for n in range(1, len(agreement.schedule) + 1)):
                self.trigger_event(AgreementCompleted, agreement_id=agreement.agreement_id, **act.attribution())
        self.fulfil("payment", act=act)
        if not self.overdue_amount.is_positive():
            self.fulfil("arrears_cleared", act=act)
            self.cancel_open_deadlines(
                f"the arrears were cleared ({amount} received on {received_on})",
                act=act,
                which=lambda d: d.deadline_id.startswith(("strategy-", "recontact-")),
            )

    def open_promises(self) -> list[Promise]:
        """Promises neither kept nor broken."""
        return [p for p in self.promises.values() if p.status == "open"]
