"""Commitments and money: promises, repayment plans, agreements, payments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from api.deps import Write, writes
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
from api.schemas.common import PathId
from application.commands import MakePromise, ProposePlan, ReceivePayment, SignAgreement
from application.handlers.commitments import Balance, ProposedPlan
from application.history import value_date_time
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
    case_id: PathId,
    body: PromiseIn,
    write: Annotated[Write, writes(Permission.PROMISE)],
) -> Response:
    """Record the enterprise's promise to pay an amount by a date."""
    amount = case_money(write.app, case_id, body.amount)
    promise = await write.send(MakePromise(amount=amount, due_on=body.due_on, **write.on_case(case_id, body)))
    return write.created(
        PromiseCreated(case_id=str(case_id), version=promise.version, promise_id=promise.result), promise.version
    )


@router.post(
    "/{case_id}/plans",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanCreated,
    responses=WRITE,
    summary="Propose a repayment plan",
)
async def propose_plan(
    case_id: PathId,
    body: PlanIn,
    write: Annotated[Write, writes(Permission.PLAN)],
) -> Response:
    """Propose a plan: an explicit schedule, or one built from ``kind``, ``start_on`` and the kind's parameters
    (e.g. equal: ``{"count": 6}``; extension: ``{"count": 6, "balloon_share_bp": 6000}``; see domain/repayment.py
    for milestone, seasonal, revenue_share and collateral). The schedule sums exactly to the amount."""
    amount = case_money(write.app, case_id, body.amount)
    schedule = None
    if body.schedule is not None:
        schedule = tuple(
            Installment(due_on=i.due_on, amount=Money.parse(i.amount, amount.currency)) for i in body.schedule
        )
    outcome = await write.send(
        ProposePlan(
            kind=body.kind,
            amount=amount,
            schedule=schedule,
            start_on=body.start_on,
            parameters=body.parameters,
            **write.on_case(case_id, body),
        )
    )
    plan: ProposedPlan = outcome.result
    return write.created(
        PlanCreated(
            case_id=str(case_id),
            version=outcome.version,
            plan_id=plan.plan_id,
            schedule=[InstallmentIO(due_on=i.due_on, amount=str(i.amount)) for i in plan.schedule],
        ),
        outcome.version,
    )


@router.post(
    "/{case_id}/agreements",
    status_code=status.HTTP_201_CREATED,
    response_model=AgreementCreated,
    responses=WRITE,
    summary="Sign an agreement",
)
async def sign_agreement(
    case_id: PathId,
    body: AgreementIn,
    write: Annotated[Write, writes(Permission.SIGN_AGREEMENT)],
) -> Response:
    """Sign a legally binding agreement on a proposed plan."""
    agreement = await write.send(
        SignAgreement(
            plan_id=body.plan_id,
            signed_on=body.signed_on,
            signatories=tuple(body.signatories),
            document_sha256=body.document_sha256,
            terms=body.terms,
            **write.on_case(case_id, body),
        )
    )
    return write.created(
        AgreementCreated(case_id=str(case_id), version=agreement.version, agreement_id=agreement.result),
        agreement.version,
    )


@router.post(
    "/{case_id}/payments",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentRecorded,
    responses=WRITE,
    summary="Record a payment",
)
async def receive_payment(
    case_id: PathId,
    body: PaymentIn,
    write: Annotated[Write, writes(Permission.RECORD_PAYMENT)],
    request: Request,
) -> Response:
    """Record a payment; it is allocated to instalments and settles promises it covers. Without ``occurred_at``
    its business time is the close of ``received_on`` in the business zone (now, if that is today)."""
    amount = case_money(write.app, case_id, body.amount)
    common = write.on_case(case_id, body)
    if common["occurred_at"] is None:  # a payment happened on its value date (business time), not when recorded
        zone = request.app.state.services.settings.zone
        common["occurred_at"] = value_date_time(body.received_on, zone, write.app.clock.now())
    payment = await write.send(
        ReceivePayment(
            amount=amount,
            received_on=body.received_on,
            reference=body.reference,
            designated_dues=tuple(body.designated_dues),
            **common,
        )
    )
    balance: Balance = payment.result
    return write.created(
        PaymentRecorded(
            case_id=str(case_id), version=payment.version, outstanding=str(balance.outstanding), paid=str(balance.paid)
        ),
        payment.version,
    )
