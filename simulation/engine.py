"""Six simulated months through the real system: a simulated clock the app and the deadline scheduler read,
collectors and departments at work on weekdays, debtors paying by their own lights, a monthly re-assessment,
and, after the learning months, a policy proposed from the channel-effectiveness view and published, with a
champion/challenger split on one tier.

The months are the ones ending at the run's landing moment (``Config.ends_at``; by default the real time when
the run starts): the last tick fires at that moment, so a server started on the same database afterwards finds
nothing due that the simulation had not fired, and every event is recorded at its simulated recording time
(the simulated clock is the one ``bootstrap`` gave the application), so ``known_at`` reads work on the demo."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from application.app import CollectionsApp
from application.bootstrap import Container, bootstrap
from application.commands import AssessRisk, AssignCollector, PublishPolicy, ReceivePayment, ResolveCase
from domain.base import Actor, Role
from domain.case.values import Installment, Resolution
from domain.errors import DomainError
from domain.money import Money
from domain.strategy import PolicyTerms
from infrastructure.clock import ManualClock, SystemClock
from infrastructure.settings import Settings
from simulation.debtors import Debtor, new_debtor, pays_installment, unasked_payment_share
from simulation.firms import Firm
from simulation.learning import propose
from simulation.seeding import portfolio, register
from simulation.staff import SUPERVISOR, Collector, facts, work_queues

ZONE = ZoneInfo("Asia/Shanghai")
RISK = Actor(user_id="sim.risk", role=Role.RISK)
#: payments arrive from the core banking system
CORE_BANKING = Actor.system("core-banking")
#: collectors per tier (the case study's bank: a small team per tier)
TEAM = {"low": 3, "medium": 8, "high": 5}
Progress = Callable[[Iterable[int], int], Iterable[int]]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` local time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), at most the 28th."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))


@dataclass
class Config:
    """What to simulate: how many firms, how many months, the seed, when the strategy learns (0: never),
    the tier whose cases are split between the champion and the challenger policy, and the policy the run starts
    with (None: the default terms, version 1)."""

    enterprises: int = 500
    months: int = 6
    seed: int = 2026
    learn_after_months: int = 3
    challenger_tier: str = "high"
    #: the moment the run lands (its last tick); None: the real time when the run is set up
    ends_at: datetime | None = None
    #: terms the run publishes as its first act, on the eve of its first day, before any case (the log must be
    #: empty when a run starts, so a policy of its own is published by the run, not beforehand)
    policy: PolicyTerms | None = None
    #: the note the starting policy is published with
    policy_note: str = "the simulation's starting policy"

    def landing(self) -> datetime:
        """When the run ends, in the business zone."""
        return (self.ends_at or SystemClock().now()).astimezone(ZONE)

    def first_day(self, landing: datetime) -> date:
        """The first simulated day: ``months`` before the landing day."""
        return add_months(landing.date(), -self.months)


@dataclass
class Outcome:
    """What a run did: its span, the commands refused, the events recorded and how long it took."""

    start: date
    end: date
    counters: Counter[str] = field(default_factory=Counter)
    events: int = 0
    seconds: float = 0.0
    champions: set[str] = field(default_factory=set)
    #: the moment the run landed (its last tick), in the business zone
    landed_at: datetime | None = None


def simulation_clock(config: Config | None = None) -> ManualClock:
    """The clock a simulation runs on, standing at the eve of its first day."""
    config = config or Config()
    return ManualClock(at(config.first_day(config.landing()) - timedelta(days=1), 9))


def simulation_container(settings: Settings, config: Config | None = None) -> Container:
    """The process a simulation runs in: its clock is both the decisions' "now" and the events' recording time
    (the composition root's ``recording_clock``), so what was recorded when reads back as simulated."""
    clock = simulation_clock(config)
    return bootstrap(settings, clock, recording_clock=clock)


class Simulation:
    """One run on a container whose clock is a ``ManualClock`` (see ``simulation_clock``)."""

    def __init__(self, container: Container, config: Config) -> None:
        if not isinstance(container.clock, ManualClock) or container.app.uow.recording_clock is not container.clock:
            raise ValueError("a simulation runs on a ManualClock that also records: simulation_container(settings)")
        self.container = container
        self.app: CollectionsApp = container.app
        self.read_model = container.read_model
        self.clock: ManualClock = container.clock
        self.config = config
        self.ends_at = config.landing()
        self.end = self.ends_at.date()
        self.start = config.first_day(self.ends_at)
        self.firms: list[Firm] = portfolio(config.enterprises, config.seed, self.start)
        self.debtors: dict[UUID, Debtor] = {}
        self.case_ids: list[UUID] = []
        self.last_contact: dict[UUID, date] = {}
        self.visit_asked: set[UUID] = set()
        self.last_visit: dict[UUID, date] = {}
        self.joint_visits: set[UUID] = set()
        self.agreements: dict[UUID, list[Installment]] = {}
        self.champions: set[UUID] = set()
        self.outcome = Outcome(self.start, self.end)
        self.collectors = {
            tier: [Collector(self, f"sim.{tier}.{n}", tier, config.seed) for n in range(1, count + 1)]
            for tier, count in TEAM.items()
        }

    # --- plumbing -----------------------------------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.outcome.counters[name] += n

    def send(self, command: Any) -> bool:
        """Send a command; a refusal is counted by its kind (the simulated staff then move on)."""
        try:
            self.app.handle(command)
        except DomainError as error:
            self.count(f"refused {type(command).__name__}: {type(error).__name__}")
            return False
        return True

    # --- the run ------------------------------------------------------------------------------------

    def run(self, progress: Progress = lambda items, _: items) -> Outcome:
        started = time.perf_counter()
        if self.app.store.recorder.max_notification_id():
            raise ValueError("a simulation records at simulated times, so it writes only into an empty event log")
        self.publish_starting_policy()
        self.seed()
        days = (self.end - self.start).days
        learn_on = add_months(self.start, self.config.learn_after_months) if self.config.learn_after_months else None
        for n in progress(range(days), days):
            day = self.start + timedelta(days=n)
            if day.day == self.start.day and n > 0:
                self.monthly(day, learn=day == learn_on)
            self.one_day(day)
        # land in the present: the last tick fires what is due by the landing moment (the landing day's work is
        # not simulated), so the next tick on this database, on any clock from then on, finds nothing overdue;
        # landing on the real time, the run lands when it ends (it took a minute or two)
        if self.config.ends_at is None:
            self.ends_at = max(self.ends_at, SystemClock().now().astimezone(ZONE))
        self.clock.set(self.ends_at)
        self.outcome.landed_at = self.ends_at
        self.tick()
        self.container.projections.catch_up()
        self.outcome.events = self.app.store.recorder.max_notification_id() or 0
        self.outcome.seconds = time.perf_counter() - started
        self.outcome.champions = {str(c) for c in self.champions}
        return self.outcome

    def publish_starting_policy(self) -> None:
        """The policy the run starts with (``Config.policy``), published on the eve of the first day."""
        if self.config.policy is None:
            return
        self.clock.set(at(self.start - timedelta(days=1), 9))
        self.app.handle(PublishPolicy(terms=self.config.policy, note=self.config.policy_note, actor=SUPERVISOR))

    def seed(self) -> None:
        """Register the portfolio, assess every case (the model decides the tier), give each a collector."""
        self.clock.set(at(self.start - timedelta(days=1), 9))
        for firm in self.firms:
            register(self.app, firm, self.clock.now())
            case_id = self.app.case_id_for(firm.loan.loan_id)
            self.case_ids.append(case_id)
            self.debtors[case_id] = new_debtor(firm, self.config.seed, self.start)
        self.clock.set(at(self.start - timedelta(days=1), 14))
        for case_id in self.case_ids:
            self.send(AssessRisk(case_id=case_id, actor=RISK))
        self.assign_collectors()

    def assign_collectors(self) -> None:
        """Each open case to a collector of its tier (round robin), when it has none of that tier."""
        turn: Counter[str] = Counter()
        for case_id in self.case_ids:
            case = facts(self.app, case_id)
            if not case.open or (case.collector or "").startswith(f"sim.{case.tier}."):
                continue
            team = self.collectors[case.tier]
            collector = team[turn[case.tier] % len(team)]
            turn[case.tier] += 1
            self.send(AssignCollector(case_id=case_id, collector=collector.actor.user_id, actor=SUPERVISOR))

    def one_day(self, day: date) -> None:
        """A day: the scheduler's morning tick; on weekdays the departments' queues, the collectors' worklists
        (read in the morning), the day's payments and the cured cases resolved; the evening tick."""
        self.clock.set(at(day, 8, 30))
        self.tick()
        if day.weekday() < 5:
            self.container.projections.catch_up()  # every view at once: each event is decoded once
            work_queues(self, day, at(day, 9))
            self.container.projections.catch_up()
            worklists = [
                (collector, self.read_model.worklist(collector.actor.user_id, limit=500))
                for team in self.collectors.values()
                for collector in team
            ]
            for collector, worklist in worklists:
                collector.work(day, at(day, 9, 30), worklist)
            self.clock.set(at(day, 14))
            self.payments(day)
            self.clock.set(at(day, 18))
            self.resolve_cured()
        self.clock.set(at(day, 18, 30))
        self.tick()

    def tick(self) -> None:
        """The deadline scheduler fires what is due by the simulated clock (after every view caught up)."""
        self.container.projections.catch_up()
        self.container.scheduler.tick()

    def payments(self, day: date) -> None:
        """Payments the firms decided on, instalments they pay, and money that comes in unasked."""
        for case_id in self.case_ids:
            debtor = self.debtors[case_id]
            due = [p for p in debtor.pending if p[0] <= day]
            debtor.pending = [p for p in debtor.pending if p[0] > day]
            amounts = [amount for _, amount, _ in due]
            for number, installment in enumerate(self.agreements.get(case_id, [])):
                if installment.due_on == day or (day.weekday() == 0 and 0 < (day - installment.due_on).days <= 2):
                    if pays_installment(debtor, day):
                        amounts.append(installment.amount.fen)
                    elif debtor.rng.random() < 0.25:
                        debtor.pending.append((day + timedelta(days=3), installment.amount.fen, f"late {number}"))
            share = unasked_payment_share(debtor, day)
            if not amounts and not share:
                continue
            case = facts(self.app, case_id)
            if not case.open:
                continue
            if share:
                amounts.append(int(case.overdue_fen * share))
            if amounts and self.agreements.get(case_id) and not case.active_agreement:
                self.agreements.pop(case_id)
            outstanding = case.outstanding_fen
            for n, amount in enumerate(a for a in amounts if a > 0):
                amount = min(amount, outstanding)
                if amount <= 0:
                    break
                reference = f"SIM-{day:%Y%m%d}-{case_id.hex[:8]}-{n}"
                command = ReceivePayment(
                    case_id=case_id,
                    amount=Money.of(amount, "CNY"),
                    received_on=day,
                    reference=reference,
                    actor=CORE_BANKING,
                )
                if self.send(command):
                    outstanding -= amount

    def resolve_cured(self) -> None:
        """A case whose arrears are paid is resolved: paid in full, restructured (its agreement was performed to the
        end) or cured. A case whose agreement is still running stays in collections: the agreement's schedule replaced
        the dues fallen due, so nothing is overdue, but the loan is restructured, not repaid, until it is performed."""
        for case_id in self.case_ids:
            case = facts(self.app, case_id)
            if not case.open or case.overdue_fen > 0 or case.active_agreement:
                continue
            resolution = (
                Resolution.PAID_IN_FULL
                if case.outstanding_fen == 0
                else Resolution.RESTRUCTURED
                if case.agreement_signed
                else Resolution.CURED
            )
            actor = Actor(user_id=case.collector or "sim.supervisor", role=Role.COLLECTOR)
            self.send(ResolveCase(case_id=case_id, resolution=resolution, remark="arrears paid", actor=actor))

    def monthly(self, day: date, learn: bool) -> None:
        """The first of a simulated month: learn (once), re-assess the open cases, re-assign collectors."""
        self.clock.set(at(day, 7))
        if learn:
            self.learn()
        for case_id in self.case_ids:
            if case_id not in self.champions and facts(self.app, case_id).open:
                self.send(AssessRisk(case_id=case_id, actor=RISK))
        self.assign_collectors()

    def learn(self) -> None:
        """Propose a policy from the channel view and publish it; hold a random half of the challenger tier's
        open cases on the champion (the old version) by not re-assessing them."""
        current = self.app.current_policy()
        proposal = propose(self.read_model.channel_report(), current.terms, seed=self.config.seed)
        if not proposal.segments:
            return
        note = f"learned channel orders for {len(proposal.segments)} segments (champion v{current.version})"
        self.app.handle(PublishPolicy(terms=proposal.terms, note=note, actor=SUPERVISOR))
        eligible = [
            case_id
            for case_id in self.case_ids
            if (case := facts(self.app, case_id)).open and case.tier == self.config.challenger_tier
        ]
        random.Random(f"{self.config.seed}:champion").shuffle(eligible)
        self.champions.update(eligible[: len(eligible) // 2])
