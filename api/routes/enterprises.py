"""Enterprises: register, read, file statements and loan history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from api.auth import Principal
from api.deps import AppDep, ExpectedVersion, IdempotencyKey, require
from api.permissions import Permission
from api.routes.common import READ_ONE, WRITE, set_etag
from api.schemas.enterprises import (
    EnterpriseIn,
    EnterpriseOut,
    EnterpriseWritten,
    FinancialStatementIn,
    LoanRecordIn,
)
from api.views import enterprise_view
from domain.enterprise import ContactPerson, FinancialStatement, LoanRecord, Registration
from domain.money import Money

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])
Writer = Annotated[Principal, Depends(require(Permission.WRITE_ENTERPRISE))]
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE, summary="Register an enterprise")
def register_enterprise(
    body: EnterpriseIn, app: AppDep, who: Writer, response: Response, _key: IdempotencyKey
) -> EnterpriseWritten:
    """Register an enterprise; its id is the uuid5 of its credit code."""
    registration = Registration(
        credit_code=body.credit_code,
        name=body.name,
        registered_capital=Money.parse(body.registered_capital, body.currency),
        business_scope=body.business_scope,
        legal_representative=body.legal_representative,
        industry=body.industry,
        region=body.region,
        established_on=body.established_on,
        timezone=body.timezone,
    )
    contacts = [ContactPerson(**c.model_dump()) for c in body.contacts]
    enterprise_id = app.register_enterprise(registration, who.actor, contacts, occurred_at=body.occurred_at)
    response.headers["Location"] = f"/v1/enterprises/{enterprise_id}"
    set_etag(response, 1)
    return EnterpriseWritten(enterprise_id=str(enterprise_id), version=1)


@router.get("/{enterprise_id}", responses=READ_ONE, summary="Read an enterprise")
def get_enterprise(enterprise_id: UUID, app: AppDep, _who: Reader, response: Response) -> EnterpriseOut:
    """The enterprise with its contacts, statements and loan history."""
    enterprise = app.get_enterprise(enterprise_id)
    set_etag(response, enterprise.version)
    return EnterpriseOut.model_validate(enterprise_view(enterprise))


@router.post(
    "/{enterprise_id}/financial-statements",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
    summary="File a period's financial statements",
)
def file_statement(
    enterprise_id: UUID,
    body: FinancialStatementIn,
    app: AppDep,
    who: Writer,
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> EnterpriseWritten:
    """File (or refile) one period's balance sheet, income and cash-flow statements."""
    amounts = body.model_dump(exclude={"period", "currency", "occurred_at"})
    statement = FinancialStatement(
        period=body.period, **{name: Money.parse(value, body.currency) for name, value in amounts.items()}
    )
    new_version = app.file_statement(
        enterprise_id, statement, who.actor, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return EnterpriseWritten(enterprise_id=str(enterprise_id), version=new_version)


@router.post(
    "/{enterprise_id}/loan-records",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
    summary="Add a loan to the enterprise's history",
)
def add_loan_record(
    enterprise_id: UUID,
    body: LoanRecordIn,
    app: AppDep,
    who: Writer,
    response: Response,
    version: ExpectedVersion,
    _key: IdempotencyKey,
) -> EnterpriseWritten:
    """Add (or update) a loan of the enterprise's history."""
    record = LoanRecord(
        loan_id=body.loan_id,
        amount=Money.parse(body.amount, body.currency),
        start_on=body.start_on,
        maturity_on=body.maturity_on,
        overdue_episodes=body.overdue_episodes,
        max_days_past_due=body.max_days_past_due,
        status=body.status,
    )
    new_version = app.add_loan_record(
        enterprise_id, record, who.actor, expected_version=version, occurred_at=body.occurred_at
    )
    set_etag(response, new_version)
    return EnterpriseWritten(enterprise_id=str(enterprise_id), version=new_version)
