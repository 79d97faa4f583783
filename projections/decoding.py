"""Stored notifications → envelopes: decoded once per batch and shared by every projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import TopicError

from projections.base import Envelope, utc_text


def envelope(mapper: Mapper[Any], notification: Notification) -> Envelope:
    """The notification with its typed event (None for an event kind this process does not know)."""
    event: Any = None
    error: BaseException | None = None
    raw: dict[str, Any] | None = None
    try:
        event = mapper.to_domain_event(notification)
    except TopicError:
        try:
            raw = mapper.decode_state(notification.state)  # type: ignore[attr-defined]
        except Exception:
            raw = {}
    except Exception as problem:  # decoding failures surface in the views that need the event
        error = problem
    return Envelope(
        position=notification.id,
        originator_id=notification.originator_id,  # type: ignore[arg-type]
        key=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
        event=event,
        decode_error=error,
        raw=raw if isinstance(raw, dict) else None,
        recorded_at=utc_text(event.timestamp) if event is not None else None,
    )


def envelopes(mapper: Mapper[Any], notifications: Sequence[Notification]) -> list[Envelope]:
    """Decode a batch."""
    return [envelope(mapper, n) for n in notifications]
