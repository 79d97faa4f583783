"""The audit trail's hash chain: canonical bytes of a stored event, chained per aggregate, heads sealed by HMAC."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

#: the hash before a chain's first event
GENESIS = "0" * 64


def canonical_bytes(originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The stored event as one unambiguous byte string: length-prefixed id, version and topic, then the state."""
    parts = [str(originator_id).encode(), str(version).encode(), topic.encode()]
    head = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
    return b"arrears-audit-1\x00" + head + state


def chain_hash(prev_hash: str, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """sha256 over the previous link's hash and this event's canonical bytes."""
    digest = hashlib.sha256(bytes.fromhex(prev_hash))
    digest.update(canonical_bytes(originator_id, version, topic, state))
    return digest.hexdigest()


def seal(key: bytes | None, originator_id: str, version: int, head_hash: str) -> str | None:
    """HMAC-SHA256 of a chain head, so only the key's holder can re-forge a chain (None without a key)."""
    if key is None:
        return None
    return hmac.new(key, f"{originator_id}:{version}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def seal_is_valid(key: bytes | None, originator_id: str, version: int, head_hash: str, sealed: str | None) -> bool:
    """True when the head's seal matches (always True when no key is configured)."""
    if key is None:
        return True
    expected = seal(key, originator_id, version, head_hash)
    return sealed is not None and expected is not None and hmac.compare_digest(expected, sealed)
