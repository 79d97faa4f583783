"""The unified social credit code (GB 32100-2015): 18 characters, the last a check character."""

from __future__ import annotations

from domain.errors import InvariantError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character that completes the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def complete_credit_code(first17: str) -> str:
    """A whole code from its first 17 characters (used by the demo and tests)."""
    return first17 + check_character(first17)


def check_credit_code(code: str) -> None:
    """Raise unless ``code`` is a well-formed unified social credit code."""
    if len(code) != 18:
        raise InvariantError(f"credit_code {code!r} must have 18 characters")
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        raise InvariantError(f"credit_code {code!r} has characters outside the standard: {bad}")
    if check_character(code[:17]) != code[17]:
        raise InvariantError(f"credit_code {code!r} fails its check character")
