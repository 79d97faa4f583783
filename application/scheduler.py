"""The scheduler's job: read the due deadlines from the deadlines view and send each one's command.

Every command carries its deadline id, is sent by ``system:scheduler`` and fires **exactly once**: the case
refuses a second firing of a deadline (``DuplicateError``), so two instances ticking at once, a tick retried
after a crash and a tick racing a collector's payment each end with one outcome. A lock around the tick (a
PostgreSQL advisory lock) only saves work; correctness does not depend on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from application.app import CollectionsApp
from application.commands import (
    CaseCommand,
    CheckInstallment,
    Escalate,
    ExpireDeadline,
    JudgePromise,
    ReleaseGuarantee,
    ReviewLedger,
    ReviewLegalClock,
    ReviewStrategy,
)
from domain.base import Actor
from domain.case.values import Tier
from domain.errors import DomainError, DuplicateError
from projections.models import OpenDeadline
from projections.read_model import ReadModel
from projections.runtime import ProjectionRuntime

log = logging.getLogger("arrears.scheduler")

#: the actor of every command the scheduler sends
SCHEDULER = Actor.system("scheduler")
#: due deadlines read per query
BATCH = 1000

TickLock = Callable[[], AbstractContextManager[bool]]


@contextmanager
def no_lock() -> Iterator[bool]:
    """One process, one tick at a time is enough (SQLite): always acquired."""
    yield True


def command_for(deadline: OpenDeadline) -> CaseCommand:
    """The command a deadline's action asks for, carrying the deadline id."""
    case_id, deadline_id, action = UUID(deadline.case_id), deadline.deadline_id, deadline.action
    if action.startswith("escalate:"):
        to_tier = Tier(action.removeprefix("escalate:"))
        reason = f"the {deadline.kind} deadline passed unmet"
        return Escalate(case_id=case_id, to_tier=to_tier, reason=reason, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "judge_promise":
        return JudgePromise(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "check_installment":
        return CheckInstallment(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "review_ledger":
        return ReviewLedger(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "release_guarantee":
        guarantee_id = deadline_id.removeprefix("guarantee-end-")
        return ReleaseGuarantee(case_id=case_id, guarantee_id=guarantee_id, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "review_strategy":
        return ReviewStrategy(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)
    if action == "legal_task":
        return ReviewLegalClock(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)
    return ExpireDeadline(case_id=case_id, deadline_id=deadline_id, actor=SCHEDULER)


@dataclass(frozen=True)
class Firing:
    """What became of one due deadline: ``fired``, ``already`` (met, cancelled or fired by someone else) or
    ``refused`` (the case refused the command; the reason is logged)."""

    case_id: str
    deadline_id: str
    kind: str
    action: str
    due_at: str
    outcome: str
    detail: str = ""


@dataclass
class TickReport:
    """One tick: the moment it judged by, whether it ran (the lock), and every firing."""

    now: datetime
    ran: bool = True
    firings: list[Firing] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        """How many firings had this outcome."""
        return sum(1 for f in self.firings if f.outcome == outcome)


class DeadlineScheduler:
    """Fires the due deadlines, oldest first; ``tick()`` is what a runner calls every interval."""

    def __init__(
        self,
        app: CollectionsApp,
        read_model: ReadModel,
        projections: ProjectionRuntime | None = None,
        lock: TickLock = no_lock,
        workers: int = 1,
    ) -> None:
        self.app = app
        self.read_model = read_model
        self.projections = projections
        self.lock = lock
        self.workers = workers

    def tick(self) -> TickReport:
        """Fire every deadline due by the clock's now (deadlines missed while nothing ran included)."""
        started = time.perf_counter()
        report = TickReport(now=self.app.clock.now())
        with self.lock() as acquired:
            if not acquired:
                report.ran = False
                return report
            seen: set[tuple[str, str]] = set()
            while True:
                if self.projections is not None:
                    self.projections.catch_up(["deadlines"])
                # the refused stay open (and come first again): read past them
                limit = BATCH + report.count("refused")
                due = [
                    d
                    for d in self.read_model.open_deadlines(due_before=report.now, limit=limit)
                    if (d.case_id, d.deadline_id) not in seen
                ]
                if not due:
                    break
                seen.update((d.case_id, d.deadline_id) for d in due)
                report.firings += self.fire_all(due)
        report.seconds = time.perf_counter() - started
        if report.firings:
            log.info(
                "tick at %s: %d fired, %d already done, %d refused in %.3f s",
                report.now.isoformat(),
                report.count("fired"),
                report.count("already"),
                report.count("refused"),
                report.seconds,
            )
        return report

    def fire_all(self, due: list[OpenDeadline]) -> list[Firing]:
        """Fire a batch: each case's deadlines one after another, oldest first; different cases on ``workers``
        threads at once (they share nothing but the store). The firings in due order."""
        by_case: dict[str, list[OpenDeadline]] = {}
        for deadline in due:
            by_case.setdefault(deadline.case_id, []).append(deadline)

        def fire_case(deadlines: list[OpenDeadline]) -> list[Firing]:
            return [self.fire(d) for d in deadlines]

        if self.workers <= 1 or len(by_case) <= 1:
            fired = [f for deadlines in by_case.values() for f in fire_case(deadlines)]
        else:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="scheduler") as pool:
                fired = [f for firings in pool.map(fire_case, by_case.values()) for f in firings]
        order = {(d.case_id, d.deadline_id): n for n, d in enumerate(due)}
        return sorted(fired, key=lambda f: order[(f.case_id, f.deadline_id)])

    def fire(self, deadline: OpenDeadline) -> Firing:
        """Send one deadline's command; a second firing of it is refused by the case and counted as ``already``."""
        facts = {
            "case_id": deadline.case_id,
            "deadline_id": deadline.deadline_id,
            "kind": deadline.kind,
            "action": deadline.action,
            "due_at": str(deadline.due_at),
        }
        try:
            self.app.handle(command_for(deadline))
        except DuplicateError as error:
            return Firing(**facts, outcome="already", detail=str(error))
        except DomainError as error:
            log.warning("deadline %s of case %s refused: %s", deadline.deadline_id, deadline.case_id, error)
            return Firing(**facts, outcome="refused", detail=str(error))
        return Firing(**facts, outcome="fired")
