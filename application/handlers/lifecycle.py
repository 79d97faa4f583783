"""Handlers of a case's life: opening (with the enterprise's referral), collector, resolution, reopening, closing."""

from __future__ import annotations

from uuid import UUID

from application.commands.base import Outcome
from application.commands.lifecycle import AssignCollector, CloseCase, OpenCase, ReopenCase, ResolveCase
from application.handlers.registry import act_of, handles, on_case
from application.handlers.strategy import start_legal_clock
from application.policies import current_policy
from domain.act import Act
from domain.case import CollectionCase
from domain.enterprise import Enterprise
from domain.errors import DuplicateError
from domain.ids import case_id as case_id_of
from infrastructure.unit_of_work import Session, UnitOfWork


@handles(OpenCase)
def open_case(command: OpenCase, uow: UnitOfWork) -> Outcome[UUID]:
    """Open the case and record the referral on its enterprise, in one transaction."""

    policy = current_policy(uow, max_age_seconds=60.0)

    def decide(enterprise: Enterprise, session: Session) -> CollectionCase:
        act = act_of(command, session)
        case = CollectionCase.open(
            loan_id=command.loan_id,
            enterprise_id=command.enterprise_id,
            principal=command.principal,
            outstanding=command.outstanding,
            overdue_amount=command.overdue_amount,
            overdue_since=command.overdue_since,
            timezone=enterprise.registration.timezone,
            dues=list(command.dues),
            terms=command.terms,
            act=act,
        )
        # every case is on one ledger from the moment it opens (a basic case: one due of its overdue amount):
        # its days past due, category, penalty and limitation period are right now and move with time
        case.review_ledger(act=act)
        if case.overdue_amount.is_positive():
            start_legal_clock(case, policy.terms, act)
        enterprise.refer_loan(case.id, case.loan_id, act=act)
        session.add(case)
        return case

    try:
        case = uow.change(Enterprise, command.enterprise_id, decide).result
    except DuplicateError:
        raise DuplicateError(
            f"loan {command.loan_id!r} already has case {case_id_of(command.loan_id.strip())}"
        ) from None
    return Outcome(case.id, case.version)


@on_case(AssignCollector)
def assign_collector(case: CollectionCase, command: AssignCollector, act: Act) -> None:
    case.assign_collector(command.collector, act=act)


@on_case(ResolveCase)
def resolve_case(case: CollectionCase, command: ResolveCase, act: Act) -> None:
    case.resolve(command.resolution, command.remark, act=act)


@on_case(ReopenCase)
def reopen_case(case: CollectionCase, command: ReopenCase, act: Act) -> None:
    case.reopen(command.reason, act=act)


@on_case(CloseCase)
def close_case(case: CollectionCase, command: CloseCase, act: Act) -> None:
    case.close(command.reason, act=act)
