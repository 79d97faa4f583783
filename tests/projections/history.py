"""A generated, realistic history of many cases, written fast (many aggregates per save); shared with bench/."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from application.app import CollectionsApp
from domain.act import Act
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.values import Channel, ContactOutcome, Department, LetterKind, Reason, Resolution, Tier
from domain.enterprise import Enterprise
from domain.loan_ledger import LoanDue, LoanTerms
from domain.money import Money
from tests.factories import contacts, registration

SUPERVISOR = Actor(user_id="zhao.supervisor", role=Role.SUPERVISOR)
START = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
INDUSTRIES = ["manufacturing", "services", "logistics", "textiles", "restaurants", "construction", "trading"]
REGIONS = ["Jiangsu", "Zhejiang", "Guangdong", "Sichuan"]
OUTCOMES = {
    Channel.PHONE: [ContactOutcome.CONNECTED, ContactOutcome.NO_ANSWER, ContactOutcome.BUSY],
    Channel.SMS: [ContactOutcome.DELIVERED],
    Channel.EMAIL: [ContactOutcome.DELIVERED, ContactOutcome.FAILED],
    Channel.VISIT: [ContactOutcome.MET, ContactOutcome.NOT_MET],
    Channel.LETTER: [ContactOutcome.DELIVERED],
}
SHA = "ab" * 32
TERMS = LoanTerms(interest_rate=Decimal("0.0435"), penalty_rate=Decimal("0.06525"))


def build_case(rng: random.Random, n: int, enterprise_id: Any, events: int) -> CollectionCase:
    """One case driven through about ``events`` events of many kinds, with business time moving forward."""
    at = START + timedelta(days=rng.randrange(0, 300), hours=rng.randrange(0, 8))
    collector = Actor(user_id=f"collector.{n % 40}", role=Role.COLLECTOR)
    scheduled = n % 3 == 0  # every third loan opens with its schedule and rates (README "Arrears that move")
    first_due = (at - timedelta(days=rng.randrange(1, 200))).date()
    dues = [
        LoanDue(
            number=k + 1,
            due_on=first_due + timedelta(days=30 * k),
            principal_fen=rng.randrange(100_000_00, 300_000_00),
            interest_fen=rng.randrange(0, 10_000_00),
        )
        for k in range(rng.randrange(2, 12))
    ]
    case = CollectionCase.open(
        loan_id=f"LN-{n:07d}",
        enterprise_id=enterprise_id,
        principal=Money.of(max(2_000_000_00, sum(d.principal_fen for d in dues))),
        outstanding=Money.of(
            sum(d.principal_fen for d in dues) if scheduled else rng.randrange(500_000_00, 2_000_000_00)
        ),
        overdue_amount=None if scheduled else Money.of(300_000_00),
        overdue_since=None if scheduled else first_due,
        dues=dues if scheduled else None,
        terms=TERMS if scheduled else None,
        act=Act.of(SUPERVISOR, at, at),
    )
    case.assign_collector(collector.user_id, act=Act.of(SUPERVISOR, at, at))
    tier = rng.choice(list(Tier))
    case.record_assessment(
        model_version="scorecard-1",
        score=rng.randrange(0, 100),
        tier=tier,
        reasons=[Reason(code="LEV", message="leverage")],
        features={"dta": "0.7"},
        act=Act.of(SUPERVISOR, at, at),
    )
    case.assign_strategy(
        policy_version=1,
        tier=tier,
        treatment="default",
        channels=[Channel.PHONE],
        act=Act.of(SUPERVISOR, at, at),
    )
    serial = 0
    while case.version < events:
        at += timedelta(hours=rng.randrange(2, 96))
        serial += 1
        roll = rng.random()
        open_promises = [p for p in case.promises.values() if p.status == "open"]
        open_deadlines = [d for d in case.deadlines.values() if d.status == "open"]
        open_tasks = [t for t in case.tasks.values() if t.status == "open"]
        if roll < 0.45:
            channel = rng.choice(list(OUTCOMES))
            extra: dict[str, Any] = {}
            if channel is Channel.VISIT:
                extra = {"staff": [collector.user_id, "liu.legal"]}
            if channel is Channel.LETTER:
                extra = {"letter_kind": rng.choice(list(LetterKind)), "document_sha256": SHA}
            override = "urgent, approved" if rng.random() < 0.02 else None
            case.log_contact(
                channel=channel,
                party="Li Na",
                outcome=rng.choice(OUTCOMES[channel]),
                act=Act.of(collector, at, at),
                summary="reminder",
                override_reason=override,
                overridden_rules=["CP-QUIET-HOURS"] if override else None,
                **extra,
            )
        elif roll < 0.53 and case.outstanding.fen > 10_000_00:
            case.make_promise(
                promise_id=f"p{serial}",
                amount=Money.of(10_000_00),
                due_on=at.date() + timedelta(days=5),
                act=Act.of(collector, at, at),
            )
        elif roll < 0.60 and open_promises:
            promise = rng.choice(open_promises)
            if promise.due_on < at.date() and rng.random() < 0.5:
                case.break_promise(promise.promise_id, act=Act.of(collector, at, at))
            else:
                case.keep_promise(promise.promise_id, act=Act.of(collector, at, at))
        elif roll < 0.68 and case.outstanding.fen > 5_000_00:
            case.receive_payment(
                amount=Money.of(rng.randrange(1_000_00, 5_000_00)),
                # not on a day whose penalty interest is already recorded
                received_on=max(at.date(), (case.accrued_through or date.min) + timedelta(days=1)),
                reference=f"B{n}-{serial}",
                act=Act.of(collector, at, at),
            )
        elif roll < 0.74:
            case.set_deadline(
                deadline_id=f"d{serial}",
                kind="contact",
                due_at=at + timedelta(days=rng.randrange(1, 9)),
                action="notify",
                act=Act.of(SUPERVISOR, at, at),
            )
        elif roll < 0.79 and open_deadlines:
            deadline = rng.choice(open_deadlines)
            (case.meet_deadline if rng.random() < 0.6 else case.expire_deadline)(
                deadline.deadline_id, act=Act.of(collector, at, at)
            )
        elif roll < 0.84:
            case.assign_task(
                task_id=f"t{serial}",
                department=rng.choice(list(Department)),
                title="follow up",
                due_at=at + timedelta(days=rng.randrange(1, 15)),
                assignee=collector.user_id,
                act=Act.of(SUPERVISOR, at, at),
            )
        elif roll < 0.88 and open_tasks:
            case.complete_task(rng.choice(open_tasks).task_id, "done", act=Act.of(collector, at, at))
        elif roll < 0.91 and case.tier is not Tier.HIGH:
            to = Tier.HIGH if case.tier is Tier.MEDIUM else Tier.MEDIUM
            case.escalate(to, "no progress", act=Act.of(SUPERVISOR, at, at))
            case.assign_strategy(
                policy_version=1,
                tier=to,
                treatment="firmer",
                channels=[Channel.VISIT],
                act=Act.of(SUPERVISOR, at, at),
            )
        elif roll < 0.93 and case.terms is not None and case.status == "open":
            case.review_ledger(act=Act.of(SUPERVISOR, at, at))  # as the scheduler does: penalty, classification
        else:
            case.add_note(f"note {serial}", act=Act.of(collector, at, at))
    if rng.random() < 0.2:
        at += timedelta(days=1)
        case.resolve(rng.choice([Resolution.RESTRUCTURED, Resolution.WRITTEN_OFF]), "", act=Act.of(SUPERVISOR, at, at))
    return case


def enterprise(n: int) -> Enterprise:
    """Enterprise number n with a segment."""
    reg = registration(n, industry=INDUSTRIES[n % len(INDUSTRIES)], region=REGIONS[n % len(REGIONS)])
    return Enterprise.register(reg, contacts(), act=Act.of(SUPERVISOR, START - timedelta(days=30), START))


def generate(
    app: CollectionsApp, cases: int, events_per_case: int, seed: int = 7, first: int = 0, per_save: int = 200
) -> Iterator[int]:
    """Write ``cases`` cases (one enterprise per 2 cases) of about ``events_per_case`` events; yields events saved."""
    rng = random.Random(seed * 1_000_003 + first)
    pending: list[Any] = []
    count = 0
    for n in range(first, first + cases):
        if n % 2 == 0:
            pending.append(enterprise(n))
        ent_id = app.enterprise_id_for(registration(n - n % 2).credit_code)
        pending.append(build_case(rng, n, ent_id, events_per_case))
        if len(pending) >= per_save:
            count = sum(len(a.pending_events) for a in pending)
            app.store.save(*pending)
            pending = []
            yield count
    if pending:
        count = sum(len(a.pending_events) for a in pending)
        app.store.save(*pending)
        yield count


def today() -> date:
    """The generated history's last day is before this."""
    return (START + timedelta(days=1000)).date()
