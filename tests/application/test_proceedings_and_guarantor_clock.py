"""The end of proceedings restarts the limitation period (Civil Code art. 195: 自有关程序终结时起) and a guarantor's
own limitation period (art. 694), on both stores: while suit is pending the warning does not fire; each start or
interruption of a guarantor's period names its cause and article and moves its own warning deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from application.bootstrap import Container
from application.commands import (
    EndProceedings,
    InterruptGuarantorLimitation,
    LogContact,
    MakePromise,
    RecordGuarantee,
    ReviewLegalClock,
    StartLegalAction,
)
from application.commands.contacts import LetterFacts
from domain.case.legal_events import GuarantorLimitationSet, LegalProceedingsEnded, LimitationRestarted
from domain.case.values import (
    Channel,
    ContactOutcome,
    GuaranteeType,
    GuarantorLimitationCause,
    LegalActionKind,
    LetterKind,
    LimitationCause,
    ProceedingsOutcome,
)
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, NotFoundError
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, open_case

SHA = "ef" * 32


def at(container: Container, day: date) -> None:
    """Move the clock to 10:00 Beijing time on ``day``."""
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def of(container: Container, case_id: UUID, kind: type) -> list:
    return [e for e in container.app.case_events(case_id) if isinstance(e, kind)]


def sue(container: Container, case_id: UUID, kind: LegalActionKind = LegalActionKind.LITIGATION) -> str:
    action_id: str = container.app.send(StartLegalAction(case_id=case_id, kind=kind, actor=SUPERVISOR), str)
    return action_id


def end(container: Container, case_id: UUID, action_id: str, on: date, outcome=ProceedingsOutcome.JUDGMENT) -> bool:
    command = EndProceedings(case_id=case_id, action_id=action_id, outcome=outcome, ended_on=on, actor=SUPERVISOR)
    return bool(container.app.handle(command).result)


def demand_to(container: Container, case_id: UUID, party: str) -> None:
    letter = LetterFacts(letter_kind=LetterKind.DEMAND, document_sha256=SHA, delivery_evidence="EMS signed")
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party=party,
            outcome=ContactOutcome.DELIVERED,
            letter=letter,
            actor=COLLECTOR,
        )
    )


def test_the_period_restarts_from_the_end_of_proceedings_and_does_not_warn_while_they_are_pending(
    container: Container,
) -> None:
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))  # runs to 2029-09-15
    action_id = sue(container, case_id)
    container.app.handle(
        MakePromise(case_id=case_id, amount=Money.parse("5000.00"), due_on=date(2026, 11, 20), actor=COLLECTOR)
    )
    assert of(container, case_id, LimitationRestarted) == []  # the period does not run: nothing to restart
    at(container, date(2029, 6, 20))  # past the old warning day (2029-06-17): no task while suit is pending
    container.scheduler.tick()
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    assert "limitation-2029-09-15" not in container.app.get_case(case_id).tasks
    at(container, date(2029, 10, 2))  # the suit is withdrawn after the old end: no expiry, the suit interrupted it
    assert end(container, case_id, action_id, date(2029, 10, 1), ProceedingsOutcome.WITHDRAWN) is True
    (ended,) = of(container, case_id, LegalProceedingsEnded)
    ((version, restart),) = [
        (n, e) for n, e in enumerate(container.app.case_events(case_id), 1) if isinstance(e, LimitationRestarted)
    ]
    assert (restart.cause, restart.restarts_on, restart.ends_on) == (
        LimitationCause.LITIGATION,
        date(2029, 10, 1),
        date(2032, 10, 1),
    )
    assert restart.previous_ends_on == date(2029, 9, 15) and "art. 195" in restart.article
    assert "withdrawn" in restart.article and ended.outcome is ProceedingsOutcome.WITHDRAWN
    assert container.app.case_events(case_id)[restart.by_version - 1] == ended and restart.by_version < version
    case = container.app.get_case(case_id)
    assert case.limitation_ends_on == date(2032, 10, 1)
    warning = case.deadlines["limitation-warning-2032-10-01"]
    assert (warning.status, warning.due_at.date()) == ("open", date(2032, 7, 3))
    at(container, date(2032, 7, 3))
    container.scheduler.tick()
    assert container.app.get_case(case_id).tasks["limitation-2032-10-01"].department == "legal"


def test_a_suit_filed_right_after_opening_restarts_the_clock_when_it_ends(container: Container) -> None:
    """The clock starts when an overdue case opens (due 2026-09-15: ends 2029-09-15); the suit filed next suspends
    it, and its judgment restarts it (art. 195)."""
    case_id = open_case(container.app)
    assert container.app.get_case(case_id).limitation_ends_on == date(2029, 9, 15)
    action_id = sue(container, case_id)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    at(container, date(2027, 1, 5))
    assert end(container, case_id, action_id, date(2027, 1, 4)) is True
    case = container.app.get_case(case_id)  # a judgment: two years to apply for enforcement (CPL art. 250)
    assert (case.limitation_ends_on, case.limitation_period) == (date(2029, 1, 4), "enforcement")
    assert case.deadlines["limitation-warning-2029-01-04"].status == "open"


def test_with_two_proceedings_the_period_restarts_when_the_last_ends(container: Container) -> None:
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    suit = sue(container, case_id)
    freeze = sue(container, case_id, LegalActionKind.ASSET_PRESERVATION)
    at(container, date(2027, 3, 1))
    assert end(container, case_id, suit, date(2027, 2, 20), ProceedingsOutcome.MEDIATION) is False
    assert of(container, case_id, LimitationRestarted) == []
    assert container.app.get_case(case_id).pending_proceedings() == [freeze]
    # the freeze ended earlier but is recorded last: the period runs anew from the later end, the suit's
    assert end(container, case_id, freeze, date(2027, 2, 1), ProceedingsOutcome.OTHER) is True
    assert container.app.get_case(case_id).limitation_ends_on == date(2030, 2, 20)


def test_ending_proceedings_refuses_bad_days_unknown_actions_and_a_second_end(container: Container) -> None:
    case_id = open_case(container.app)
    action_id = sue(container, case_id)
    version = container.app.get_case(case_id).version
    at(container, date(2026, 12, 1))
    with pytest.raises(InvariantError):  # in the future
        end(container, case_id, action_id, date(2026, 12, 2))
    with pytest.raises(InvariantError):  # before it was filed and before the case opened
        end(container, case_id, action_id, date(2026, 11, 1))
    with pytest.raises(NotFoundError):
        end(container, case_id, "no-such-action", date(2026, 11, 20))
    assert container.app.get_case(case_id).version == version  # nothing written
    assert end(container, case_id, action_id, date(2026, 11, 20), ProceedingsOutcome.WITHDRAWN) is True
    with pytest.raises(DuplicateError):
        end(container, case_id, action_id, date(2026, 11, 21))


def test_a_joint_guarantors_period_starts_with_the_request_and_restarts_with_demands_and_promises(
    container: Container,
) -> None:
    case_id = open_case(container.app)
    joint = container.app.send(
        RecordGuarantee(case_id=case_id, guarantor="Sun Hao", guarantee_type=GuaranteeType.JOINT, actor=SUPERVISOR),
        str,
    )
    demand_to(container, case_id, "Sun Hao")  # preserves the guarantee (art. 693(2)) and starts its period
    (started,) = of(container, case_id, GuarantorLimitationSet)
    assert (started.guarantee_id, started.cause) == (joint, GuarantorLimitationCause.REQUESTED)
    assert (started.starts_on, started.ends_on, started.previous_ends_on) == (
        date(2026, 11, 2),
        date(2029, 11, 2),
        None,
    )
    assert "art. 694(2)" in started.article and started.by_version is not None
    case = container.app.get_case(case_id)
    assert case.guarantees[joint].limitation_ends_on == date(2029, 11, 2)
    first = case.deadlines[f"guarantor-limitation-{joint}-2029-11-02"]
    assert (first.status, first.due_at.date()) == ("open", date(2029, 8, 4))
    assert of(container, case_id, LimitationRestarted) == []  # the debtor's clock is another one

    at(container, date(2027, 1, 10))
    demand_to(container, case_id, "Sun Hao")
    at(container, date(2027, 2, 1))
    container.app.handle(
        InterruptGuarantorLimitation(
            case_id=case_id,
            guarantee_id=joint,
            cause=GuarantorLimitationCause.PROMISE,
            on=date(2027, 1, 31),
            evidence="the guarantor's signed promise P-3",
            actor=SUPERVISOR,
        )
    )
    _, demanded, promised = of(container, case_id, GuarantorLimitationSet)
    assert (demanded.cause, demanded.starts_on, demanded.previous_ends_on) == (
        GuarantorLimitationCause.DEMAND,
        date(2027, 1, 10),
        date(2029, 11, 2),
    )
    assert "art. 195(1)" in demanded.article
    assert (promised.cause, promised.ends_on, promised.by_version) == (
        GuarantorLimitationCause.PROMISE,
        date(2030, 1, 31),
        None,
    )
    assert "art. 195(2)" in promised.article and promised.evidence.startswith("the guarantor's signed promise")
    case = container.app.get_case(case_id)
    assert case.deadlines[f"guarantor-limitation-{joint}-2029-11-02"].status == "cancelled"
    assert case.deadlines[f"guarantor-limitation-{joint}-2030-01-10"].status == "cancelled"
    latest = case.deadlines[f"guarantor-limitation-{joint}-2030-01-31"]
    assert (latest.status, latest.due_at.date()) == ("open", date(2029, 11, 2))
    at(container, date(2029, 11, 2))
    container.scheduler.tick()
    task = container.app.get_case(case_id).tasks[f"fired-guarantor-limitation-{joint}-2030-01-31"]
    assert task.department == "legal" and "art" in task.title


def test_a_general_guarantors_period_starts_when_enforcement_against_the_debtor_ends_unsatisfied(
    container: Container,
) -> None:
    case_id = open_case(container.app)
    general = container.app.send(
        RecordGuarantee(case_id=case_id, guarantor="Qian Li", guarantee_type=GuaranteeType.GENERAL, actor=SUPERVISOR),
        str,
    )
    with pytest.raises(IllegalTransitionError):  # not preserved: no limitation period runs against it
        container.app.handle(
            InterruptGuarantorLimitation(
                case_id=case_id,
                guarantee_id=general,
                cause=GuarantorLimitationCause.REFUSAL_RIGHT_ENDED,
                on=date(2026, 11, 2),
                evidence="waiver",
                actor=SUPERVISOR,
            )
        )
    suit = sue(container, case_id)  # preserves the general guarantee (art. 693(1)); its period has not started
    demand_to(container, case_id, "Qian Li")
    assert container.app.get_case(case_id).guarantees[general].status == "preserved"
    assert of(container, case_id, GuarantorLimitationSet) == []  # it may still refuse (art. 687(2))
    at(container, date(2027, 6, 1))
    end(container, case_id, suit, date(2027, 5, 20))
    assert of(container, case_id, GuarantorLimitationSet) == []  # a judgment is not yet enforcement that failed
    enforcement = sue(container, case_id, LegalActionKind.ENFORCEMENT)
    at(container, date(2028, 3, 1))
    assert end(container, case_id, enforcement, date(2028, 2, 25), ProceedingsOutcome.ENFORCEMENT_UNSATISFIED)
    (started,) = of(container, case_id, GuarantorLimitationSet)
    assert (started.guarantee_id, started.cause) == (general, GuarantorLimitationCause.REFUSAL_RIGHT_ENDED)
    assert (started.starts_on, started.ends_on) == (date(2028, 2, 25), date(2031, 2, 25))
    assert "art. 694(1)" in started.article
    case = container.app.get_case(case_id)
    # the period to apply for enforcement (two years, CPL art. 250) restarted from the same end
    assert case.limitation_ends_on == date(2030, 2, 25)
    assert case.deadlines[f"guarantor-limitation-{general}-2031-02-25"].status == "open"
