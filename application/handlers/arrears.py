"""Handlers of a loan's schedule, its ledger review and the debtor's classification."""

from __future__ import annotations

from datetime import date

from application.commands.arrears import AccelerateLoan, ClassifyDebtor, RecordCost, RecordLoanSchedule, ReviewLedger
from application.handlers.registry import deciding, on_case
from domain.act import Act
from domain.case import CollectionCase
from domain.classification import Claim, record_claim
from domain.enterprise import Enterprise
from domain.enterprise.values import LoanRecord, LoanStatus
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
    """Every claim the bank holds on the enterprise, as of the day (read before the lock): each loan in collections
    as its case judges it, and each other loan of its records by its status and days past due (art. 7 weighs all
    the debtor's claims at the bank)."""
    case_ids, records, timezone = uow.read(
        Enterprise, command.enterprise_id, lambda e: (list(e.case_ids), list(e.loans.values()), e.registration.timezone)
    )
    as_of = command.as_of or local_date(uow.clock.now(), timezone)

    def claim(case: CollectionCase) -> tuple[str, Claim]:
        judged = case.judge(as_of)
        return case.loan_id, Claim(str(case.id), judged.category, case.position_as_of(as_of).outstanding_fen)

    in_collections = dict(uow.read(CollectionCase, case_id, claim) for case_id in case_ids)
    claims = list(in_collections.values())
    for record in records:
        if record.loan_id not in in_collections:
            found = record_claim(
                record.loan_id,
                str(record.status),
                (record.outstanding or record.amount).fen,
                record_days_past_due(record),
            )
            claims += [found] if found is not None else []
    return as_of, claims


def record_days_past_due(record: LoanRecord) -> int:
    """A loan record's days past due today: as recorded, else 0 unless it is overdue (then its worst)."""
    if record.days_past_due is not None:
        return record.days_past_due
    return record.max_days_past_due if record.status is LoanStatus.OVERDUE else 0


@deciding(Enterprise, lambda command: command.enterprise_id, ClassifyDebtor, prepare=claims_of)
def classify_debtor(
    enterprise: Enterprise, command: ClassifyDebtor, act: Act, prepared: tuple[date, list[Claim]]
) -> bool:
    as_of, claims = prepared
    return enterprise.classify_debtor(claims, as_of, act=act)
