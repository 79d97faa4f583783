"""Handlers of commitments and money: promises, plans (built from their kind), agreements, payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from application.commands.commitments import (
    BreakPromise,
    CheckInstallment,
    DefaultAgreement,
    JudgePromise,
    KeepPromise,
    MakePromise,
    MissInstallment,
    ProposePlan,
    ReceivePayment,
    SignAgreement,
)
from application.handlers.registry import new_id, on_case
from application.history import value_date_time
from application.judgement import counts_as_response, instalment_due, suspend_for_agreement, waive_if_residue
from application.policies import PolicyBook, ensure_stored, policy_book
from domain.act import Act
from domain.case import CollectionCase
from domain.case.values import Installment
from domain.errors import InvariantError
from domain.money import Money
from domain.repayment import build_schedule, plan_parameters
from domain.strategy import apply_treatment, escalate_case, next_tier


@dataclass(frozen=True)
class ProposedPlan:
    """A proposed plan's id and its dated schedule."""

    plan_id: str
    schedule: list[Installment]


@dataclass(frozen=True)
class Balance:
    """What a case's debtor still owes, and has paid, after a payment."""

    outstanding: Money
    paid: Money


@on_case(MakePromise, prepare=policy_book, then=ensure_stored)
def make_promise(case: CollectionCase, command: MakePromise, act: Act, book: PolicyBook) -> str:
    promise_id = command.promise_id or new_id()
    policy = book.governing(case.policy_version)
    overdue, due = case.overdue_amount, instalment_due(case)
    grace = policy.terms.promise_grace_days
    case.make_promise(promise_id=promise_id, amount=command.amount, due_on=command.due_on, act=act, grace_days=grace)
    if counts_as_response(case, command.amount, overdue, due, policy):
        case.fulfil("meaningful_promise", act=act)
    return promise_id


def escalate_one_tier(case: CollectionCase, reason: str, rule: str, book: PolicyBook, act: Act) -> None:
    """Escalate to the next tier with its treatment by ``rule``; a case already at the top takes its tier's
    treatment again (its deadlines and legal preparation, suspended while an agreement stood)."""
    to_tier = next_tier(case.tier)
    policy = book.governing(case.policy_version)
    if to_tier is not None:
        escalate_case(case, to_tier, reason, policy.version, policy.terms, act=act, rule=rule)
    elif case.tier is not None and case.status.value == "open":
        treatment = policy.terms.treatment_for(case.tier)
        apply_treatment(case, policy.version, treatment, act=act, force=True, channels=list(case.channels) or None)


@on_case(JudgePromise, prepare=policy_book, then=ensure_stored)
def judge_promise(case: CollectionCase, command: JudgePromise, act: Act, book: PolicyBook) -> str:
    verdict = case.judge_promise(command.deadline_id, act=act)
    if verdict != "broken":
        return verdict
    terms = book.governing(case.policy_version).terms
    broken = case.promises_since_change().count(False)
    if broken >= terms.judgement.broken_promises_to_escalate and not case.agreement_in_good_standing():
        escalate_one_tier(case, f"{broken} promises broken", "promises-broken", book, act)
    elif case.status.value == "open":
        days = terms.broken_promise_recontact_days
        promise_id = command.deadline_id.removeprefix("promise-")
        case.set_deadline(
            deadline_id=f"recontact-{promise_id}",
            kind="recontact",
            due_at=act.occurred_at + timedelta(days=days),
            action="notify:supervisor",
            act=act,
        )
    return verdict


@on_case(CheckInstallment, prepare=policy_book, then=ensure_stored)
def check_installment(case: CollectionCase, command: CheckInstallment, act: Act, book: PolicyBook) -> bool:
    terms = book.governing(case.policy_version).terms
    defaulted = case.check_installment(command.deadline_id, act=act, default_after=terms.missed_installments_to_default)
    if defaulted:
        escalate_one_tier(case, "the repayment agreement defaulted", "agreement-defaulted", book, act)
    return defaulted


@on_case(KeepPromise)
def keep_promise(case: CollectionCase, command: KeepPromise, act: Act) -> None:
    case.keep_promise(command.promise_id, act=act)


@on_case(BreakPromise)
def break_promise(case: CollectionCase, command: BreakPromise, act: Act) -> None:
    case.break_promise(command.promise_id, act=act)


@on_case(ProposePlan)
def propose_plan(case: CollectionCase, command: ProposePlan, act: Act) -> ProposedPlan:
    if command.schedule is not None:
        schedule, parameters = list(command.schedule), command.parameters
    elif command.start_on is not None:
        schedule = build_schedule(command.kind, command.amount, command.start_on, command.parameters)
        parameters = plan_parameters(command.kind, command.parameters) | {"start_on": command.start_on.isoformat()}
    else:
        raise InvariantError("give the schedule, or start_on with the kind's parameters")
    plan_id = command.plan_id or new_id()
    case.propose_plan(
        plan_id=plan_id, kind=command.kind, amount=command.amount, schedule=schedule, parameters=parameters, act=act
    )
    return ProposedPlan(plan_id, schedule)


@on_case(SignAgreement, prepare=policy_book, then=ensure_stored)
def sign_agreement(case: CollectionCase, command: SignAgreement, act: Act, book: PolicyBook) -> str:
    agreement_id = command.agreement_id or new_id()
    case.sign_agreement(
        agreement_id=agreement_id,
        plan_id=command.plan_id,
        signed_on=command.signed_on,
        signatories=list(command.signatories),
        terms=command.terms,
        document_sha256=command.document_sha256,
        act=act,
        grace_days=book.governing(case.policy_version).terms.installment_grace_days,
    )
    suspend_for_agreement(case, agreement_id, act=act)
    return agreement_id


@on_case(MissInstallment)
def miss_installment(case: CollectionCase, command: MissInstallment, act: Act) -> None:
    case.miss_installment(command.agreement_id, command.installment_no, act=act)


@on_case(DefaultAgreement)
def default_agreement(case: CollectionCase, command: DefaultAgreement, act: Act) -> None:
    case.default_agreement(command.agreement_id, command.reason, act=act)


@on_case(ReceivePayment, prepare=policy_book, then=ensure_stored)
def receive_payment(case: CollectionCase, command: ReceivePayment, act: Act, book: PolicyBook) -> Balance:
    """Record the payment on its value date (business time): the close of ``received_on`` unless the command says
    when (a receipt booked after the day the money arrived is back-valued: docs/ledger.md). A meaningful one (the
    policy's share of what is overdue, or the instalment due) meets the deadlines a response meets, a token one meets
    none; a residue left is waived and the case closes."""
    if command.occurred_at is None:
        moment = value_date_time(command.received_on, ZoneInfo(case.timezone), act.recorded_at)
        act = act.model_copy(update={"occurred_at": moment})
    policy = book.governing(case.policy_version)
    overdue, due = case.overdue_amount, instalment_due(case)
    case.receive_payment(
        amount=command.amount,
        received_on=command.received_on,
        reference=command.reference,
        designated_dues=list(command.designated_dues),
        act=act,
    )
    if counts_as_response(case, command.amount, overdue, due, policy) and case.status.value == "open":
        case.fulfil("meaningful_payment", act=act)
    waive_if_residue(case, policy, act=act)
    return Balance(outstanding=case.outstanding, paid=case.paid)
