"""Typed persistence of pydantic events: exact round trips of datetimes, UUIDs and amounts."""

from __future__ import annotations

from typing import Any, cast

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, ProgrammingError, StoredEvent, Transcoder, Transcoding
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel


class UnreadableEvent(ValueError):
    """A stored event whose bytes cannot be turned back into its event."""

    def __init__(self, originator_id: Any, version: int, topic: str, state: bytes | None, cause: Exception) -> None:
        kind = topic.rpartition(".")[2] or topic
        why = "has no stored state (NULL)" if state is None else f"cannot be read ({type(cause).__name__}: {cause})"
        super().__init__(
            f"event {version} of {originator_id} ({kind}) {why}: the stored event was altered or removed; "
            "`arrears audit verify` names every such event"
        )
        self.originator_id = originator_id
        self.version = version


class OrjsonTranscoder(Transcoder):
    """JSON bytes via orjson; types are restored by the pydantic models, not by the transcoder."""

    def encode(self, obj: Any) -> bytes:
        """Serialise JSON-ready data."""
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        """Parse JSON bytes."""
        return orjson.loads(data)

    def register(self, _: Transcoding) -> None:
        """Pydantic models carry their own types; nothing to register."""
        raise ProgrammingError("use pydantic models for event fields")


class PydanticMapper(Mapper[Any]):
    """Maps pydantic domain events to stored events and back (see eventsourcing's aggregate8)."""

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        """Event → stored bytes (JSON, optionally compressed and encrypted)."""
        state = cast(BaseModel, domain_event).model_dump(mode="json", exclude={"originator_id", "originator_version"})
        stored = self.transcoder.encode(state)
        if self.compressor:
            stored = self.compressor.compress(stored)
        if self.cipher:
            stored = self.cipher.encrypt(stored)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=stored,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        """Stored bytes → typed event, validated by its pydantic model."""
        return self.event_of(
            stored_event.originator_id, stored_event.originator_version, stored_event.topic, stored_event.state
        )

    def event_of(self, originator_id: Any, originator_version: int, topic: str, state: bytes) -> Any:
        """The typed event of a stored event's parts (a log row's, say), validated by its pydantic model.

        Stored bytes that cannot be read (removed, altered, encrypted under another key) raise UnreadableEvent
        naming the event; a topic this process does not know raises eventsourcing's TopicError."""
        cls = resolve_topic(topic)
        try:
            data = self.decode_state(state)
            data["originator_id"] = originator_id
            data["originator_version"] = originator_version
            return cls.model_validate(data)
        except Exception as error:
            raise UnreadableEvent(originator_id, originator_version, topic, state, error) from error

    def decode_state(self, state: bytes) -> dict[str, Any]:
        """The JSON state of a stored event, decrypted and decompressed."""
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        return cast(dict[str, Any], self.transcoder.decode(state))
