"""Enterprises: register, read, file statements and loan history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.auth import Principal
from api.deps import AppDep, ReadsDep, Write, require, writes
from api.errors import ApiError
from api.paging import CURSOR, LIMIT, linked
from api.permissions import Permission
from api.routes.common import READ, READ_ONE, WRITE, set_etag
from api.schemas.common import PathId
from api.schemas.enterprises import (
    EnterpriseIn,
    EnterpriseOut,
    EnterpriseWritten,
    FinancialStatementIn,
    LoanRecordIn,
)
from api.views import enterprise_view
from application.commands import AddLoanRecord, FileStatement, RegisterEnterprise
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration
from domain.money import Money
from projections.models import EnterpriseList
from projections.paging import DEFAULT_LIMIT, MAX_LIMIT
from projections.search_keys import MAX_QUERY, search_key

router = APIRouter(prefix="/v1/enterprises", tags=["enterprises"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="Register an enterprise",
)
async def register_enterprise(
    body: EnterpriseIn, write: Annotated[Write, writes(Permission.WRITE_ENTERPRISE, pins_version=False)]
) -> Response:
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
    registered = await write.send(
        RegisterEnterprise(
            registration=registration, contacts=tuple(contacts), actor=write.actor, occurred_at=body.occurred_at
        )
    )
    enterprise_id = registered.result
    return write.created(
        EnterpriseWritten(enterprise_id=str(enterprise_id), version=registered.version),
        registered.version,
        location=f"/v1/enterprises/{enterprise_id}",
    )


@router.get("", responses=READ, summary="List and find enterprises")
def list_enterprises(
    request: Request,
    reads: ReadsDep,
    _who: Reader,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=MAX_QUERY, description="a firm name or credit code, whole or its start"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500, description=CURSOR)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT)] = DEFAULT_LIMIT,
) -> EnterpriseList:
    """Enterprises by name, found by `q` (name or credit code, exact matches first), a page at a time with the
    total."""
    if q is not None and not search_key(q):
        raise ApiError(422, "q is blank: give a firm name or credit code, or the start of one", code="invalid-input")
    return linked(request, reads.enterprises(q, cursor, limit))


@router.get("/{enterprise_id}", responses=READ_ONE, summary="Read an enterprise")
def get_enterprise(enterprise_id: PathId, app: AppDep, _who: Reader, response: Response) -> EnterpriseOut:
    """The enterprise with its contacts, statements and loan history."""
    enterprise = app.get_enterprise(enterprise_id)
    set_etag(response, enterprise.version)
    return EnterpriseOut.model_validate(enterprise_view(enterprise))


@router.post(
    "/{enterprise_id}/financial-statements",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="File a period's financial statements",
)
async def file_statement(
    enterprise_id: PathId,
    body: FinancialStatementIn,
    write: Annotated[Write, writes(Permission.WRITE_ENTERPRISE)],
) -> Response:
    """File (or refile) one period's balance sheet, income and cash-flow statements."""
    amounts = body.model_dump(exclude={"period", "currency", "occurred_at"})
    statement = FinancialStatement(
        period=body.period, **{name: Money.parse(value, body.currency) for name, value in amounts.items()}
    )
    filed = await write.send(FileStatement(statement=statement, **write.on_enterprise(enterprise_id, body)))
    return write.enterprise_written(enterprise_id, filed)


@router.post(
    "/{enterprise_id}/loan-records",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="Add a loan to the enterprise's history",
)
async def add_loan_record(
    enterprise_id: PathId,
    body: LoanRecordIn,
    write: Annotated[Write, writes(Permission.WRITE_ENTERPRISE)],
) -> Response:
    """Add (or update) a loan of the enterprise's history."""
    record = LoanRecord(
        loan_id=body.loan_id,
        amount=Money.parse(body.amount, body.currency),
        start_on=body.start_on,
        maturity_on=body.maturity_on,
        overdue_episodes=body.overdue_episodes,
        max_days_past_due=body.max_days_past_due,
        status=body.status,
        outstanding=Money.parse(body.outstanding, body.currency) if body.outstanding is not None else None,
        days_past_due=body.days_past_due,
    )
    added = await write.send(AddLoanRecord(record=record, **write.on_enterprise(enterprise_id, body)))
    return write.enterprise_written(enterprise_id, added)
