"""The ``next`` link of a page: the request's own path and query with the page's cursor."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request

from projections.models import Paged
from projections.paging import MAX_LIMIT

P = TypeVar("P", bound=Paged)
#: how every list's paging parameters are described
CURSOR = "the `next_cursor` of the page before (opaque)"
LIMIT = f"page size, at most {MAX_LIMIT}"


def linked(request: Request, page: P) -> P:
    """The page with ``next`` set to the URL (path and query) of the page after it, when there is one."""
    if page.next_cursor is not None:
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        page.next = f"{request.url.path}?{urlencode([*kept, ('cursor', page.next_cursor)])}"
    return page
