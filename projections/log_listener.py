"""Waiting for new events: LISTEN/NOTIFY on PostgreSQL, polling on SQLite (whose recorder has no notifications)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any


def log_listener(
    recorder: Any, poll_seconds: float, stopping: threading.Event
) -> tuple[Callable[[], None], Callable[[], None]]:
    """A function that blocks until new events may have been recorded (at most ``poll_seconds``), and one that
    releases its connection.

    On PostgreSQL it listens for the recorder's NOTIFY on a connection of its own, opened again when it breaks
    (the database restarted): without that, waiting would return at once forever after and the follower spin.
    """
    channel = getattr(recorder, "channel_name", None)
    if channel is None:

        def poll() -> None:
            stopping.wait(poll_seconds)

        return poll, lambda: None
    import psycopg

    pool = recorder.datastore.pool
    options = {**(pool.kwargs or {}), "autocommit": True}
    listening: list[Any] = []

    def close() -> None:
        while listening:
            with suppress(Exception):
                listening.pop().close()

    def wait() -> None:
        try:
            if not listening or listening[0].closed or listening[0].broken:
                close()
                conn = psycopg.connect(pool.conninfo, **options)
                listening.append(conn)
                conn.execute(f'LISTEN "{channel}"')
                return  # the caller catches up with whatever was recorded meanwhile
            for _ in listening[0].notifies(timeout=poll_seconds, stop_after=1):
                break
        except Exception:
            close()
            stopping.wait(poll_seconds)

    return wait, close
