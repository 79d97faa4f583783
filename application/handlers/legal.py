"""Handlers of the legal clock beyond what other commands interrupt: interruptions recorded by hand, and the
guarantors' guarantees (their periods, preservation and release)."""

from __future__ import annotations

from application.commands.collaboration import (
    InterruptLimitation,
    PreserveGuarantee,
    RecordGuarantee,
    ReleaseGuarantee,
)
from application.handlers.registry import new_id, on_case
from application.policies import current_policy
from domain.act import Act
from domain.case import CollectionCase
from domain.errors import InvariantError
from domain.rules import check_not_blank, local_date
from domain.strategy import PolicyTerms


@on_case(InterruptLimitation)
def interrupt_limitation(case: CollectionCase, command: InterruptLimitation, act: Act) -> bool:
    check_not_blank(command.evidence, "evidence")
    case.check_open()
    if command.on > local_date(act.recorded_at, case.timezone):
        raise InvariantError("an interruption cannot be dated in the future")
    return case.interrupt_limitation(command.cause, on=command.on, act=act, evidence=command.evidence.strip())


@on_case(RecordGuarantee, prepare=lambda uow, _: current_policy(uow).terms)
def record_guarantee(case: CollectionCase, command: RecordGuarantee, act: Act, terms: PolicyTerms) -> str:
    guarantee_id = command.guarantee_id or new_id()
    case.record_guarantee(
        guarantee_id=guarantee_id,
        guarantor=command.guarantor,
        guarantee_type=command.guarantee_type,
        principal_due_on=command.principal_due_on or case.overdue_since,
        agreed_ends_on=command.agreed_ends_on,
        warn_days=terms.legal_clock.guarantee_warn_days_before,
        act=act,
    )
    return guarantee_id


@on_case(PreserveGuarantee)
def preserve_guarantee(case: CollectionCase, command: PreserveGuarantee, act: Act) -> bool:
    check_not_blank(command.by, "by")
    check_not_blank(command.evidence, "evidence")
    on = command.on or local_date(act.occurred_at, case.timezone)
    if on > local_date(act.recorded_at, case.timezone):
        raise InvariantError("a preservation cannot be dated in the future")
    return case.preserve_guarantee(
        command.guarantee_id, by=command.by.strip(), on=on, act=act, evidence=command.evidence
    )


@on_case(ReleaseGuarantee)
def release_guarantee(case: CollectionCase, command: ReleaseGuarantee, act: Act) -> bool:
    return case.release_guarantee(command.guarantee_id, act=act, deadline_id=command.deadline_id)
