"""Writes made under an Idempotency-Key: each commit records, in its own transaction, what the unit of work
handed back, so a retry after a crash finds the write instead of making it again.

The API's middleware opens a ``KeyedWrite`` around a request that carries a key (``keyed``). Every save the
unit of work makes while it is open goes through ``committing``: the event recorder (SQLite and PostgreSQL
alike) writes the key's row with the events, in the same transaction, holding what the unit of work returned
for each save so far (``Changed``, a version, ...). A retry that finds such a row and no stored response (the
server died between the commit and storing the response) runs the request again with the recorded values
handed back in place of those saves (``replayed``): nothing is decided or saved twice, and the route builds
the response the first attempt built.

The record is pickled (the values are the unit of work's own: ids, versions, aggregates) and sealed with an HMAC
under a key derived from ``ARREARS_SECRET_KEY``, which is not in the database: a record someone with only database
access altered or forged is never unpickled; the retry is refused instead (``load`` answers None).
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

#: the table Idempotency-Key rows live in (next to the events)
KEYS_TABLE = "idempotency_keys"

#: one save of the unit of work: what it was (method, aggregate ids) and what it returned
Call = tuple[str, Hashable]
Entry = tuple[Call, Any]


@dataclass(frozen=True)
class KeyRow:
    """What the events' transaction writes into the key's row."""

    user_id: str
    key: str
    request_hash: str
    outcome: bytes


@dataclass
class KeyedWrite:
    """A request made with an Idempotency-Key: its saves so far, and those a first attempt committed."""

    user_id: str
    key: str
    request_hash: str
    #: the key that seals the record (``record_seal``)
    seal: bytes
    #: saves committed by an earlier attempt, handed back in order instead of being made again
    replay: list[Entry] = field(default_factory=list)
    #: saves committed so far (the first attempt's, then this one's)
    recorded: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.recorded = list(self.replay)

    def take(self, call: Call) -> tuple[bool, Any]:
        """(True, what the earlier attempt's save returned) when it made this save; (False, None) otherwise."""
        for index, (made, value) in enumerate(self.replay):
            if made == call:
                del self.replay[index]
                return True, value
        return False, None

    def row(self, call: Call, value: Any) -> KeyRow:
        """The key's row as it stands once this save commits."""
        return KeyRow(self.user_id, self.key, self.request_hash, dump([*self.recorded, (call, value)], self.seal))


def record_seal(secret_key: str) -> bytes:
    """The key records are sealed with, derived from the server's secret key (kept out of the database)."""
    return hashlib.sha256(b"arrears idempotency record\0" + secret_key.encode()).digest()


def dump(entries: list[Entry], seal: bytes) -> bytes:
    """The recorded saves, as stored: an HMAC-SHA256 of the pickled saves, then the saves."""
    data = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    return hmac.digest(seal, data, "sha256") + data


def load(outcome: bytes | None, seal: bytes) -> list[Entry] | None:
    """The recorded saves of a stored row; None when its seal does not verify (the row was altered)."""
    if not outcome:
        return []
    stored = bytes(outcome)
    mac, data = stored[:32], stored[32:]
    if not hmac.compare_digest(mac, hmac.digest(seal, data, "sha256")):
        return None
    entries: list[Entry] = pickle.loads(data)  # sealed by this server: only it could have written these bytes
    return entries


_CURRENT: ContextVar[KeyedWrite | None] = ContextVar("arrears_keyed_write", default=None)
_COMMITTING: ContextVar[KeyRow | None] = ContextVar("arrears_key_row", default=None)


@contextmanager
def keyed(write: KeyedWrite) -> Iterator[KeyedWrite]:
    """Run a request's saves under its Idempotency-Key."""
    token = _CURRENT.set(write)
    try:
        yield write
    finally:
        _CURRENT.reset(token)


def replayed(call: Call) -> tuple[bool, Any]:
    """(True, value) when an earlier attempt of this keyed request made this save; the unit of work returns it."""
    write = _CURRENT.get()
    if write is None or not write.replay:
        return False, None
    return write.take(call)


@contextmanager
def committing(call: Call, value: Any) -> Iterator[None]:
    """Around one save: the recorder writes the key's row in the events' transaction; recorded once it commits."""
    write = _CURRENT.get()
    if write is None:
        yield
        return
    token = _COMMITTING.set(write.row(call, value))
    try:
        yield
    finally:
        _COMMITTING.reset(token)
    write.recorded.append((call, value))


def key_row() -> KeyRow | None:
    """The key's row the events being inserted now must commit with (None: not a keyed write)."""
    return _COMMITTING.get()
