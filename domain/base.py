"""Event-sourcing building blocks shared by every aggregate: typed events, snapshots, actors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import (
    Aggregate as BaseAggregate,
)
from eventsourcing.domain import (
    CanInitAggregate,
    CanMutateAggregate,
    CanSnapshotAggregate,
)
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    """The nine roles that may act on a case."""

    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    RISK = "risk"
    CREDIT = "credit"
    LEGAL = "legal"
    CRM = "crm"
    COMPLIANCE = "compliance"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SYSTEM = "system"


class Actor(BaseModel):
    """Who did something: a user and the role they acted in, or a system process."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    role: Role

    @classmethod
    def system(cls, name: str = "scheduler") -> Actor:
        """The actor for automatic commands, e.g. ``system:scheduler``."""
        return cls(user_id=f"system:{name}", role=Role.SYSTEM)

    def __str__(self) -> str:
        return self.user_id if self.role is Role.SYSTEM else f"{self.user_id} ({self.role})"


class ValueObject(BaseModel):
    """An immutable, typed value carried inside events."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainEvent(BaseModel):
    """An immutable, typed fact; pydantic so it serialises exactly (see aggregate8)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Aggregate(BaseAggregate):
    """Base aggregate whose events are pydantic models applied through ``when``."""

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        """Base class of every aggregate event; applies itself through the aggregate's ``when``."""

        def apply(self, aggregate: Any) -> None:
            aggregate.when(self)

    class Created(Event, CanInitAggregate[UUID]):
        """Base class of the events that bring an aggregate into being."""

        originator_topic: str

    #: the pydantic model of the aggregate's own state, used to take and restore snapshots
    state_model: ClassVar[type[BaseModel]]

    def __init__(self) -> None:
        """Aggregate state is set by the created event's ``when`` handler."""

    @singledispatchmethod
    def when(self, event: Event) -> None:
        """Evolve state from an event; subclasses register one handler per event type."""
        raise NotImplementedError(f"{type(self).__name__} cannot apply {type(event).__name__}")

    def restore(self, state: BaseModel) -> None:
        """Take every field of the state model as an attribute (from the created event, or from a snapshot)."""
        for name in type(state).model_fields:
            setattr(self, name, getattr(state, name))

    def state_for_snapshot(self) -> dict[str, Any]:
        """The aggregate's domain state as a plain mapping of the state model's fields."""
        return {name: getattr(self, name) for name in self.state_model.model_fields}


class AggregateSnapshot(DomainEvent, CanSnapshotAggregate[UUID]):
    """A typed snapshot: the aggregate's state model plus its created and modified times."""

    topic: str
    created_on: datetime
    state: dict[str, Any]

    @classmethod
    def take(cls, aggregate: Any) -> Self:
        """Snapshot the aggregate's state as JSON-ready data."""
        state = aggregate.state_model.model_validate(aggregate.state_for_snapshot())
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=aggregate.modified_on,
            topic=get_topic(type(aggregate)),
            created_on=aggregate.created_on,
            state=state.model_dump(mode="json"),
        )

    def mutate(self, _: Any) -> Any:
        """Rebuild the aggregate from the snapshot with fully typed state."""
        cls = resolve_topic(self.topic)
        typed = cls.state_model.model_validate(self.state)
        aggregate = object.__new__(cls)
        aggregate.__base_init__(
            originator_id=self.originator_id,
            originator_version=self.originator_version,
            timestamp=self.created_on,
        )
        aggregate.modified_on = self.timestamp
        aggregate.restore(typed)
        return aggregate


Aggregate.Snapshot = AggregateSnapshot  # type: ignore[assignment]


def applies(handler: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Register ``handler`` as how an aggregate evolves from the event type it is annotated with."""
    registered: Callable[[Any, Any], None] = Aggregate.when.register(handler)  # type: ignore[attr-defined]
    return registered
