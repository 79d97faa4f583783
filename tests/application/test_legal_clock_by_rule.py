"""The legal clock by the articles' text (issue 21 item 4), on both stores: art. 189 and art. 692 dates for an
instalment loan; delivered SMS demands and recorded acknowledgements interrupt the period by rule, each
``LimitationRestarted`` naming the event behind it; a lawyer's letter is a legal act a do-not-contact flag does
not stop; SMS have their own cap in the contact policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from application.bootstrap import Container
from application.commands import (
    EndProceedings,
    LetterFacts,
    LogContact,
    OpenCase,
    RecordGuarantee,
    RegisterEnterprise,
    ReviewLegalClock,
    SetDoNotContact,
    StartLegalAction,
)
from domain.case.events import CallLogged, LetterSent, SmsSent
from domain.case.legal_events import GuaranteeReleased, LimitationRestarted
from domain.case.values import (
    Channel,
    ContactOutcome,
    GuaranteeType,
    LegalActionKind,
    LetterKind,
    LimitationCause,
    ProceedingsOutcome,
)
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from infrastructure.clock import ManualClock
from tests.factories import COLLECTOR, SUPERVISOR, contacts, credit_code, open_case, registration

#: twelve monthly instalments of 100,000.00 principal, the first due 2026-08-20, the last 2027-07-20
DUE_DAYS = [date(2026 + (7 + m) // 12, (7 + m) % 12 + 1, 20) for m in range(12)]


def at(container: Container, day: date) -> None:
    """10:00 Beijing time on ``day``."""
    clock = container.clock
    assert isinstance(clock, ManualClock)
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def instalment_case(container: Container) -> UUID:
    """An instalment loan of 1,200,000.00 in twelve dues (2026-08-20 … 2027-07-20), opened on 2026-11-02 with the
    dues of August to October unpaid."""
    app = container.app
    app.handle(RegisterEnterprise(registration=registration(7), contacts=tuple(contacts()), actor=COLLECTOR))
    dues = tuple(
        LoanDue(number=n, due_on=day, principal_fen=100_000_00, interest_fen=0) for n, day in enumerate(DUE_DAYS, 1)
    )
    opened = app.handle(
        OpenCase(
            loan_id="LN-INSTALMENTS",
            enterprise_id=app.enterprise_id_for(credit_code(7)),
            principal=Money.parse("1200000.00"),
            outstanding=Money.parse("1200000.00"),
            dues=dues,
            terms=LoanTerms(interest_rate=Decimal("0.06"), penalty_rate=Decimal("0.09")),
            actor=COLLECTOR,
        )
    )
    case_id: UUID = opened.result
    return case_id


def restarts(container: Container, case_id: UUID) -> list[LimitationRestarted]:
    return [e for e in container.app.case_events(case_id) if isinstance(e, LimitationRestarted)]


def test_an_instalment_loan_runs_its_limitation_period_from_the_last_instalment(container: Container) -> None:
    """Art. 189: the period of a debt performed in instalments starts on the last instalment's due date,
    2027-07-20 (not the first missed due 2026-08-20): 3 years (art. 188) → ends 2030-07-20, warning 90 days
    before → 2030-04-21. A delivered demand on 2029-10-01 — after the old, wrong end 2029-08-20 — still restarts
    it: 2029-10-01 + 3 years = 2032-10-01."""
    case_id = instalment_case(container)
    assert container.app.get_case(case_id).overdue_since == date(2026, 8, 20)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    case = container.app.get_case(case_id)
    assert (case.limitation_starts_on, case.limitation_ends_on) == (date(2027, 7, 20), date(2030, 7, 20))
    assert case.deadlines["limitation-warning-2030-07-20"].due_at.date() == date(2030, 4, 21)
    at(container, date(2029, 10, 1))
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party="Li Na",
            outcome=ContactOutcome.DELIVERED,
            letter=LetterFacts(letter_kind=LetterKind.DEMAND, document_sha256="ab" * 32, delivery_evidence="EMS 1"),
            actor=COLLECTOR,
        )
    )
    (restart,) = restarts(container, case_id)
    assert (restart.restarts_on, restart.ends_on, restart.previous_ends_on) == (
        date(2029, 10, 1),
        date(2032, 10, 1),
        date(2030, 7, 20),
    )
    assert restart.by_event == "LetterSent"


def test_a_guarantor_without_an_agreed_period_is_liable_six_months_after_the_last_instalment(
    container: Container,
) -> None:
    """Art. 692(2): no agreed period → six months from the principal debt's performance deadline, the last
    instalment's due date: 2027-07-20 + 6 months = 2028-01-20 (not 2027-02-20 from the first missed due). An
    agreed end after the principal debt's (2029-07-20) is kept. On 2027-02-21 nothing is released and a call to
    the guarantor breaks no rule; the guarantor is released only the day after 2028-01-20."""
    case_id = instalment_case(container)
    unagreed = container.app.send(
        RecordGuarantee(case_id=case_id, guarantor="Sun Hao", guarantee_type=GuaranteeType.JOINT, actor=SUPERVISOR),
        str,
    )
    agreed = container.app.send(
        RecordGuarantee(
            case_id=case_id,
            guarantor="Qian Li",
            guarantee_type=GuaranteeType.JOINT,
            agreed_ends_on=date(2029, 7, 20),
            actor=SUPERVISOR,
        ),
        str,
    )
    case = container.app.get_case(case_id)
    assert case.guarantees[unagreed].period_ends_on == date(2028, 1, 20)
    assert case.guarantees[agreed].period_ends_on == date(2029, 7, 20)
    at(container, date(2027, 2, 21))
    container.scheduler.tick()
    assert [e for e in container.app.case_events(case_id) if isinstance(e, GuaranteeReleased)] == []
    container.app.handle(
        LogContact(
            case_id=case_id, channel=Channel.PHONE, party="Sun Hao", outcome=ContactOutcome.NO_ANSWER, actor=COLLECTOR
        )
    )
    call = [e for e in container.app.case_events(case_id) if isinstance(e, CallLogged)][-1]
    assert "CP-GUARANTOR-RELEASED" not in call.breached_rules
    at(container, date(2028, 1, 21))
    container.scheduler.tick()
    released = [e for e in container.app.case_events(case_id) if isinstance(e, GuaranteeReleased)]
    assert [(r.guarantee_id, r.period_ended_on) for r in released] == [(unagreed, date(2028, 1, 20))]


def test_a_delivered_sms_demand_restarts_the_period_and_names_its_event(container: Container) -> None:
    """SPC provisions on limitation art. 8(2): a demand sent as a data message that reached the debtor is a demand
    under art. 195(1). open_case's loan fell due 2026-09-15 → the period ends 2029-09-15. An outbound SMS
    delivered on 2026-11-02 with its message id restarts it: ends 2029-11-02, and the restart names the SmsSent
    event (its version and type) and the message id. An SMS without a message id, or marked as no demand,
    restarts nothing."""
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    sms = {"case_id": case_id, "channel": Channel.SMS, "party": "Li Na", "outcome": ContactOutcome.DELIVERED}
    container.app.handle(LogContact(**sms, actor=COLLECTOR))  # no proof of delivery
    container.app.handle(LogContact(**sms, message_id="SMS-9", demand=False, actor=COLLECTOR))  # an offer of help
    assert restarts(container, case_id) == []
    container.app.handle(LogContact(**sms, message_id="SMS-10", actor=COLLECTOR))
    (restart,) = restarts(container, case_id)
    events = container.app.case_events(case_id)
    behind = events[restart.by_version - 1]
    assert isinstance(behind, SmsSent) and behind.message_id == "SMS-10"
    assert (restart.cause, restart.by_event, restart.restarts_on, restart.ends_on) == (
        LimitationCause.DEMAND,
        "SmsSent",
        date(2026, 11, 2),
        date(2029, 11, 2),
    )
    assert "SMS-10" in restart.evidence and "art. 195(1)" in restart.article


def test_an_acknowledgement_on_a_recorded_call_restarts_the_period(container: Container) -> None:
    """Art. 195(2) (SPC provisions art. 14): the debtor agreeing to perform on a recorded call interrupts the
    period: on 2026-12-01 → ends 2029-12-01, naming the CallLogged event and its recording id."""
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    at(container, date(2026, 12, 1))
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.PHONE,
            party="Li Na",
            outcome=ContactOutcome.CONNECTED,
            summary="the CFO confirmed the debt and will pay in January",
            recording_id="REC-31",
            acknowledged=True,
            actor=COLLECTOR,
        )
    )
    (restart,) = restarts(container, case_id)
    assert (restart.cause, restart.by_event, restart.ends_on) == (
        LimitationCause.ACKNOWLEDGEMENT,
        "CallLogged",
        date(2029, 12, 1),
    )
    assert "REC-31" in restart.evidence


def test_do_not_contact_does_not_stop_a_lawyers_letter(container: Container) -> None:
    """A do-not-contact flag stops collection contact, not the creditor's legal acts: the contact check allows a
    lawyer's letter (and still forbids a call); the letter sent is recorded with no breach and, delivered,
    restarts the period."""
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    enterprise_id = container.app.get_case(case_id).enterprise_id
    container.app.handle(SetDoNotContact(enterprise_id=enterprise_id, reason="complaint", actor=SUPERVISOR))
    now = container.clock.now()
    check = container.app.contact_check(
        case_id, channel=Channel.LETTER, party="Li Na", at=now, letter_kind=LetterKind.LAWYERS_LETTER
    )
    assert check.allowed, check.violations
    call = container.app.contact_check(case_id, channel=Channel.PHONE, party="Li Na", at=now)
    assert [v.rule_id for v in call.violations] == ["CP-DO-NOT-CONTACT"]
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party="Li Na",
            outcome=ContactOutcome.DELIVERED,
            letter=LetterFacts(
                letter_kind=LetterKind.LAWYERS_LETTER, document_sha256="cd" * 32, delivery_evidence="EMS signed"
            ),
            actor=COLLECTOR,
        )
    )
    (letter,) = [e for e in container.app.case_events(case_id) if isinstance(e, LetterSent)]
    assert letter.breached_rules == []
    assert [r.by_event for r in restarts(container, case_id)] == ["LetterSent"]


def test_sms_are_capped_per_day_and_per_week(container: Container) -> None:
    """The policy's SMS caps (defaults 3 a day, 7 in 7 days) across the enterprise's cases: the 4th SMS on
    2026-11-02 breaks CP-DAILY-SMS; over the next days 3 more (7 in all), then the 8th within 7 days of the first
    breaks CP-WEEKLY-SMS. Emails have their own count."""
    first, second = open_case(container.app, 1), open_case(container.app, 1, loan_id="LN-SECOND")
    sms = {"channel": Channel.SMS, "party": "Li Na", "outcome": ContactOutcome.DELIVERED, "actor": COLLECTOR}

    def send(case_id: UUID) -> list[str]:
        container.app.handle(LogContact(case_id=case_id, **sms))
        return [e for e in container.app.case_events(case_id) if isinstance(e, SmsSent)][-1].breached_rules

    assert [send(first), send(second), send(first)] == [[], [], []]
    assert send(second) == ["CP-DAILY-SMS"]
    clock = container.clock
    assert isinstance(clock, ManualClock)
    for _ in range(3):
        clock.advance(timedelta(days=1))
        assert send(first) == []
    clock.advance(timedelta(days=1))  # 2026-11-06: 7 SMS in the 7 days before
    assert send(first) == ["CP-WEEKLY-SMS"]
    email = container.app.contact_check(first, channel=Channel.EMAIL, party="Li Na", at=clock.now())
    assert email.allowed


def test_after_a_judgment_the_warning_comes_before_the_enforcement_deadline(container: Container) -> None:
    """Civil Procedure Law (2023) art. 250: two years to apply for enforcement, from the last day of the
    performance period the judgment sets. Suit filed 2026-11-02; the judgment takes effect 2028-01-10 and gives
    ten days to pay (last day 2028-01-20): the period ends 2028-01-20 + 2 years = 2030-01-20, and legal is warned
    90 days before, 2030-01-20 - 90 days = 2029-10-22 (not a 3-year limitation to 2031-01-10 warned 2030-10-12,
    nine months after enforcement was lost). On 2029-10-22 the scheduler gives legal the task to apply."""
    case_id = open_case(container.app)
    container.app.handle(ReviewLegalClock(case_id=case_id, actor=COLLECTOR))
    action_id = container.app.send(
        StartLegalAction(case_id=case_id, kind=LegalActionKind.LITIGATION, actor=SUPERVISOR), str
    )
    at(container, date(2028, 1, 11))
    container.app.handle(
        EndProceedings(
            case_id=case_id,
            action_id=action_id,
            outcome=ProceedingsOutcome.JUDGMENT,
            ended_on=date(2028, 1, 10),
            performance_due_on=date(2028, 1, 20),
            actor=SUPERVISOR,
        )
    )
    case = container.app.get_case(case_id)
    assert (case.limitation_period, case.limitation_starts_on, case.limitation_ends_on) == (
        "enforcement",
        date(2028, 1, 20),
        date(2030, 1, 20),
    )
    warning = case.deadlines["limitation-warning-2030-01-20"]
    assert (warning.status, warning.due_at.date()) == ("open", date(2029, 10, 22))
    assert date(2030, 1, 20) - timedelta(days=90) == date(2029, 10, 22)
    (restart,) = restarts(container, case_id)
    assert "art. 250" in restart.article and restart.by_event == "LegalProceedingsEnded"
    at(container, date(2029, 10, 22))
    container.scheduler.tick()
    task = container.app.get_case(case_id).tasks["limitation-2030-01-20"]
    assert task.department == "legal" and "enforcement" in task.title
    # a delivered demand interrupts it like a limitation period (art. 250 ¶1): two years again from it
    container.app.handle(
        LogContact(
            case_id=case_id,
            channel=Channel.SMS,
            party="Li Na",
            outcome=ContactOutcome.DELIVERED,
            message_id="SMS-77",
            actor=COLLECTOR,
        )
    )
    assert container.app.get_case(case_id).limitation_ends_on == date(2031, 10, 22)
