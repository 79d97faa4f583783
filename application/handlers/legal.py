"""Handlers of the legal clock beyond what other commands interrupt: interruptions recorded by hand, the end of
legal proceedings, and the guarantors' guarantees (their periods, preservation, release and own limitation)."""

from __future__ import annotations

from datetime import date

from application.commands.collaboration import (
    EndLimitationSuspension,
    EndProceedings,
    InterruptGuarantorLimitation,
    InterruptLimitation,
    PreserveGuarantee,
    RecordGuarantee,
    ReleaseGuarantee,
    SuspendLimitation,
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
        principal_due_on=command.principal_due_on or case.principal_due_on(),
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


def check_day(case: CollectionCase, on: date, act: Act, what: str) -> None:
    """``on`` is neither in the future nor before the case opened."""
    if on > local_date(act.recorded_at, case.timezone):
        raise InvariantError(f"{what} cannot be dated in the future")
    opened_on = local_date(case.opened_at, case.timezone)
    if on < opened_on:
        raise InvariantError(f"{what} cannot be dated before the case opened on {opened_on}")


@on_case(EndProceedings)
def end_proceedings(case: CollectionCase, command: EndProceedings, act: Act) -> bool:
    check_not_blank(command.action_id, "action_id")
    check_day(case, command.ended_on, act, "the end of proceedings")
    return case.end_proceedings(
        command.action_id.strip(),
        outcome=command.outcome,
        ended_on=command.ended_on,
        summary=command.summary,
        act=act,
        performance_due_on=command.performance_due_on,
    )


@on_case(SuspendLimitation)
def suspend_limitation(case: CollectionCase, command: SuspendLimitation, act: Act) -> date:
    # the obstacle may have begun before the case opened (a fact of the world, not an act on the case)
    if command.began_on > local_date(act.recorded_at, case.timezone):
        raise InvariantError("an obstacle cannot begin in the future")
    return case.suspend_limitation_period(command.cause, began_on=command.began_on, evidence=command.evidence, act=act)


@on_case(EndLimitationSuspension)
def end_limitation_suspension(case: CollectionCase, command: EndLimitationSuspension, act: Act) -> date:
    check_day(case, command.ended_on, act, "the end of the obstacle")
    return case.end_limitation_suspension(ended_on=command.ended_on, evidence=command.evidence, act=act)


@on_case(InterruptGuarantorLimitation)
def interrupt_guarantor_limitation(case: CollectionCase, command: InterruptGuarantorLimitation, act: Act) -> bool:
    check_not_blank(command.evidence, "evidence")
    case.check_open()
    check_day(case, command.on, act, "a guarantor's limitation event")
    return case.guarantor_limitation(
        command.guarantee_id, command.cause, on=command.on, act=act, evidence=command.evidence.strip()
    )
