"""The simulated bank staff: collectors working their worklists within working hours and the contact policy,
and the departments working their queues (legal letters and actions, credit files, check-ins, reminders).
Everything they do is a command sent to ``CollectionsApp.handle``."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from application.app import CollectionsApp
from application.commands import (
    CompleteTask,
    LetterFacts,
    LogContact,
    MakePromise,
    ProposePlan,
    SignAgreement,
    StartLegalAction,
    VisitFacts,
)
from application.handlers.commitments import ProposedPlan
from domain.base import Actor, Role
from domain.case import CollectionCase
from domain.case.values import Channel, ContactOutcome, LegalActionKind, LetterKind, PlanKind
from domain.errors import DomainError
from domain.money import Money
from domain.rules import local_date
from projections.models import Worklist
from simulation.debtors import Debtor, answer, keeps_promise, plan_parameters, signs_plan

#: capacity a collector has in a day, by the tier of the cases they work, and what each channel costs
CAPACITY = {"low": 30, "medium": 16, "high": 12}
COST = {"visit": 4}
#: days between contacts a collector leaves on a case, by tier
CADENCE = {"low": 4, "medium": 3, "high": 3}
#: days a collector leaves between two visits to a firm, unless the policy asks for one
VISIT_EVERY_DAYS = 14
#: chance a collector logs a contact without asking the contact check first
UNCHECKED = 0.02
LEGAL = Actor(user_id="sim.legal", role=Role.LEGAL)
CREDIT = Actor(user_id="sim.credit", role=Role.CREDIT)
CRM = Actor(user_id="sim.crm", role=Role.CRM)
SUPERVISOR = Actor(user_id="sim.supervisor", role=Role.SUPERVISOR)


@dataclass(frozen=True)
class CaseFacts:
    """What a collector reads of a case before acting."""

    open: bool
    tier: str
    channels: tuple[str, ...]
    overdue_fen: int
    outstanding_fen: int
    open_promise_due: date | None
    active_agreement: bool
    agreement_signed: bool
    collector: str | None


def facts(app: CollectionsApp, case_id: UUID) -> CaseFacts:
    """The case as it stands today (from the process's cached aggregate): its arrears as of today's date, so dues
    that fell due since its last event count."""
    today = local_date(app.clock.now())

    def extract(case: CollectionCase) -> CaseFacts:
        now = case.position_as_of(max(today, case.opened_on))
        promises = [p.due_on for p in case.promises.values() if p.status == "open"]
        return CaseFacts(
            open=case.status.value == "open",
            tier=str(case.tier or "low"),
            channels=tuple(str(c) for c in case.channels),
            overdue_fen=now.overdue_fen,
            outstanding_fen=now.outstanding_fen,
            open_promise_due=max(promises) if promises else None,
            active_agreement=case.active_agreement() is not None,
            agreement_signed=bool(case.agreements),
            collector=case.collector,
        )

    return app.uow.read(CollectionCase, case_id, extract, max_age_seconds=3600.0)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Collector:
    """One collector: works the worklist's cases in order, a contact at a time, until the day's capacity is spent."""

    def __init__(self, sim: Any, user_id: str, tier: str, seed: int) -> None:
        self.sim = sim
        self.actor = Actor(user_id=user_id, role=Role.COLLECTOR)
        self.tier = tier
        self.rng = random.Random(f"{seed}:{user_id}")

    def work(self, day: date, start: datetime, worklist: Worklist) -> None:
        """A working day from ``start`` (local time): the worklist's cases (read in the morning), due first."""
        sim, app = self.sim, self.sim.app
        budget = CAPACITY[self.tier]
        at = start
        asked = [i for i in worklist.items if i.kind == "case" and UUID(i.case_id) in sim.visit_asked]
        for item in asked + [i for i in worklist.items if i not in asked]:  # a visit the policy asks for first
            if budget <= 0 or at.hour >= 18:
                break
            if item.kind != "case":
                continue
            case_id = UUID(item.case_id)
            case = facts(app, case_id)
            if not case.open or not self.due(case_id, case, day):
                continue
            channel = self.pick(case_id, case)
            if channel is None:
                continue
            budget -= COST.get(channel, 1)
            sim.clock.set(at)
            self.contact(case_id, case, channel, day, at)
            at += timedelta(minutes=40 if channel == "visit" else 6)

    def due(self, case_id: UUID, case: CaseFacts, day: date) -> bool:
        """Whether the case needs a contact today: a visit asked for, or none lately, no promise pending and no
        agreement being paid."""
        if case_id in self.sim.visit_asked and "visit" in case.channels:
            return True
        last = self.sim.last_contact.get(case_id)
        if last is not None and (day - last).days < CADENCE.get(case.tier, 3):
            return False
        if case.open_promise_due is not None and case.open_promise_due >= day:
            return False
        return not case.active_agreement

    def pick(self, case_id: UUID, case: CaseFacts) -> str | None:
        """A channel of the case's strategy, the first most often (letters come from legal's queue)."""
        channels = [c for c in case.channels if c != "letter"] or ["phone"]
        if case_id in self.sim.visit_asked and "visit" in channels:
            return "visit"
        visited = self.sim.last_visit.get(case_id)
        if visited is not None and (self.sim.clock.now().date() - visited).days < VISIT_EVERY_DAYS:
            channels = [c for c in channels if c != "visit"] or ["phone"]
        weights = [0.6, 0.3, 0.1, 0.05, 0.05][: len(channels)]
        return self.rng.choices(channels, weights=weights)[0]

    def contact(self, case_id: UUID, case: CaseFacts, channel: str, day: date, at: datetime) -> None:
        """Ask the contact check, make the contact, record it with the firm's answer, act on the answer."""
        sim, app = self.sim, self.sim.app
        debtor: Debtor = sim.debtors[case_id]
        firm = debtor.firm
        party = (
            firm.contacts[1][0]
            if channel in ("sms", "email", "website") and len(firm.contacts) > 1
            else firm.contacts[0][0]
        )
        joint = channel == "visit" and case.tier == "high"
        staff = (self.actor.user_id, "sim.credit", "sim.legal") if joint else (self.actor.user_id, "sim.credit")
        if self.rng.random() >= UNCHECKED:
            check = app.contact_check(case_id, channel=Channel(channel), party=party, at=at, staff=list(staff))
            if not check.allowed:
                sim.count("contacts_refused_by_check")
                return
        reply = answer(debtor, channel, case.tier, day)
        visit = VisitFacts(staff=staff) if channel == "visit" else None
        feedback = "open to a repayment plan" if reply.open_to_plan else "will pay" if reply.promise_days else ""
        if not self.send(
            LogContact(
                case_id=case_id,
                channel=Channel(channel),
                party=party,
                outcome=ContactOutcome(reply.outcome),
                summary=f"{channel} by {self.actor.user_id}",
                feedback=feedback,
                visit=visit,
                actor=self.actor,
            )
        ):
            return
        sim.last_contact[case_id] = day
        if channel == "visit":
            sim.visit_asked.discard(case_id)
            sim.last_visit[case_id] = day
            if joint:
                sim.joint_visits.add(case_id)
        if reply.promise_days:
            self.promise(case_id, case, debtor, reply.promise_share, day + timedelta(days=reply.promise_days))
        elif (reply.open_to_plan or channel == "visit") and case.tier != "low" and not case.agreement_signed:
            # a visit is where the bank negotiates (BRIEF.md): it offers the plan that fits the firm's cash flow
            self.plan(case_id, case, debtor, day)
        elif channel == "phone" and reply.outcome == "no_answer" and self.rng.random() < 0.5:
            self.follow_up_sms(case_id, debtor, at + timedelta(minutes=2))

    def promise(self, case_id: UUID, case: CaseFacts, debtor: Debtor, share: float, due_on: date) -> None:
        amount = max(100_00, int(case.overdue_fen * share)) // 100 * 100
        amount = min(amount, case.outstanding_fen)
        if amount <= 0:
            return
        command = MakePromise(case_id=case_id, amount=Money.of(amount, "CNY"), due_on=due_on, actor=self.actor)
        if not self.send(command):
            return
        today = self.sim.clock.now().date()
        if keeps_promise(debtor, today):
            pay_on = max(today + timedelta(days=1), due_on - timedelta(days=debtor.rng.randrange(0, 3)))
            debtor.pending.append((pay_on, amount, "promise"))
        elif debtor.rng.random() < 0.3:
            debtor.pending.append((due_on + timedelta(days=debtor.rng.randrange(2, 20)), amount // 2, "late part"))

    def plan(self, case_id: UUID, case: CaseFacts, debtor: Debtor, day: date) -> None:
        """Propose the plan that fits the firm's cash flow; the firm signs it or not."""
        if case.overdue_fen < 1000_00:
            return
        kind, parameters = plan_parameters(debtor.firm, case.overdue_fen, day + timedelta(days=30))
        try:
            proposed = self.sim.app.send(
                ProposePlan(
                    case_id=case_id,
                    kind=PlanKind(kind),
                    amount=Money.of(case.overdue_fen, "CNY"),
                    start_on=day + timedelta(days=30),
                    parameters=parameters,
                    actor=self.actor,
                ),
                ProposedPlan,
            )
        except DomainError:
            self.sim.count("plans_refused")
            return
        self.sim.count("plans_proposed")
        if not signs_plan(debtor, case_id in self.sim.joint_visits):
            return
        signed = self.send(
            SignAgreement(
                case_id=case_id,
                plan_id=proposed.plan_id,
                signed_on=day,
                signatories=(debtor.firm.legal_representative, self.actor.user_id),
                document_sha256=sha(f"{case_id}:{proposed.plan_id}"),
                terms=f"{kind} plan",
                actor=self.actor,
            )
        )
        if signed:
            self.sim.agreements[case_id] = proposed.schedule

    def follow_up_sms(self, case_id: UUID, debtor: Debtor, at: datetime) -> None:
        party = debtor.firm.contacts[1][0] if len(debtor.firm.contacts) > 1 else debtor.firm.contacts[0][0]
        if not self.sim.app.contact_check(case_id, channel=Channel.SMS, party=party, at=at).allowed:
            return
        self.sim.clock.set(at)
        reply = answer(debtor, "sms", "low", at.date())
        command = LogContact(
            case_id=case_id,
            channel=Channel.SMS,
            party=party,
            outcome=ContactOutcome(reply.outcome),
            summary="follow-up SMS after an unanswered call",
            actor=self.actor,
        )
        self.send(command)

    def send(self, command: Any) -> bool:
        return self.sim.send(command)


def work_queues(sim: Any, day: date, at: datetime) -> None:
    """The departments' queues: legal sends lawyer's letters and starts legal action, others complete theirs."""
    for department in ("legal", "credit", "crm", "collections"):
        for task in sim.read_model.queue(department, limit=2000).items:
            due = datetime.fromisoformat(task.due_at) if task.due_at else at
            urgent = task.title.startswith(("Draft the lawyer's letter", "Start legal action", "Schedule an on-site"))
            if not urgent and due > at + timedelta(days=1):
                continue
            case_id = UUID(task.case_id)
            sim.clock.set(at)
            outcome = handle_task(sim, case_id, department, task.title, task.task_id, day)
            if outcome is not None:
                sim.send(CompleteTask(case_id=case_id, task_id=task.task_id, outcome=outcome, actor=_who(department)))
            at += timedelta(minutes=1)


def _who(department: str) -> Actor:
    return {"legal": LEGAL, "credit": CREDIT, "crm": CRM}.get(department, SUPERVISOR)


def handle_task(sim: Any, case_id: UUID, department: str, title: str, task_id: str, day: date) -> str | None:
    """Do a task; what to record as its outcome (None: not yet)."""
    case = facts(sim.app, case_id)
    if not case.open:
        return "case resolved"
    debtor: Debtor = sim.debtors[case_id]
    if title.startswith("Draft the lawyer's letter"):
        letter = LetterFacts(
            letter_kind=LetterKind.LAWYERS_LETTER,
            document_sha256=sha(f"letter:{case_id}:{day}"),
            delivery_evidence=f"EMS tracking {int(sha(f'{case_id}:{day}')[:12], 16) % 10**10:010d}",
        )
        reply = answer(debtor, "letter", case.tier, day)
        command = LogContact(
            case_id=case_id,
            channel=Channel.LETTER,
            party=debtor.firm.name,
            outcome=ContactOutcome(reply.outcome),
            summary="lawyer's letter: asset freezing and credit damage if unpaid",
            letter=letter,
            actor=LEGAL,
        )
        sim.send(command)
        sim.visit_asked.add(case_id)  # the joint credit+legal visit follows the letter
        return "letter sent"
    if title.startswith("Start legal action"):
        if case.active_agreement or case.overdue_fen == 0:
            return "not needed: agreement or arrears cleared"
        kind = LegalActionKind.ASSET_PRESERVATION if debtor.firm.collateral else LegalActionKind.LITIGATION
        if sim.send(StartLegalAction(case_id=case_id, kind=kind, summary="filed", actor=LEGAL)):
            debtor.legal += 1
            debtor.pressure = min(0.6, debtor.pressure + 0.3 * debtor.ability(day))
        return "filed"
    if title.startswith("Schedule an on-site visit"):
        sim.visit_asked.add(case_id)
        return "visit planned"
    return "done"
