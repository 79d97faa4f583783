"""The composition root: settings → infrastructure → application, once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from application.app import CollectionsApp
from application.scheduler import DeadlineScheduler
from domain.case import CollectionCase
from domain.enterprise import Enterprise
from domain.strategy import StrategyPolicy
from infrastructure.clock import Clock, SystemClock
from infrastructure.environment import eventsourcing_env
from infrastructure.event_store import EventStore
from infrastructure.log_keys import resolve_log_signer, resolve_witness
from infrastructure.replica_reads import ReplicaReads, replica_reads
from infrastructure.scheduling import PeriodicRunner, tick_lock
from infrastructure.settings import Settings
from infrastructure.unit_of_work import UnitOfWork
from infrastructure.view_store import view_store
from projections.catalogue import all_views
from projections.read_model import ReadModel
from projections.runtime import ProjectionRuntime
from projections.sealed_text import store_cipher
from projections.transparency import TransparencyLog


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    clock: Clock
    #: the event log
    store: EventStore
    #: the one entry point for commands, and queries that replay aggregates
    app: CollectionsApp
    #: the projections' runtime (catch_up(), start()/stop() to follow the log, rebuild(), status())
    projections: ProjectionRuntime
    #: the read interface served from the views
    read_model: ReadModel
    #: fires the due deadlines (``tick()``); a runner calls it every ``scheduler_tick_seconds``
    scheduler: DeadlineScheduler
    #: the transparency log: checkpoints (``publish()``), proofs, the witness
    tlog: TransparencyLog

    def checkpoint_runner(self) -> PeriodicRunner | None:
        """What `serve` and `worker` run: publish a checkpoint and have it witnessed every ``checkpoint_seconds``
        (None when that is 0 or the log has no signing key); a witness's alarm is logged and the run goes on."""
        seconds = self.settings.checkpoint_seconds
        if seconds <= 0 or self.tlog.signer is None:
            return None
        return PeriodicRunner(self.tlog.publish, seconds, name="checkpoint")

    #: the views read from a streaming replica (``ARREARS_READ_DATABASE_URL``), or None
    replica: ReplicaReads | None = None

    def close(self) -> None:
        """Stop following the log and release connections."""
        self.projections.stop()
        if self.replica is not None:
            self.replica.close()
        self.store.close()


def catch_up_rebuilt_views(settings: Settings, names: list[str]) -> int:
    """In a process of its own (a rebuild spread over processes): build the process from the same settings and
    replay the named views, which the rebuild has just emptied (``catch_up_rebuilt`` pauses the collector); returns
    events read."""
    container = bootstrap(settings)
    try:
        return container.projections.catch_up_rebuilt(names)
    finally:
        container.close()


def bootstrap(
    settings: Settings | None = None, clock: Clock | None = None, recording_clock: Clock | None = None
) -> Container:
    """Build the application from settings (environment variables by default).

    ``clock`` is what "now" means to decisions (the scheduler's due deadlines, a command's default time); tests
    and ``arrears scheduler tick --now`` move it. ``recording_clock`` stamps the events' recording time (what
    ``known_at`` reads): by default nothing does and each event carries the real time it was made. Only a
    simulation gives one (``arrears demo``, its own clock, into an empty log: ``Simulation.run`` refuses any
    other); no setting, environment variable, CLI option or HTTP field reaches it, so production cannot.
    """
    settings = settings or Settings()
    clock = clock or SystemClock()
    store = EventStore(
        env=eventsourcing_env(settings),
        snapshotted=(CollectionCase, Enterprise, StrategyPolicy),
        snapshot_interval=settings.snapshot_every,
        async_inserts=settings.async_inserts,
    )
    app = CollectionsApp(UnitOfWork(store, clock, recording_clock=recording_clock))
    audit_key = settings.audit_key.get_secret_value().encode() if settings.audit_key is not None else None
    views = view_store(store)
    runtime = ProjectionRuntime(
        store,
        views,
        all_views(audit_key, store_cipher(store)),
        batch_size=settings.projection_batch_size,
        poll_seconds=settings.projection_poll_seconds,
        throttle_seconds=settings.projection_throttle_seconds,
        rebuild_elsewhere=functools.partial(catch_up_rebuilt_views, settings),
        rebuild_processes=settings.rebuild_processes_in_effect,
    )
    replica = None
    if settings.read_database_url:
        replica = replica_reads(
            views,
            settings.read_database_url,
            settings.pool_size,
            settings.db_timeout_seconds,
            settings.replica_wait_seconds,
        )
    signer = resolve_log_signer(settings)
    witness = resolve_witness(settings, signer.verifier) if signer is not None else None
    tlog = TransparencyLog(store, views, signer, witness)
    read_model = ReadModel(views, runtime, store, audit_key, clock, tlog, settings.zone, reads=replica)
    scheduler = DeadlineScheduler(app, read_model, runtime, tick_lock(settings), settings.scheduler_workers)
    return Container(
        settings=settings,
        clock=clock,
        store=store,
        app=app,
        projections=runtime,
        read_model=read_model,
        scheduler=scheduler,
        tlog=tlog,
        replica=replica,
    )
