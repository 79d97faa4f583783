"""Commitments and money: promises, repayment plans, agreements, payments."""

from __future__ import annotations

import importlib
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from api.auth import Principal
from api.deps import AppDep, ExpectedVersion, IdempotencyKey, require
from api.errors import ApiError
from api.permissions import Permission
from api.routes.common import WRITE, case_money, set_etag
from api.schemas.cases import (
    AgreementCreated,
    AgreementIn,
    InstallmentIO,
    PaymentIn,
    PaymentRecorded,
    PlanCreated,
    PlanIn,
    PromiseCreated,
    PromiseIn,
)
from domain.case_values import Installment
from domain.money import Money

router = APIRouter(prefix="/v1/cases", tags=["commitments"])


@router.post("/{case_id}/promises", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Record a promise")
def make_promise(
    case_id: UUID,
    body: PromiseIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.PROMISE))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> PromiseCreated:
    """Record the enterprise's promise to pay an amount by a date."""
    promise_id = app.make_promise(
        case_id,
        amount=case_money(app, case_id, body.amount),
        due_on=body.due_on,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    new_version = app.get_case(case_id).version
    set_etag(response, new_version)
    return PromiseCreated(case_id=str(case_id), version=new_version, promise_id=promise_id)


def build_schedule(body: PlanIn, amount: Money) -> list[Installment]:
    """The explicit schedule, or one built from the kind's parameters where the plan builders exist."""
    if body.schedule is not None:
        return [Installment(due_on=i.due_on, amount=Money.parse(i.amount, amount.currency)) for i in body.schedule]
    try:
        repayment = importlib.import_module("domain.repayment")
    except ImportError:
        repayment = None
    builder = getattr(repayment, "build_schedule", None)
    if builder is None or body.start_on is None:
        raise ApiError(
            422,
            "give the schedule explicitly" + ("" if builder is None else ", or start_on with the kind's parameters"),
            code="invalid-input",
        )
    schedule: list[Installment] = builder(body.kind, amount, body.start_on, body.parameters)
    return schedule


@router.post(
    "/{case_id}/plans", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Propose a repayment plan"
)
def propose_plan(
    case_id: UUID,
    body: PlanIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.PLAN))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> PlanCreated:
    """Propose a plan whose dated schedule sums exactly to its amount."""
    amount = case_money(app, case_id, body.amount)
    schedule = build_schedule(body, amount)
    plan_id = app.propose_plan(
        case_id,
        kind=body.kind,
        amount=amount,
        schedule=schedule,
        parameters=body.parameters,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    new_version = app.get_case(case_id).version
    set_etag(response, new_version)
    return PlanCreated(
        case_id=str(case_id),
        version=new_version,
        plan_id=plan_id,
        schedule=[InstallmentIO(due_on=i.due_on, amount=str(i.amount)) for i in schedule],
    )


@router.post("/{case_id}/agreements", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Sign an agreement")
def sign_agreement(
    case_id: UUID,
    body: AgreementIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.SIGN_AGREEMENT))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> AgreementCreated:
    """Sign a legally binding agreement on a proposed plan."""
    agreement_id = app.sign_agreement(
        case_id,
        plan_id=body.plan_id,
        signed_on=body.signed_on,
        signatories=body.signatories,
        document_sha256=body.document_sha256,
        terms=body.terms,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    new_version = app.get_case(case_id).version
    set_etag(response, new_version)
    return AgreementCreated(case_id=str(case_id), version=new_version, agreement_id=agreement_id)


@router.post("/{case_id}/payments", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Record a payment")
def receive_payment(
    case_id: UUID,
    body: PaymentIn,
    app: AppDep,
    who: Annotated[Principal, Depends(require(Permission.RECORD_PAYMENT))],
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> PaymentRecorded:
    """Record a payment; it is allocated to instalments and settles promises it covers."""
    new_version = app.receive_payment(
        case_id,
        amount=case_money(app, case_id, body.amount),
        received_on=body.received_on,
        reference=body.reference,
        actor=who.actor,
        expected_version=version,
        occurred_at=body.occurred_at,
    )
    case = app.get_case(case_id)
    set_etag(response, new_version)
    return PaymentRecorded(
        case_id=str(case_id), version=new_version, outstanding=str(case.outstanding), paid=str(case.paid)
    )
