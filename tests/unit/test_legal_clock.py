"""Limitation period, delinquency buckets and the five-category classification."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.act import Act
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.events import DelinquencyClassified, LimitationPeriodSet, SmsSent
from domain.case.values import Channel, ContactOutcome, LetterKind
from domain.classification import LoanCategory, bucket, category, days_past_due
from domain.legal_clock import add_years, restarts_limitation
from domain.money import Money

ACTOR = Actor(user_id="wang", role=Role.COLLECTOR)
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
ACT = Act.of(ACTOR, NOW, NOW)
SHA = "ab" * 32


@pytest.mark.parametrize(
    ("days", "expected_bucket", "expected_category"),
    [
        (0, "current", LoanCategory.NORMAL),
        (1, "1-30", LoanCategory.SPECIAL_MENTION),
        (30, "1-30", LoanCategory.SPECIAL_MENTION),
        (31, "31-60", LoanCategory.SPECIAL_MENTION),
        (61, "61-90", LoanCategory.SPECIAL_MENTION),
        (91, "91-180", LoanCategory.SUBSTANDARD),
        (181, "181-360", LoanCategory.SUBSTANDARD),
        (271, "181-360", LoanCategory.DOUBTFUL),
        (360, "181-360", LoanCategory.DOUBTFUL),
        (361, ">360", LoanCategory.LOSS),
    ],
)
def test_buckets_and_categories(days: int, expected_bucket: str, expected_category: LoanCategory) -> None:
    assert bucket(days) == expected_bucket
    assert category(days) is expected_category


def test_nothing_overdue_is_zero_days_past_due() -> None:
    assert days_past_due(date(2026, 1, 1), 0, date(2026, 11, 2)) == 0
    assert days_past_due(date(2026, 11, 1), 1, date(2026, 11, 2)) == 1


def test_years_on_a_leap_day() -> None:
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2026, 7, 20), 3) == date(2029, 7, 20)


def test_only_a_demand_with_delivery_evidence_restarts_the_period() -> None:
    assert restarts_limitation(LetterKind.DEMAND, "signed receipt EMS 1234")
    assert not restarts_limitation(LetterKind.DEMAND, "  ")


def a_case(overdue_since: date = date(2024, 1, 10)) -> CollectionCase:
    return CollectionCase.open(
        loan_id="LN-1",
        enterprise_id=uuid4(),
        principal=Money.parse("1000.00"),
        outstanding=Money.parse("800.00"),
        overdue_amount=Money.parse("300.00"),
        overdue_since=overdue_since,
        act=Act.of(ACTOR, NOW - timedelta(hours=2), NOW),  # opened at 08:00 Shanghai, before the acts below
    )


def test_a_delivered_demand_restarts_the_limitation_period_and_moves_its_warning() -> None:
    case = a_case(overdue_since=date(2025, 1, 10))
    case.set_limitation_period(starts_on=date(2025, 1, 10), years=3, warn_days=90, basis="due", act=ACT)
    assert case.limitation_ends_on == date(2028, 1, 10)
    first_warning = "limitation-warning-2028-01-10"
    assert case.deadlines[first_warning].status == "open"
    case.log_contact(
        channel=Channel.LETTER,
        party="the company",
        outcome=ContactOutcome.DELIVERED,
        act=ACT,
        letter_kind=LetterKind.DEMAND,
        document_sha256=SHA,
        delivery_evidence="signed receipt",
    )
    assert case.limitation_ends_on == date(2029, 11, 2)
    assert case.deadlines[first_warning].status == "cancelled"
    assert case.deadlines["limitation-warning-2029-11-02"].due_at.date() == date(2029, 8, 4)


def test_an_undelivered_letter_does_not_restart_it() -> None:
    case = a_case()
    case.log_contact(
        channel=Channel.LETTER,
        party="the company",
        outcome=ContactOutcome.FAILED,
        act=ACT,
        letter_kind=LetterKind.DEMAND,
        document_sha256=SHA,
    )
    assert not any(isinstance(e, LimitationPeriodSet) for e in case.pending_events)


def test_legal_gets_one_task_when_the_period_nears_its_end() -> None:
    case = a_case(overdue_since=date(2023, 12, 1))
    case.set_limitation_period(starts_on=date(2023, 12, 1), years=3, warn_days=90, basis="due", act=ACT)
    assert case.review_legal_clock(act=ACT) is True  # ends 2026-12-01, within 90 days
    task = case.tasks["limitation-2026-12-01"]
    assert task.department == "legal"
    assert case.review_legal_clock(act=ACT) is False


def test_a_far_off_end_gives_no_task_yet() -> None:
    case = a_case(overdue_since=date(2026, 7, 1))
    case.set_limitation_period(starts_on=date(2026, 7, 1), years=3, warn_days=90, basis="due", act=ACT)
    assert case.review_legal_clock(act=ACT) is False
    assert case.tasks == {}


def test_a_payment_reclassifies_the_case() -> None:
    case = a_case(overdue_since=date(2026, 7, 1))
    assert case.classify(date(2026, 11, 2), act=ACT) is True
    assert (case.delinquency_bucket, case.loan_category) == ("91-180", "substandard")
    assert case.classify(date(2026, 11, 2), act=ACT) is False  # no change, no event
    case.receive_payment(
        amount=Money.parse("300.00"),
        received_on=date(2026, 11, 2),
        reference="R1",
        act=ACT,
    )
    # the payment also restarts the limitation period (art. 195), recorded after the classification
    last = [event for event in case.pending_events if isinstance(event, DelinquencyClassified)][-1]
    # the bucket follows the arrears; the category does not: a non-performing claim moves up only after
    # regular repayment (2023 rules, README "Classification")
    assert (last.bucket, last.category, last.previous_bucket) == ("current", "substandard", "91-180")
    assert "npl-upgrade" in last.rule_ids
    assert case.overdue_amount == Money.zero()
    assert case.outstanding == Money.parse("500.00")


def test_a_partial_payment_keeps_the_bucket_and_records_nothing_new() -> None:
    case = a_case(overdue_since=date(2026, 10, 1))
    case.classify(date(2026, 11, 2), act=Act.of(ACTOR, NOW - timedelta(hours=1), NOW))
    before = len(case.pending_events)
    case.receive_payment(
        amount=Money.parse("100.00"),
        received_on=date(2026, 11, 2),
        reference="R1",
        act=ACT,
    )
    new = [type(e).__name__ for e in case.pending_events[before:]]
    assert "DelinquencyClassified" not in new  # the bucket stays (the payment restarts the limitation clock)
    assert case.overdue_amount == Money.parse("200.00")


def test_a_guarantee_period_by_article_692() -> None:
    from domain.legal_clock import add_months, guarantee_period_ends

    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert guarantee_period_ends(date(2026, 9, 15), None)[0] == date(2027, 3, 15)
    assert guarantee_period_ends(date(2026, 9, 15), date(2028, 1, 1))[0] == date(2028, 1, 1)
    ends, basis = guarantee_period_ends(date(2026, 9, 15), date(2026, 9, 15))  # no later than the debt: no agreement
    assert ends == date(2027, 3, 15) and "no later" in basis


def test_events_and_people_stored_before_proofs_and_roles_still_load() -> None:
    from domain.case.events import CallLogged
    from domain.enterprise.values import ContactPerson, PartyRole

    old = {
        "originator_id": str(uuid4()),
        "originator_version": 2,
        "timestamp": NOW.isoformat(),
        "actor": {"user_id": "wang", "role": "collector"},
        "occurred_at": NOW.isoformat(),
        "channel": "phone",
        "party": "Li Na",
        "outcome": "connected",
    }
    call = CallLogged.model_validate(old)
    assert (call.recording_id, call.message_id, call.tracking_number, call.party_role) == ("", "", "", "")
    assert ContactPerson.model_validate({"name": "Li Na", "phone": "1"}).party_role is PartyRole.CONTACT


def test_a_proof_fits_its_channel() -> None:
    from domain.errors import InvariantError

    case = a_case()
    with pytest.raises(InvariantError, match="does not carry a tracking_number"):
        case.log_contact(
            channel=Channel.PHONE,
            party="Li Na",
            outcome=ContactOutcome.CONNECTED,
            act=ACT,
            proof={"tracking_number": "EMS1"},
        )
    with pytest.raises(InvariantError, match="printable"):
        case.log_contact(
            channel=Channel.SMS,
            party="Li Na",
            outcome=ContactOutcome.DELIVERED,
            act=ACT,
            proof={"message_id": "a\x00b"},
        )
    case.log_contact(
        channel=Channel.SMS, party="Li Na", outcome=ContactOutcome.DELIVERED, act=ACT, proof={"message_id": " M-1 "}
    )
    (sms,) = [e for e in case.pending_events if isinstance(e, SmsSent)]  # (it also restarts the period)
    assert sms.message_id == "M-1"
