"""Commands on commitments and money: promises, repayment plans, agreements, instalments, payments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from application.commands.base import CaseCommand
from domain.case.values import Installment, PlanKind
from domain.money import Money


@dataclass(frozen=True, kw_only=True, slots=True)
class MakePromise(CaseCommand):
    """Record the enterprise's promise to pay an amount by a date; answers with the promise id."""

    amount: Money
    due_on: date
    promise_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class KeepPromise(CaseCommand):
    """Mark a promise kept."""

    promise_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class BreakPromise(CaseCommand):
    """Mark a promise broken."""

    promise_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ProposePlan(CaseCommand):
    """Propose a repayment plan: an explicit ``schedule``, or one built from ``kind``, ``start_on`` and the
    kind's ``parameters`` (domain/repayment.py). Answers with a ``ProposedPlan`` (its id and schedule)."""

    kind: PlanKind
    amount: Money
    schedule: tuple[Installment, ...] | None = None
    start_on: date | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    plan_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SignAgreement(CaseCommand):
    """Sign a legally binding agreement on a proposed plan; answers with the agreement id."""

    plan_id: str
    signed_on: date
    signatories: tuple[str, ...]
    document_sha256: str
    terms: str = ""
    agreement_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class MissInstallment(CaseCommand):
    """Record a missed instalment of an agreement."""

    agreement_id: str
    installment_no: int


@dataclass(frozen=True, kw_only=True, slots=True)
class DefaultAgreement(CaseCommand):
    """Record that an agreement defaulted."""

    agreement_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceivePayment(CaseCommand):
    """Record a payment; it is allocated to instalments and settles the promises it covers.
    Answers with the case's ``Balance`` after it."""

    amount: Money
    received_on: date
    reference: str
    #: the loan dues the debtor designates it for (Civil Code art. 560); empty: the legal order
    designated_dues: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class JudgePromise(CaseCommand):
    """A promise's deadline (its date plus the policy's grace) passed: the payments since it was made decide
    kept or broken; a broken one opens a recontact deadline, a second one escalates. Answers the verdict."""

    deadline_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckInstallment(CaseCommand):
    """An instalment's grace passed: unpaid, it is missed; the policy's count of missed ones defaults the
    agreement and escalates. Answers whether the agreement defaulted."""

    deadline_id: str
