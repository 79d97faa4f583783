"""The bank-sized log of ``bench_scale.py``: many cases of realistic shapes, written through the real write path in
bulk, resumable.

Each case is a real ``CollectionCase`` driven by its own commands (``tests/projections/history.build_case``:
contacts of every channel, promises kept and broken, payments, deadlines set, met and expired, tasks,
escalations, the scheduler's ledger reviews), and here besides: lengths that differ (four cases in five short,
one in five long; the mean is ``--events-per-case``), a repayment plan and a signed agreement on one open case in
six, and at the end every open case's remaining deadlines met and one next review set — due just before the bench's
``now`` on one open case in a hundred, a year later on the others — so a scheduler tick at ``now`` finds 1 % of the
open cases due, each deadline written by its own case's commands. Aggregates are saved many per ``EventStore.save``
(the store's own insert, the real mapper and transcoder).

Resumable: cases are written in chunks of ``CHUNK`` in one transaction each, chunk ``k`` from a random generator
seeded by ``k`` alone; a chunk whose first case is in the store was written, so a stopped run writes the chunks
that are not (one look each: several processes write chunks in any order).
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from application.app import CollectionsApp
from application.bootstrap import Container, bootstrap
from domain.act import Act
from domain.case import CollectionCase
from domain.case.values import PlanKind
from domain.money import Money
from domain.repayment import build_schedule
from infrastructure.settings import Settings
from tests.factories import registration
from tests.projections.history import START, SUPERVISOR, build_case, enterprise

#: cases per save (one transaction); even, so a case's enterprise (one per two cases) is in its chunk
CHUNK = 200
#: one open case in ``DUE_EVERY`` has its next review due at the bench's ``now``
DUE_EVERY = 100
#: one open case in ``AGREEMENT_EVERY`` signs a repayment agreement
AGREEMENT_EVERY = 6
SHA = "cd" * 32


def bench_now(events_per_case: int) -> datetime:
    """The bench's ``now``: after every generated case's last event (a case starts within 300 days of START and
    moves at most 96 hours an event, for at most 3x the mean events plus the end's few)."""
    return START + timedelta(days=300 + 3 * events_per_case * 4 + 60)


def case_length(rng: random.Random, mean: int) -> int:
    """Four cases in five short (0.2-0.8x the mean), one in five long (1.5-3.5x): the mean is ``mean``."""
    if rng.random() < 0.8:
        return max(8, round(mean * rng.uniform(0.2, 0.8)))
    return max(8, round(mean * rng.uniform(1.5, 3.5)))


def loan_id(n: int) -> str:
    """Case number n's loan (as ``build_case`` names it)."""
    return f"LN-{n:07d}"


def last_occurred(case: CollectionCase) -> datetime:
    """The business time of the case's last event (all of a generated case's events are pending)."""
    return max(event.occurred_at for event in case.pending_events)  # type: ignore[attr-defined]


def sign_agreement(case: CollectionCase, rng: random.Random, serial: str) -> None:
    """Propose an equal-instalment plan over part of the outstanding and sign it, as a negotiator would."""
    at = last_occurred(case) + timedelta(hours=2)
    amount = Money.of(max(1_000_00, case.outstanding.fen // rng.choice([2, 3, 4])))
    start_on = at.date() + timedelta(days=30)
    parameters = {"count": rng.choice([3, 6, 12])}
    schedule = build_schedule(PlanKind.EQUAL, amount, start_on, parameters)
    act = Act.of(SUPERVISOR, at, at)
    case.propose_plan(
        plan_id=f"plan-{serial}", kind=PlanKind.EQUAL, amount=amount, schedule=schedule, parameters=parameters, act=act
    )
    case.sign_agreement(
        agreement_id=f"agr-{serial}",
        plan_id=f"plan-{serial}",
        signed_on=at.date(),
        signatories=["bank", "debtor"],
        terms="instalments as scheduled",
        document_sha256=SHA,
        act=act,
    )


def settle_deadlines(case: CollectionCase, n: int, now: datetime) -> None:
    """Meet what is still open and set the case's next review: due just before ``now`` on one case in
    ``DUE_EVERY``, a year after it on the others."""
    at = last_occurred(case) + timedelta(hours=1)
    act = Act.of(SUPERVISOR, at, at)
    for deadline in list(case.deadlines.values()):
        if deadline.status == "open":
            case.meet_deadline(deadline.deadline_id, act=act)
    due_at = now - timedelta(hours=1) if n % DUE_EVERY == 0 else now + timedelta(days=365)
    case.set_deadline(deadline_id="next-review", kind="review", due_at=due_at, action="notify:supervisor", act=act)


def chunk_cases(app: CollectionsApp, chunk: int, mean_events: int, now: datetime) -> list[Any]:
    """Chunk ``chunk``'s aggregates (its enterprises and cases), the same every time it is made."""
    rng = random.Random(1_000_003 * (chunk + 1))
    made: list[Any] = []
    for n in range(chunk * CHUNK, (chunk + 1) * CHUNK):
        if n % 2 == 0:
            made.append(enterprise(n))
        enterprise_id = app.enterprise_id_for(registration(n - n % 2).credit_code)
        case = build_case(rng, n, enterprise_id, case_length(rng, mean_events))
        if case.status == "open":
            if n % AGREEMENT_EVERY == 1 and case.outstanding.fen > 10_000_00 and case.active_agreement() is None:
                sign_agreement(case, rng, f"{n}")
            settle_deadlines(case, n, now)
        made.append(case)
    return made


def chunk_written(app: CollectionsApp, chunk: int) -> bool:
    """Whether chunk ``chunk`` is in the store (its first case is: a chunk is written in one transaction)."""
    found = app.store.recorder.select_events(app.case_id_for(loan_id(chunk * CHUNK)), limit=1)
    return bool(found)


def unwritten(app: CollectionsApp, chunks: int) -> list[int]:
    """The chunks below ``chunks`` not in the store (one look each: processes write them in any order)."""
    return [chunk for chunk in range(chunks) if not chunk_written(app, chunk)]


def write_chunk(app: CollectionsApp, chunk: int, mean_events: int) -> int:
    """Write chunk ``chunk`` in one transaction; the events it saved."""
    made = chunk_cases(app, chunk, mean_events, bench_now(mean_events))
    count = sum(len(aggregate.pending_events) for aggregate in made)
    app.store.save(*made)
    return count


_worker: Container | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = bootstrap(settings)


def _write_in_worker(job: tuple[int, int]) -> int:
    assert _worker is not None
    return write_chunk(_worker.app, *job)


def write_log(
    app: CollectionsApp, chunks: list[int], mean_events: int, settings: Settings | None = None, processes: int = 1
) -> Iterator[int]:
    """Write these chunks, in this process or spread over ``processes`` (each building its chunks' cases, the
    inserts taking turns on the table lock); yields the events of each chunk written."""
    if processes <= 1 or settings is None or len(chunks) < 2:
        for chunk in chunks:
            yield write_chunk(app, chunk, mean_events)
        return
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connection pool
    with context.Pool(processes, initializer=_start_worker, initargs=(settings,)) as pool:
        yield from pool.imap_unordered(_write_in_worker, [(chunk, mean_events) for chunk in chunks])


def log_events(app: CollectionsApp) -> int:
    """Events in the log."""
    return int(app.store.recorder.max_notification_id() or 0)


def clock_start(mean_events: int) -> datetime:
    """The bench's clock (``now``), in UTC."""
    return bench_now(mean_events).astimezone(UTC)
