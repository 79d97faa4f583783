"""A loan's schedule and ledger, and the debtor's classification (README "Arrears that move", "Classification")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth import Principal
from api.deps import AppDep, Write, require, writes
from api.permissions import Permission
from api.routes.common import READ_ONE, WRITE, case_money
from api.routes.history import KNOWN_AT
from api.schemas.cases import CaseOpenIn
from api.schemas.common import CaseWritten, Day, PathId, Time
from api.schemas.ledger import AccelerationIn, CostIn, DebtorOut, DueOut, LedgerOut, PayoffOut, ScheduleIn, TermsIn
from application.commands import AccelerateLoan, ClassifyDebtor, RecordCost, RecordLoanSchedule
from application.history import case_on
from domain.case import CollectionCase
from domain.errors import InvariantError
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from domain.rules import local_date

router = APIRouter(tags=["ledger"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


def fen(value: int) -> str:
    return str(Money.of(value))


@router.post(
    "/v1/cases/{case_id}/schedule",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Record the loan's schedule",
)
async def record_schedule(
    case_id: PathId, body: ScheduleIn, write: Annotated[Write, writes(Permission.OPEN_CASE)]
) -> Response:
    """Record the loan's contractual dues and rates; payments are allocated to them as the Civil Code orders."""
    terms = terms_of(body.terms)
    if terms is None:  # pragma: no cover - the schema requires them
        raise InvariantError("a schedule comes with the contract's rates")
    recorded = await write.send(RecordLoanSchedule(dues=schedule_of(body), terms=terms, **write.on_case(case_id, body)))
    return write.created(CaseWritten(case_id=str(case_id), version=recorded.version), recorded.version)


def schedule_of(body: ScheduleIn | CaseOpenIn) -> tuple[LoanDue, ...]:
    """The dues of a request (amounts in the request's currency)."""
    return tuple(
        LoanDue(
            number=d.number,
            due_on=d.due_on,
            principal_fen=Money.parse(d.principal).fen,
            interest_fen=Money.parse(d.interest).fen,
        )
        for d in body.dues or ()
    )


def terms_of(body: TermsIn | None) -> LoanTerms | None:
    """The contract's rates of a request."""
    if body is None:
        return None
    if body.day_basis not in (360, 365):
        raise InvariantError("day_basis is 360 or 365")
    return LoanTerms(
        interest_rate=Decimal(body.interest_rate),
        penalty_rate=Decimal(body.penalty_rate),
        compound=body.compound,
        day_basis=body.day_basis,
    )


@router.get("/v1/cases/{case_id}/ledger", response_model=LedgerOut, responses=READ_ONE, summary="The loan's ledger")
def ledger(
    case_id: PathId,
    app: AppDep,
    _who: Reader,
    as_of: Annotated[Day | None, Query(description="the day (end of day); default: today in the case's zone")] = None,
    known_at: Annotated[Time | None, Query(description=KNOWN_AT)] = None,
) -> LedgerOut:
    """Balance, arrears, days past due and the claim's category as of a day, from the acts that had happened by
    its end (as recorded by ``known_at``, when given: what the bank knew then about that day)."""
    case, day = case_for_day(app, case_id, as_of, known_at)
    now = case.position_as_of(day)
    judged = case.judge(day)
    return LedgerOut(
        case_id=str(case.id),
        as_of=day.isoformat(),
        principal=fen(now.principal_fen),
        interest=fen(now.interest_fen),
        penalty=fen(now.penalty_fen),
        booked_penalty=fen(now.booked_penalty_fen),
        costs=fen(now.costs_fen),
        paid=fen(now.paid_fen),
        outstanding=fen(now.outstanding_fen),
        payoff=fen(now.payoff_fen),
        overdue_amount=fen(now.overdue_fen),
        overdue_since=now.overdue_since.isoformat() if now.overdue_since else None,
        days_past_due=now.days_past_due,
        category=str(judged.category),
        rule_ids=list(judged.rule_ids),
        reason=judged.reason,
        dues=[
            DueOut(
                number=b.due.number,
                due_on=b.due_on.isoformat() if b.due_on else None,
                principal=fen(b.principal),
                interest=fen(b.interest),
                penalty=fen(b.penalty),
                unpaid=fen(b.unpaid),
                settled_on=b.settled_on.isoformat() if b.settled_on else None,
                replaced_by=b.replaced_by,
            )
            for b in now.balances
        ],
    )


def case_for_day(
    app: AppDep, case_id: PathId, day: date | None, known_at: datetime | None = None
) -> tuple[CollectionCase, date]:
    """The case folded from the acts that had happened by the end of ``day`` (default: today in its zone)."""
    if known_at is not None and known_at.tzinfo is None:  # pragma: no cover - the schema requires an offset
        raise InvariantError("known_at must carry a time zone offset")
    events = app.case_events(case_id)
    if day is None:
        day = local_date(app.clock.now(), app.get_case(case_id).timezone)
    return case_on(events, day, known_at), day


@router.get("/v1/cases/{case_id}/payoff", response_model=PayoffOut, responses=READ_ONE, summary="The payoff on a day")
def payoff(
    case_id: PathId,
    app: AppDep,
    _who: Reader,
    on: Annotated[Day | None, Query(description="the day the money arrives; default: today in the case's zone")] = None,
) -> PayoffOut:
    """Exactly what settles the loan if paid on ``on``: unpaid costs, penalty interest accrued through that day
    (the payment day counts), interest owed (none for periods not yet run: Civil Code art. 677) and all the
    principal. Paying it leaves nothing, then or later."""
    case, day = case_for_day(app, case_id, on)
    now = case.position_as_of(day)
    live = [b for b in now.balances if b.replaced_by is None]
    penalty = sum(b.unpaid_penalty for b in live)
    principal = sum(b.unpaid_principal for b in live)
    costs = now.unpaid_costs_fen
    return PayoffOut(
        case_id=str(case.id),
        on=day.isoformat(),
        payoff=fen(now.payoff_fen),
        costs=fen(costs),
        penalty=fen(penalty),
        interest=fen(now.payoff_fen - costs - penalty - principal),
        principal=fen(principal),
    )


@router.post(
    "/v1/cases/{case_id}/costs",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Record an enforcement cost",
)
async def record_cost(
    case_id: PathId, body: CostIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """Record a cost of enforcing the claim; payments pay costs before interest and principal (art. 561)."""
    amount = case_money(write.app, case_id, body.amount)
    recorded = await write.send(
        RecordCost(
            cost_id=body.cost_id,
            kind=body.kind,
            amount=amount,
            incurred_on=body.incurred_on,
            description=body.description,
            **write.on_case(case_id, body),
        )
    )
    return write.created(CaseWritten(case_id=str(case_id), version=recorded.version), recorded.version)


@router.post(
    "/v1/cases/{case_id}/acceleration",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Declare the whole loan due",
)
async def accelerate(
    case_id: PathId, body: AccelerationIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """Declare the whole loan due (宣布提前到期) under the contract's clause: every later due's principal falls due
    on ``on`` and bears penalty interest from the next day."""
    recorded = await write.send(
        AccelerateLoan(on=body.on, clause=body.clause, reason=body.reason, **write.on_case(case_id, body))
    )
    return write.created(CaseWritten(case_id=str(case_id), version=recorded.version), recorded.version)


@router.post(
    "/v1/enterprises/{enterprise_id}/classification",
    response_model=DebtorOut,
    responses=WRITE,
    summary="Classify the debtor across its claims",
)
async def classify_debtor(enterprise_id: PathId, write: Annotated[Write, writes(Permission.ASSESS)]) -> DebtorOut:
    """Classify the enterprise across all its claims at the bank today (an event only when anything changed)."""
    await write.send(ClassifyDebtor(**write.on_enterprise(enterprise_id)))
    return debtor_view(write.app, enterprise_id)


@router.get(
    "/v1/enterprises/{enterprise_id}/classification",
    response_model=DebtorOut,
    responses=READ_ONE,
    summary="The debtor's classification",
)
def debtor(enterprise_id: PathId, app: AppDep, _who: Reader) -> DebtorOut:
    """The last recorded classification of the enterprise as a debtor (2023 rules)."""
    return debtor_view(app, enterprise_id)


def debtor_view(app: AppDep, enterprise_id: PathId) -> DebtorOut:
    e = app.get_enterprise(enterprise_id)
    return DebtorOut(
        enterprise_id=str(e.id),
        version=e.version,
        category=e.debtor_category,
        rule_ids=list(e.debtor_rule_ids),
        reason=e.debtor_reason,
        as_of=e.debtor_as_of.isoformat() if e.debtor_as_of else None,
        claims=dict(e.debtor_claims),
    )
