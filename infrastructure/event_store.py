"""The event store: eventsourcing's ``Application`` with arrears' overrides, each for a measured reason.

Nothing here decides anything; it records and retrieves aggregates' events. The unit of work
(``infrastructure.unit_of_work``) is the only thing that loads, changes and saves aggregates through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import Mapper, Notification, Recording, Transcoder

from domain.base import Aggregate, AggregateSnapshot
from infrastructure.async_insert import Queued
from infrastructure.snapshotting import PendingSnapshots, due, snapshots_with_events
from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper


def apply_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Fold events into an aggregate.

    eventsourcing's ``project_aggregate`` checks each event against a runtime Protocol first, which
    costs more than applying the event (a cold load of a 100-event case spent most of its time there).
    """
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class EventStore(Application[UUID]):
    """Events and snapshots of every aggregate, on SQLite or PostgreSQL (as the environment says)."""

    name = "Arrears"
    is_snapshotting_enabled = True
    snapshot_class = AggregateSnapshot

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        snapshotted: Iterable[type[Aggregate]] = (),
        snapshot_interval: int = 100,
        async_inserts: bool = False,
    ) -> None:
        super().__init__(env)
        #: whether ``save_async`` hands inserts to the recorder's insert thread (where it has one)
        self.async_inserts = async_inserts
        # per instance, because the interval is a setting
        self.snapshotting_intervals = dict.fromkeys(snapshotted, snapshot_interval)  # type: ignore[misc]
        self.snapshotting_projectors = dict.fromkeys(self.snapshotting_intervals, apply_events)  # type: ignore[misc]

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates' pending events (``Application.save``'s steps, on the hot path), and the snapshots due.

        eventsourcing's ``ProcessingEvent.collect_events`` tells events from aggregates with runtime
        Protocol checks that cost more than the rest of a command's Python; our aggregates are known.
        A snapshot due is taken from the aggregate in memory, not read back (``infrastructure.snapshotting``).
        """
        if kwargs or not all(isinstance(obj, Aggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        snapshots = []
        for aggregate in objs:
            events = aggregate.collect_events()
            processing_event.events.extend(events)
            processing_event.aggregates[aggregate.id] = aggregate
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and due([event.originator_version for event in events], interval):
                snapshots.append(AggregateSnapshot.take(aggregate))  # its state at its last event: see snapshotting
        if not snapshots or self.snapshots is None:
            recordings = self._record(processing_event)
        elif getattr(self.recorder, "writes_snapshots", False):
            stored = [self.mapper.to_stored_event(snapshot) for snapshot in snapshots]
            with snapshots_with_events(PendingSnapshots(self.snapshots.recorder, stored)):
                recordings = self._record(processing_event)
        else:
            recordings = self._record(processing_event)
            self.snapshots.put(snapshots)
        self._notify(recordings)
        return recordings

    @property
    def hands_over_inserts(self) -> bool:
        """True when ``save_async`` awaits its insert on another thread (PostgreSQL); otherwise it saves as ``save``."""
        return self.async_inserts and hasattr(self.recorder, "submit_events")

    async def save_async(
        self, *aggregates: Aggregate, handed_over: Callable[[Queued], None] | None = None
    ) -> list[Recording[UUID]]:
        """``save``, awaiting the insert while the event loop goes on (``infrastructure.async_insert``).

        Only the insert waits off the loop; a save with a snapshot due (one in ``snapshot_interval`` events) is
        ``save`` itself, as is every save on a store that does not hand inserts over (SQLite). ``handed_over`` is
        given the insert's future as soon as the insert is queued.
        """
        submit = getattr(self.recorder, "submit_events", None) if self.async_inserts else None
        if submit is None or any(self._snapshot_due(aggregate) for aggregate in aggregates):
            return self.save(*aggregates)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for aggregate in aggregates:
            processing_event.events.extend(aggregate.collect_events())
            processing_event.aggregates[aggregate.id] = aggregate
        domain_events = processing_event.events
        stored_events = [self.mapper.to_stored_event(event) for event in domain_events]
        inserted = submit(stored_events)
        if handed_over is not None:
            handed_over(inserted)
        ids = await inserted.inserted()
        recordings = [
            Recording(
                event,
                Notification(
                    originator_id=stored.originator_id,
                    originator_version=stored.originator_version,
                    topic=stored.topic,
                    state=stored.state,
                    id=notification_id,
                ),
            )
            for event, stored, notification_id in zip(domain_events, stored_events, ids, strict=True)
        ]
        if self.repository.cache and not self.repository.fastforward:
            for aggregate_id, saved in processing_event.aggregates.items():
                self.repository.cache.put(aggregate_id, saved)
        self._notify(recordings)
        return recordings

    def _snapshot_due(self, aggregate: Aggregate) -> bool:
        interval = self.snapshotting_intervals.get(type(aggregate))
        return interval is not None and due([event.originator_version for event in aggregate.pending_events], interval)

    def construct_mapper(self) -> Mapper[UUID]:
        """Typed pydantic events through orjson (a bare orjson transcoder reloads dates as strings)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    def construct_transcoder(self) -> Transcoder:
        """orjson; pydantic restores the types."""
        return OrjsonTranscoder()
