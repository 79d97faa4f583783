"""Paging every list the same way: an opaque cursor (the last item's sort key), a page size with a maximum, and the
list's total."""

from __future__ import annotations

import base64
from typing import Any

import orjson

#: the page size when none is asked
DEFAULT_LIMIT = 50
#: the largest page any list serves (a larger ``limit`` is refused by the API, clamped here)
MAX_LIMIT = 500


class CursorError(ValueError):
    """A paging cursor that this server did not hand out."""


def encode_cursor(*parts: Any) -> str:
    """An opaque paging cursor."""
    return base64.urlsafe_b64encode(orjson.dumps(list(parts))).decode()


def decode_cursor(cursor: str, length: int, *kinds: type) -> list[Any]:
    """The ``length`` parts of a cursor made by encode_cursor, each of its kind in ``kinds`` when given (CursorError
    when it is not one)."""
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        parts = None
    if not isinstance(parts, list) or len(parts) != length:
        raise CursorError("cursor is not one this server handed out")
    typed = zip(parts, kinds, strict=False)
    if kinds and not all(isinstance(part, kind) and type(part) is not bool for part, kind in typed):
        raise CursorError("cursor is not one this server handed out")
    return parts


def page_size(limit: int | None) -> int:
    """The page size to serve: ``limit`` within 1..MAX_LIMIT (DEFAULT_LIMIT when not given)."""
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
