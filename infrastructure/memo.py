"""A bounded mapping that forgets the least recently used entries (the unit of work's memos)."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

#: how many entries each memo keeps (the least recently used go first)
MEMO_SIZE = 100_000


class Memo(Generic[T]):
    """A bounded mapping that forgets the least recently used entries (thread-safe enough: one writer per key)."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable) -> T | None:
        """The remembered value, or None."""
        value = self._items.get(key)
        if value is not None:
            with contextlib.suppress(KeyError):
                self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: T) -> None:
        """Remember a value, forgetting the oldest entry beyond the size."""
        self._items[key] = value
        if len(self._items) > self._size:
            with contextlib.suppress(KeyError):
                self._items.popitem(last=False)

    def pop(self, key: Hashable) -> None:
        """Forget one key."""
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
