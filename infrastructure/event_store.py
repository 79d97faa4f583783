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
        """Save aggregates' pending events (``Application.save``'s steps, on the hot path).

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
        """Typed pydantic events through orjson (a bare orjson transcoder reloads dates as strings)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    def construct_transcoder(self) -> Transcoder:
        """orjson; pydantic restores the types."""
        return OrjsonTranscoder()
