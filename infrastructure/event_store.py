"""The event store: eventsourcing's ``Application`` with arrears' overrides, each for a measured reason.

Nothing here decides anything; it records and retrieves aggregates' events. The unit of work
(``infrastructure.unit_of_work``) is the only thing that loads, changes and saves aggregates through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import Mapper, Recording, Transcoder

from domain.base import Aggregate, AggregateSnapshot
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
    ) -> None:
        super().__init__(env)
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

    def construct_mapper(self) -> Mapper[UUID]:
        """Typed pydantic events through orjson (a bare orjson transcoder reloads dates as strings)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    def construct_transcoder(self) -> Transcoder:
        """orjson; pydantic restores the types."""
        return OrjsonTranscoder()
