"""Handlers of a loan's schedule, its ledger review and the debtor's classification."""

from __future__ import annotations

from datetime import date

from application.commands.arrears import AccelerateLoan, ClassifyDebtor, RecordCost, RecordLoanSchedule, ReviewLedger
from application.handlers.registry import deciding, on_case
from domain.act import Act
from domain.case import CollectionCase
from domain.classification import Claim
from domain.enterprise import Enterprise
from domain.rules import local_date
from infrastructure.unit_of_work import UnitOfWork


@on_case(RecordLoanSchedule)
def record_loan_schedule(case: CollectionCase, command: RecordLoanSchedule, act: Act) -> None:
    case.record_schedule(list(command.dues), command.terms, act=act)


@on_case(ReviewLedger)
def review_ledger(case: CollectionCase, command: ReviewLedger, act: Act) -> None:
    case.review_ledger(act=act, deadline_id=command.deadline_id)


@on_case(RecordCost)
def record_cost(case: CollectionCase, command: RecordCost, act: Act) -> None:
    case.record_cost(
        cost_id=command.cost_id,
        kind=command.kind,
        amount=command.amount,
        incurred_on=command.incurred_on,
        description=command.description,
        act=act,
    )


@on_case(AccelerateLoan)
def accelerate_loan(case: CollectionCase, command: AccelerateLoan, act: Act) -> None:
    case.accelerate(on=command.on, clause=command.clause, reason=command.reason, act=act)


def claims_of(uow: UnitOfWork, command: ClassifyDebtor) -> tuple[date, list[Claim]]:
    """Each of the enterprise's claims as its case judges it, as of the day (read before the lock)."""
    case_ids, timezone = uow.read(
        Enterprise, command.enterprise_id, lambda e: (list(e.case_ids), e.registration.timezone)
    )
    as_of = command.as_of or local_date(uow.clock.now(), timezone)

    def claim(case: CollectionCase) -> Claim:
        judged = case.judge(as_of)
        return Claim(str(case.id), judged.category, case.position_as_of(as_of).outstanding_fen)

    return as_of, [uow.read(CollectionCase, case_id, claim) for case_id in case_ids]


@deciding(Enterprise, lambda command: command.enterprise_id, ClassifyDebtor, prepare=claims_of)
def classify_debtor(
    enterprise: Enterprise, command: ClassifyDebtor, act: Act, prepared: tuple[date, list[Claim]]
) -> bool:
    as_of, claims = prepared
    return enterprise.classify_debtor(claims, as_of, act=act)
