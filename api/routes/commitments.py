"""Commitments and money: promises, repayment plans, agreements, payments."""

from __future__ import annotations

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
    """Propose a plan: an explicit schedule, or one built from ``kind``, ``start_on`` and the kind's parameters
    (e.g. equal: ``{"count": 6}``; extension: ``{"count": 6, "balloon_share_bp": 6000}``; see domain/repayment.py
    for milestone, seasonal, revenue_share and collateral). The schedule sums exactly to the amount."""
    amount = case_money(app, case_id, body.amount)
    if body.schedule is not None:
        schedule = [Installment(due_on=i.due_on, amount=Money.parse(i.amount, amount.currency)) for i in body.schedule]
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
    elif body.start_on is not None:
        proposal = app.propose_plan_of_kind(
            case_id,
            kind=body.kind,
            amount=amount,
            start_on=body.start_on,
            parameters=body.parameters,
            actor=who.actor,
            expected_version=version,
            occurred_at=body.occurred_at,
        )
        plan_id, schedule, new_version = proposal.plan_id, proposal.schedule, proposal.version
    else:
        raise ApiError(422, "give the schedule, or start_on with the kind's parameters", code="invalid-input")
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
