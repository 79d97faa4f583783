"""Commitments and money: promises, repayment plans, agreements, payments."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Response, status

from api.deps import Write, writes
from api.errors import ApiError
from api.permissions import Permission
from api.routes.common import WRITE, case_money
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
from domain.case.values import Installment
from domain.money import Money

router = APIRouter(prefix="/v1/cases", tags=["commitments"])


@router.post(
    "/{case_id}/promises",
    status_code=status.HTTP_201_CREATED,
    response_model=PromiseCreated,
    responses=WRITE,
    summary="Record a promise",
)
async def make_promise(
    case_id: UUID,
    body: PromiseIn,
    write: Annotated[Write, writes(Permission.PROMISE)],
) -> Response:
    """Record the enterprise's promise to pay an amount by a date."""
    promise_id = write.app.make_promise(
        case_id,
        amount=case_money(write.app, case_id, body.amount),
        due_on=body.due_on,
        actor=write.actor,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    new_version = write.app.case_version(case_id)
    return write.created(PromiseCreated(case_id=str(case_id), version=new_version, promise_id=promise_id), new_version)


@router.post(
    "/{case_id}/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanCreated,
    responses=WRITE,
    summary="Propose a repayment plan",
)
async def propose_plan(
    case_id: UUID,
    body: PlanIn,
    write: Annotated[Write, writes(Permission.PLAN)],
) -> Response:
    """Propose a plan: an explicit schedule, or one built from ``kind``, ``start_on`` and the kind's parameters
    (e.g. equal: ``{"count": 6}``; extension: ``{"count": 6, "balloon_share_bp": 6000}``; see domain/repayment.py
    for milestone, seasonal, revenue_share and collateral). The schedule sums exactly to the amount."""
    amount = case_money(write.app, case_id, body.amount)
    if body.schedule is not None:
        schedule = [Installment(due_on=i.due_on, amount=Money.parse(i.amount, amount.currency)) for i in body.schedule]
        plan_id = write.app.propose_plan(
            case_id,
            kind=body.kind,
            amount=amount,
            schedule=schedule,
            parameters=body.parameters,
            actor=write.actor,
            expected_version=write.expected_version,
            occurred_at=body.occurred_at,
        )
        new_version = write.app.case_version(case_id)
    elif body.start_on is not None:
        proposal = write.app.propose_plan_of_kind(
            case_id,
            kind=body.kind,
            amount=amount,
            start_on=body.start_on,
            parameters=body.parameters,
            actor=write.actor,
            expected_version=write.expected_version,
            occurred_at=body.occurred_at,
        )
        plan_id, schedule, new_version = proposal.plan_id, proposal.schedule, proposal.version
    else:
        raise ApiError(422, "give the schedule, or start_on with the kind's parameters", code="invalid-input")
    return write.created(
        PlanCreated(
            case_id=str(case_id),
            version=new_version,
            plan_id=plan_id,
            schedule=[InstallmentIO(due_on=i.due_on, amount=str(i.amount)) for i in schedule],
        ),
        new_version,
    )


@router.post(
    "/{case_id}/agreements",
    status_code=status.HTTP_201_CREATED,
    response_model=AgreementCreated,
    responses=WRITE,
    summary="Sign an agreement",
)
async def sign_agreement(
    case_id: UUID,
    body: AgreementIn,
    write: Annotated[Write, writes(Permission.SIGN_AGREEMENT)],
) -> Response:
    """Sign a legally binding agreement on a proposed plan."""
    agreement_id = write.app.sign_agreement(
        case_id,
        plan_id=body.plan_id,
        signed_on=body.signed_on,
        signatories=body.signatories,
        document_sha256=body.document_sha256,
        terms=body.terms,
        actor=write.actor,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    new_version = write.app.case_version(case_id)
    return write.created(
        AgreementCreated(case_id=str(case_id), version=new_version, agreement_id=agreement_id), new_version
    )


@router.post(
    "/{case_id}/payments",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentRecorded,
    responses=WRITE,
    summary="Record a payment",
)
async def receive_payment(
    case_id: UUID,
    body: PaymentIn,
    write: Annotated[Write, writes(Permission.RECORD_PAYMENT)],
) -> Response:
    """Record a payment; it is allocated to instalments and settles promises it covers."""
    new_version = write.app.receive_payment(
        case_id,
        amount=case_money(write.app, case_id, body.amount),
        received_on=body.received_on,
        reference=body.reference,
        actor=write.actor,
        expected_version=write.expected_version,
        occurred_at=body.occurred_at,
    )
    case = write.app.get_case(case_id)
    return write.created(
        PaymentRecorded(
            case_id=str(case_id), version=new_version, outstanding=str(case.outstanding), paid=str(case.paid)
        ),
        new_version,
    )
