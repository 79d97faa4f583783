"""CollectionsApp: the eventsourcing Application that runs every command and query of a case."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, project_aggregate
from eventsourcing.persistence import IntegrityError, Mapper, Recording, Transcoder

from application.assessment import AssessmentCommands
from application.contacts import check_contact, contact_context
from application.importing import ImportCommands
from application.plans import PlanCommands
from domain.act import Act
from domain.base import Actor, Aggregate, AggregateSnapshot
from domain.case import CollectionCase
from domain.case.events import CaseEvent, CaseOpened
from domain.case.values import (
    Channel,
    ContactOutcome,
    Department,
    Direction,
    Installment,
    LegalActionKind,
    PlanKind,
    Reason,
    Resolution,
    Severity,
    SignalSource,
    Tier,
)
from domain.enterprise import Enterprise
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration
from domain.errors import ConflictError, DuplicateError, NotFoundError
from domain.ids import case_id as derive_case_id
from domain.ids import enterprise_id as derive_enterprise_id
from domain.money import Money
from domain.strategy import StrategyPolicy
from infrastructure.clock import Clock, SystemClock
from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")
#: attempts at a command that lost a race and was not pinned to a version
RETRIES_ON_CONFLICT = 3
#: after a stale cached aggregate lost an insert race, commands on it ask the store first for this long
SHARED_WRITES_SECONDS = 60.0
#: aggregates remembered as written by other processes, at most (expired ones are dropped beyond this)
SHARED_WRITES_TRACKED = 100_000
#: commands on aggregates that share a stripe take turns within a process
LOCK_STRIPES = 1024


def _expect(cls: type[A], aggregate: object, aggregate_id: UUID) -> A:
    """The aggregate, if it is of the expected kind; an enterprise id is not a case id."""
    if not isinstance(aggregate, cls):
        raise NotFoundError(f"no {cls.__name__} {aggregate_id}")
    return aggregate


def apply_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Fold events into an aggregate (eventsourcing's ``project_aggregate`` without its per-event runtime
    Protocol check, which costs more than applying the event)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def new_id() -> str:
    """A fresh id for a promise, plan, task, deadline..."""
    return uuid4().hex


class CollectionsApp(AssessmentCommands, PlanCommands, ImportCommands, Application[UUID]):
    """Commands (verbs, one per event kind) and queries over enterprises and collection cases."""

    name = "Arrears"
    is_snapshotting_enabled = True
    snapshot_class = AggregateSnapshot

    def __init__(
        self, env: Mapping[str, str] | None = None, clock: Clock | None = None, snapshot_interval: int = 100
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        super().__init__(env)
        self._locks = [threading.RLock() for _ in range(LOCK_STRIPES)]
        self._enterprise_of_case: dict[UUID, UUID] = {}
        self._currency_of_case: dict[UUID, str] = {}
        self._recent_reads: dict[UUID, dict[str, tuple[float, Any]]] = {}
        #: aggregates other processes write too, and until when commands bring them up to date before deciding
        self._shared_until: dict[UUID, float] = {}
        self.snapshotting_intervals = {  # type: ignore[misc]  # per instance: the interval is a setting
            CollectionCase: snapshot_interval,
            Enterprise: snapshot_interval,
            StrategyPolicy: snapshot_interval,
        }
        self.snapshotting_projectors = dict.fromkeys(self.snapshotting_intervals, apply_events)  # type: ignore[misc]

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates' pending events (the same steps as ``Application.save``, on the hot path).

        eventsourcing's ``ProcessingEvent.collect_events`` tells events from aggregates with runtime
        Protocol checks that cost more than the rest of a command's Python; our aggregates are known.
        """
        if kwargs or not all(isinstance(obj, Aggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in objs:
            processing_event.events.extend(aggregate.collect_events())
            processing_event.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def construct_mapper(self) -> Mapper[UUID]:
        """Typed pydantic events through orjson."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    def construct_transcoder(self) -> Transcoder:
        """orjson; pydantic restores the types."""
        return OrjsonTranscoder()

    # --- plumbing ------------------------------------------------------------------------------

    def _load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        """A private copy of an aggregate, fast-forwarded from the store (for queries)."""
        try:
            with self._lock_for(aggregate_id):  # never copy an aggregate while a writer changes it
                aggregate: Aggregate = self.repository.get(aggregate_id, version=version, projector_func=apply_events)
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
        return _expect(cls, aggregate, aggregate_id)

    def _read(
        self,
        cls: type[A],
        aggregate_id: UUID,
        extract: Callable[[A], T],
        max_age_seconds: float = 0.0,
        purpose: str = "",
        if_missing: Callable[[], T] | None = None,
    ) -> T:
        """Facts read from an aggregate fast-forwarded from the store, without copying it.

        ``extract`` runs under the aggregate's lock and must return values it will not share mutably
        (frozen value objects, tuples, numbers). Call it before taking another aggregate's lock. With
        ``max_age_seconds``, facts read for the same ``purpose`` that recently are reused; a command on
        the aggregate in this process forgets them at once. ``if_missing`` gives the facts of an
        aggregate not stored yet (remembered the same way); without it, a missing one is NotFoundError.
        """
        seen = self._recent_reads.get(aggregate_id, {}).get(purpose)
        if seen is not None and time.monotonic() - seen[0] < max_age_seconds:
            recalled: T = seen[1]
            return recalled
        try:
            with self._lock_for(aggregate_id):
                aggregate: Aggregate = self.repository.get(
                    aggregate_id, deepcopy_from_cache=False, projector_func=apply_events
                )
                facts = extract(_expect(cls, aggregate, aggregate_id))
        except AggregateNotFoundError:
            if if_missing is None:
                raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
            facts = if_missing()
        if max_age_seconds:
            self._recent_reads.setdefault(aggregate_id, {})[purpose] = (time.monotonic(), facts)
        return facts

    def enterprise_of_case(self, case_id: UUID) -> UUID:
        """The enterprise a case belongs to (a fact that never changes, so it is remembered)."""
        enterprise_id = self._enterprise_of_case.get(case_id)
        if enterprise_id is None:
            enterprise_id = self._read(CollectionCase, case_id, lambda case: case.enterprise_id)
            self._enterprise_of_case[case_id] = enterprise_id
        return enterprise_id

    def case_currency(self, case_id: UUID) -> str:
        """The currency of a case's amounts (it never changes, so it is remembered)."""
        currency = self._currency_of_case.get(case_id)
        if currency is None:
            currency = self._currency_of_case[case_id] = self._read(CollectionCase, case_id, lambda case: case.currency)
        return currency

    def case_version(self, case_id: UUID) -> int:
        """The case's version now, read from the store without copying the case."""
        return self._read(CollectionCase, case_id, lambda case: case.version)

    def _load_for_update(self, cls: type[A], aggregate_id: UUID, fresh: bool) -> A:
        """The cached instance itself, optimistically without asking the store, or one brought up to date.

        A stale cached aggregate cannot lose an update: its next event's version is already taken in
        the store, so saving it fails and the command is retried on fresh state. While another process
        is seen writing the same aggregate, its cached copy is brought up to date first (one query) instead.
        """
        cache = self.repository.cache
        if not fresh and cache is not None and not self._shared(aggregate_id):
            with contextlib.suppress(KeyError):
                return _expect(cls, cache.get(aggregate_id), aggregate_id)
        try:
            aggregate: Aggregate = self.repository.get(
                aggregate_id, deepcopy_from_cache=False, projector_func=apply_events
            )
        except AggregateNotFoundError:
            raise NotFoundError(f"no {cls.__name__} {aggregate_id}") from None
        return _expect(cls, aggregate, aggregate_id)

    def _shared(self, aggregate_id: UUID) -> bool:
        """True while another process has recently been seen writing this aggregate."""
        until = self._shared_until.get(aggregate_id)
        return until is not None and time.monotonic() < until

    def _mark_shared(self, aggregate_id: UUID) -> None:
        """Another process writes this aggregate too: ask the store before deciding, for a while."""
        now = time.monotonic()
        if len(self._shared_until) >= SHARED_WRITES_TRACKED:
            self._shared_until = {key: until for key, until in self._shared_until.items() if until > now}
        self._shared_until[aggregate_id] = now + SHARED_WRITES_SECONDS

    def _lock_for(self, aggregate_id: UUID) -> threading.RLock:
        return self._locks[aggregate_id.int % len(self._locks)]

    def _forget(self, aggregate_id: UUID) -> None:
        """Drop a cached aggregate whose unsaved changes must not survive, and facts read from it."""
        self._recent_reads.pop(aggregate_id, None)
        if self.repository.cache is not None:
            with contextlib.suppress(KeyError):
                self.repository.cache.get(aggregate_id, evict=True)

    def _save_new(self, aggregate: Aggregate) -> int:
        try:
            self.save(aggregate)
        except IntegrityError:
            raise DuplicateError(f"{type(aggregate).__name__} {aggregate.id} already exists") from None
        self._recent_reads.pop(aggregate.id, None)  # facts remembered while it was missing
        return aggregate.version

    def _change(
        self,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A, datetime], Any],
        expected_version: int | None,
    ) -> int:
        """Load, check the expected version, decide, save; a lost race is a ConflictError.

        Commands on one aggregate take turns within a process, so the cached aggregate is changed in
        place without a copy; if deciding or saving fails, the cached instance is dropped.
        """
        fresh = False
        attempts = 0
        with self._lock_for(aggregate_id):
            while True:
                aggregate = self._load_for_update(cls, aggregate_id, fresh)
                if expected_version is not None and aggregate.version != expected_version:
                    if not fresh:  # the cache may be behind the store: look again before refusing
                        fresh = True
                        continue
                    raise ConflictError(
                        f"{cls.__name__} {aggregate_id} is at version {aggregate.version}, not {expected_version}"
                    )
                attempts += 1
                optimistic = not fresh and not self._shared(aggregate_id)
                try:
                    decide(aggregate, self.clock.now())
                    if aggregate.pending_events:
                        self.save(aggregate)
                except IntegrityError:
                    self._forget(aggregate_id)
                    if optimistic:  # another process writes this aggregate too
                        self._mark_shared(aggregate_id)
                    if expected_version is not None or attempts == RETRIES_ON_CONFLICT:
                        raise ConflictError(
                            f"{cls.__name__} {aggregate_id} was changed by someone else; reload and retry"
                        ) from None
                    fresh = True
                    continue
                except BaseException:
                    self._forget(aggregate_id)
                    raise
                self._recent_reads.pop(aggregate_id, None)
                return aggregate.version
        raise AssertionError("unreachable")  # pragma: no cover

    # --- enterprises ----------------------------------------------------------------------------

    def register_enterprise(
        self,
        registration: Registration,
        actor: Actor,
        contacts: list[ContactPerson] | None = None,
        occurred_at: datetime | None = None,
    ) -> UUID:
        """Register an enterprise; its id is the uuid5 of its credit code."""
        now = self.clock.now()
        enterprise = Enterprise.register(registration, contacts or [], act=Act.of(actor, occurred_at, now))
        self._save_new(enterprise)
        return enterprise.id

    def update_profile(
        self,
        enterprise_id: UUID,
        registration: Registration,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Replace an enterprise's registration details."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.update_profile(registration, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def file_statement(
        self,
        enterprise_id: UUID,
        statement: FinancialStatement,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """File a period's financial statements (refiling the same statement changes nothing)."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.file_statement(statement, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def add_loan_record(
        self,
        enterprise_id: UUID,
        record: LoanRecord,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Add a loan to an enterprise's history (re-adding the same record changes nothing)."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.add_loan_record(record, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def add_contact_person(
        self,
        enterprise_id: UUID,
        person: ContactPerson,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Add a contact person to an enterprise."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.add_contact_person(person, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def set_do_not_contact(
        self,
        enterprise_id: UUID,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Forbid contact with an enterprise."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.set_do_not_contact(reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def lift_do_not_contact(
        self,
        enterprise_id: UUID,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Allow contact with an enterprise again."""
        return self._change(
            Enterprise,
            enterprise_id,
            lambda e, now: e.lift_do_not_contact(reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def get_enterprise(self, enterprise_id: UUID) -> Enterprise:
        """The enterprise now."""
        return self._load(Enterprise, enterprise_id)

    def enterprise_id_for(self, credit_code: str) -> UUID:
        """The id an enterprise with this credit code has (whether or not it is registered)."""
        return derive_enterprise_id(credit_code)

    # --- cases: lifecycle -------------------------------------------------------------------------

    def open_case(
        self,
        *,
        loan_id: str,
        enterprise_id: UUID,
        principal: Money,
        outstanding: Money,
        overdue_amount: Money,
        overdue_since: date,
        actor: Actor,
        occurred_at: datetime | None = None,
    ) -> UUID:
        """Open a case for an overdue loan; the enterprise records the referral in the same transaction."""
        occurred_at = occurred_at or self.clock.now()
        with self._lock_for(enterprise_id):
            for attempt in range(RETRIES_ON_CONFLICT):
                enterprise = self._load_for_update(Enterprise, enterprise_id, fresh=attempt > 0)
                now = self.clock.now()
                try:
                    case = CollectionCase.open(
                        loan_id=loan_id,
                        enterprise_id=enterprise_id,
                        principal=principal,
                        outstanding=outstanding,
                        overdue_amount=overdue_amount,
                        overdue_since=overdue_since,
                        act=Act.of(actor, occurred_at, now),
                        timezone=enterprise.registration.timezone,
                    )
                    enterprise.refer_loan(case.id, case.loan_id, act=Act.of(actor, occurred_at, now))
                    self.save(case, enterprise)
                except IntegrityError:
                    self._forget(enterprise_id)
                    if self.recorder.select_events(case.id, limit=1):
                        raise DuplicateError(f"loan {loan_id!r} already has case {case.id}") from None
                    continue
                except BaseException:
                    self._forget(enterprise_id)
                    raise
                self._enterprise_of_case[case.id] = enterprise_id
                return case.id
        raise ConflictError(f"Enterprise {enterprise_id} kept changing; try again")

    def assign_collector(
        self,
        case_id: UUID,
        collector: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Make a collector responsible for a case."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.assign_collector(collector, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def resolve_case(
        self,
        case_id: UUID,
        resolution: Resolution,
        actor: Actor,
        remark: str = "",
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record how a case ended."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.resolve(resolution, remark, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def reopen_case(
        self,
        case_id: UUID,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Reopen a resolved case."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.reopen(reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def close_case(
        self,
        case_id: UUID,
        actor: Actor,
        reason: str = "",
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """File a resolved case away."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.close(reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    # --- cases: assessment, strategy, deadlines ------------------------------------------------------

    def record_assessment(
        self,
        case_id: UUID,
        *,
        model_version: str,
        score: int,
        tier: Tier,
        reasons: list[Reason],
        features: dict[str, Any],
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record a risk assessment as the model produced it."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.record_assessment(
                model_version=model_version,
                score=score,
                tier=tier,
                reasons=reasons,
                features=features,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )

    def assign_strategy(
        self,
        case_id: UUID,
        *,
        policy_version: int,
        tier: Tier,
        treatment: str,
        channels: list[Channel],
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Put a case under a policy's treatment."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.assign_strategy(
                policy_version=policy_version,
                tier=tier,
                treatment=treatment,
                channels=channels,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )

    def escalate(
        self,
        case_id: UUID,
        to_tier: Tier,
        reason: str,
        actor: Actor,
        deadline_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Escalate a case; with a deadline id it fires exactly once."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.escalate(to_tier, reason, act=Act.of(actor, occurred_at, now), deadline_id=deadline_id),
            expected_version,
        )

    def set_deadline(
        self,
        case_id: UUID,
        *,
        kind: str,
        due_at: datetime,
        action: str,
        actor: Actor,
        deadline_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Set a deadline; returns its id."""
        deadline_id = deadline_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.set_deadline(
                deadline_id=deadline_id,
                kind=kind,
                due_at=due_at,
                action=action,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return deadline_id

    def meet_deadline(
        self,
        case_id: UUID,
        deadline_id: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record that a deadline was met."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.meet_deadline(deadline_id, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def cancel_deadline(
        self,
        case_id: UUID,
        deadline_id: str,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Withdraw a deadline."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.cancel_deadline(deadline_id, reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def expire_deadline(
        self,
        case_id: UUID,
        deadline_id: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record that a deadline passed unmet (exactly once)."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.expire_deadline(deadline_id, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    # --- cases: contacts ------------------------------------------------------------------------------

    def log_contact(
        self,
        case_id: UUID,
        *,
        channel: Channel,
        party: str,
        outcome: ContactOutcome,
        actor: Actor,
        direction: Direction = Direction.OUTBOUND,
        summary: str = "",
        feedback: str = "",
        next_step: str = "",
        override_reason: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
        **channel_fields: Any,
    ) -> int:
        """Log a call, SMS, email, website message, visit or letter, within the contact policy.

        A contact that breaks a rule raises ContactPolicyError(rule_id) unless a supervisor gives an
        ``override_reason``; the overridden rule ids are recorded on the event.
        """
        context = contact_context(self, case_id, channel)

        def decide(case: CollectionCase, now: datetime) -> None:
            when = occurred_at or now
            case.check_open()
            overridden = check_contact(
                case,
                context,
                channel=channel,
                direction=direction,
                party=party,
                outcome=outcome,
                occurred_at=when,
                staff=channel_fields.get("staff"),
                actor=actor,
                override_reason=override_reason,
            )
            case.log_contact(
                channel=channel,
                party=party,
                outcome=outcome,
                act=Act.of(actor, when, now),
                direction=direction,
                summary=summary,
                feedback=feedback,
                next_step=next_step,
                override_reason=override_reason if overridden else None,
                overridden_rules=overridden,
                **channel_fields,
            )

        return self._change(CollectionCase, case_id, decide, expected_version)

    def schedule_visit(
        self,
        case_id: UUID,
        *,
        planned_at: datetime,
        party: str,
        staff: list[str],
        actor: Actor,
        purpose: str = "",
        visit_id: str | None = None,
        override_reason: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Plan an on-site visit within the contact policy (hours, staff, known party); returns its id."""
        visit_id = visit_id or new_id()
        context = contact_context(self, case_id, Channel.VISIT)

        def decide(case: CollectionCase, now: datetime) -> None:
            case.check_open()
            overridden = check_contact(
                case,
                context,
                channel=Channel.VISIT,
                direction=Direction.OUTBOUND,
                party=party,
                outcome=ContactOutcome.MET,
                occurred_at=planned_at,
                staff=staff,
                actor=actor,
                override_reason=override_reason,
            )
            case.schedule_visit(
                visit_id=visit_id,
                planned_at=planned_at,
                party=party,
                staff=staff,
                purpose=purpose,
                act=Act.of(actor, occurred_at, now),
                override_reason=override_reason if overridden else None,
                overridden_rules=overridden,
            )

        self._change(CollectionCase, case_id, decide, expected_version)
        return visit_id

    # --- cases: commitments and money ---------------------------------------------------------------

    def make_promise(
        self,
        case_id: UUID,
        *,
        amount: Money,
        due_on: date,
        actor: Actor,
        promise_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Record a promise to pay; returns its id."""
        promise_id = promise_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.make_promise(
                promise_id=promise_id,
                amount=amount,
                due_on=due_on,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return promise_id

    def keep_promise(
        self,
        case_id: UUID,
        promise_id: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Mark a promise kept."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.keep_promise(promise_id, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def break_promise(
        self,
        case_id: UUID,
        promise_id: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Mark a promise broken."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.break_promise(promise_id, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def propose_plan(
        self,
        case_id: UUID,
        *,
        kind: PlanKind,
        amount: Money,
        schedule: list[Installment],
        actor: Actor,
        parameters: dict[str, Any] | None = None,
        plan_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Propose a repayment plan; returns its id."""
        plan_id = plan_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.propose_plan(
                plan_id=plan_id,
                kind=kind,
                amount=amount,
                schedule=schedule,
                parameters=parameters or {},
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return plan_id

    def sign_agreement(
        self,
        case_id: UUID,
        *,
        plan_id: str,
        signed_on: date,
        signatories: list[str],
        document_sha256: str,
        actor: Actor,
        terms: str = "",
        agreement_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Sign an agreement on a proposed plan; returns its id."""
        agreement_id = agreement_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.sign_agreement(
                agreement_id=agreement_id,
                plan_id=plan_id,
                signed_on=signed_on,
                signatories=signatories,
                terms=terms,
                document_sha256=document_sha256,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return agreement_id

    def miss_installment(
        self,
        case_id: UUID,
        agreement_id: str,
        installment_no: int,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record a missed instalment."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.miss_installment(agreement_id, installment_no, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def default_agreement(
        self,
        case_id: UUID,
        agreement_id: str,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record a default on an agreement."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.default_agreement(agreement_id, reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def receive_payment(
        self,
        case_id: UUID,
        *,
        amount: Money,
        received_on: date,
        reference: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record a payment and allocate it to instalments."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.receive_payment(
                amount=amount,
                received_on=received_on,
                reference=reference,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )

    # --- cases: collaboration ---------------------------------------------------------------------------

    def assign_task(
        self,
        case_id: UUID,
        *,
        department: Department,
        title: str,
        actor: Actor,
        due_at: datetime | None = None,
        assignee: str = "",
        task_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Give a department a task; returns its id."""
        task_id = task_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.assign_task(
                task_id=task_id,
                department=department,
                title=title,
                due_at=due_at,
                assignee=assignee,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return task_id

    def complete_task(
        self,
        case_id: UUID,
        task_id: str,
        actor: Actor,
        outcome: str = "",
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Mark a task done."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.complete_task(task_id, outcome, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def start_legal_action(
        self,
        case_id: UUID,
        *,
        kind: LegalActionKind,
        actor: Actor,
        summary: str = "",
        action_id: str | None = None,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> str:
        """Start a legal measure; returns its id."""
        action_id = action_id or new_id()
        self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.start_legal_action(
                action_id=action_id,
                kind=kind,
                summary=summary,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )
        return action_id

    def record_signal(
        self,
        case_id: UUID,
        *,
        source: SignalSource,
        summary: str,
        severity: Severity,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record an outside signal about the enterprise."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.record_signal(
                source=source,
                summary=summary,
                severity=severity,
                act=Act.of(actor, occurred_at, now),
            ),
            expected_version,
        )

    def add_note(
        self,
        case_id: UUID,
        text: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Add a note."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.add_note(text, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def raise_dispute(
        self,
        case_id: UUID,
        reason: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record that the enterprise disputes the debt."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.raise_dispute(reason, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    def resolve_dispute(
        self,
        case_id: UUID,
        outcome: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Record that a dispute was settled."""
        return self._change(
            CollectionCase,
            case_id,
            lambda c, now: c.resolve_dispute(outcome, act=Act.of(actor, occurred_at, now)),
            expected_version,
        )

    # --- queries ------------------------------------------------------------------------------------------

    def get_case(self, case_id: UUID) -> CollectionCase:
        """The case now."""
        return self._load(CollectionCase, case_id)

    def case_id_for(self, loan_id: str) -> UUID:
        """The id of the case for a loan."""
        return derive_case_id(loan_id)

    def case_at_version(self, case_id: UUID, version: int) -> CollectionCase:
        """The case as it stood after its ``version``-th event."""
        if version < 1:
            raise NotFoundError("versions start at 1")
        case = self._load(CollectionCase, case_id, version=version)
        if case.version != version:
            raise NotFoundError(f"case {case_id} has no version {version}; it is at {case.version}")
        return case

    def case_as_of(self, case_id: UUID, as_of: datetime) -> CollectionCase:
        """The case as the bank knew it at ``as_of`` (events recorded by then)."""
        if as_of.tzinfo is None:
            raise NotFoundError("as_of must carry a time zone offset")
        version = 0
        for event in self.case_events(case_id):
            if event.timestamp > as_of:
                break
            version = event.originator_version
        if version == 0:
            raise NotFoundError(f"case {case_id} did not exist at {as_of.isoformat()}")
        return self.case_at_version(case_id, version)

    def case_events(self, case_id: UUID) -> list[CaseEvent | CaseOpened]:
        """Every event of a case, in order."""
        events = list(self.events.get(case_id))
        if not events or not isinstance(events[0], CaseOpened):
            raise NotFoundError(f"no CollectionCase {case_id}")
        return events  # type: ignore[return-value]

    def replay(self, events: list[Any]) -> CollectionCase:
        """Fold events into a case (used by auditors to check a history)."""
        case = project_aggregate(None, events)
        if not isinstance(case, CollectionCase):
            raise NotFoundError("the events do not make a case")
        return case
