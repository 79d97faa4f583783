"""View text that may name people, kept under the event store's cipher when ``ARREARS_CIPHER_KEY`` is set.

The timeline's one-line summaries quote who was called, written to or visited, and contact persons' names; the
events holding them are encrypted, so the view stores those lines encrypted too (AES-GCM, the events' own cipher)
and the read model opens them. Without a key the text is stored as it is.
"""

from __future__ import annotations

import base64
from typing import Any

#: the mark of an encrypted value (a plain summary never starts with it: they start with a word)
SEALED = "aes:"


class SealedText:
    """Seal and open view text with the event store's cipher (or pass it through when there is none)."""

    def __init__(self, cipher: Any | None = None) -> None:
        self.cipher = cipher

    def seal(self, text: str) -> str:
        """The text as the view stores it."""
        if self.cipher is None:
            return text
        return SEALED + base64.b64encode(self.cipher.encrypt(text.encode())).decode()

    def open(self, stored: str) -> str:
        """The text as readers see it (rows written before the key was set are plain)."""
        if self.cipher is None or not stored.startswith(SEALED):
            return stored
        return str(self.cipher.decrypt(base64.b64decode(stored[len(SEALED) :])).decode())


def store_cipher(events: Any) -> Any | None:
    """The cipher the event store encrypts events with (None when ARREARS_CIPHER_KEY is not set)."""
    return getattr(getattr(events, "mapper", None), "cipher", None)
