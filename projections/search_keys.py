"""How a case is found: loan ids, firm names and credit codes as search keys, the same for what is stored and what a
person types (prefix and exact matches on them)."""

from __future__ import annotations

import unicodedata

#: the longest search text taken (a loan id, a firm name or a credit code is shorter)
MAX_QUERY = 200


def search_key(text: str | None) -> str:
    """The key a text is stored and searched under: NFKC-normalised (full-width Latin letters and digits become
    ASCII, as a Chinese input method may type them), case-folded (Latin in any case matches), outer spaces dropped.
    Chinese characters are left as they are."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).casefold().strip()
