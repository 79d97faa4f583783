"""Rows of the log → envelopes: decoded once per batch and shared by every projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.utils import TopicError

from infrastructure.log_reader import LogRow
from infrastructure.transcoding import PydanticMapper
from projections.base import Envelope, utc_text


def envelope(mapper: PydanticMapper, row: LogRow) -> Envelope:
    """A log row (position, originator id, version, topic, state) with its typed event (None for an event kind this
    process does not know)."""
    position, originator_id, version, topic, state = row
    event: Any = None
    error: BaseException | None = None
    raw: dict[str, Any] | None = None
    try:
        event = mapper.event_of(originator_id, version, topic, state)
    except TopicError:
        try:
            raw = mapper.decode_state(state)
        except Exception:
            raw = {}
    except Exception as problem:  # decoding failures surface in the views that need the event
        error = problem
    return Envelope(
        position=position,
        originator_id=originator_id,  # type: ignore[arg-type]
        key=str(originator_id),
        version=version,
        topic=topic,
        state=state,
        event=event,
        decode_error=error,
        raw=raw if isinstance(raw, dict) else None,
        recorded_at=utc_text(event.timestamp) if event is not None else None,
    )


def envelopes(mapper: PydanticMapper, rows: Sequence[LogRow]) -> list[Envelope]:
    """Decode a batch."""
    return [envelope(mapper, row) for row in rows]
