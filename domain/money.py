"""Money as integer minor units (fen); decimal strings only at the edges. No floats anywhere."""

from __future__ import annotations

import re
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator

DEFAULT_CURRENCY = "CNY"
#: ASCII digits only: ``int()`` would read full-width or Arabic-Indic digits as numbers too
_AMOUNT = re.compile(r"(?P<sign>-)?(?P<units>[0-9]{1,15})(?:\.(?P<cents>[0-9]{1,2}))?")


class MoneyError(ValueError):
    """An amount that is not a valid decimal string, or currencies that do not match."""


class Money(BaseModel):
    """An exact amount: integer fen and an ISO 4217 currency code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fen: int
    currency: str = DEFAULT_CURRENCY

    @model_validator(mode="before")
    @classmethod
    def _reject_floats(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("fen"), float):
            raise MoneyError("amounts are integer fen, never floats")
        return data

    @classmethod
    def parse(cls, text: str, currency: str = DEFAULT_CURRENCY) -> Money:
        """Parse a decimal string such as ``"12500.00"`` or ``"-3.5"`` into exact fen."""
        if not isinstance(text, str):
            raise MoneyError(f"amount must be a decimal string, got {type(text).__name__}")
        match = _AMOUNT.fullmatch(text.strip().replace(",", ""))
        if match is None:
            raise MoneyError(f"{text!r} is not a decimal amount with at most 2 decimal places")
        fen = int(match["units"]) * 100 + int((match["cents"] or "0").ljust(2, "0"))
        return cls(fen=-fen if match["sign"] else fen, currency=_currency(currency))

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        """No money in the given currency."""
        return cls(fen=0, currency=currency)

    @classmethod
    def of(cls, fen: int, currency: str = DEFAULT_CURRENCY) -> Money:
        """Money from integer fen."""
        if not isinstance(fen, int) or isinstance(fen, bool):
            raise MoneyError("fen must be an integer")
        return cls(fen=fen, currency=currency)

    def __str__(self) -> str:
        """The decimal string, e.g. ``"12500.00"``."""
        sign = "-" if self.fen < 0 else ""
        units, cents = divmod(abs(self.fen), 100)
        return f"{sign}{units}.{cents:02d}"

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(fen=self.fen + other.fen, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(fen=self.fen - other.fen, currency=self.currency)

    def __neg__(self) -> Money:
        return Money(fen=-self.fen, currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.fen < other.fen

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.fen <= other.fen

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.fen > other.fen

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.fen >= other.fen

    def is_positive(self) -> bool:
        """True when strictly greater than zero."""
        return self.fen > 0

    def min(self, other: Money) -> Self | Money:
        """The smaller of two amounts in the same currency."""
        self._same(other)
        return self if self.fen <= other.fen else other

    def split(self, weights: list[int]) -> list[Money]:
        """Split exactly by integer weights; rounding remainders go to the last part."""
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise MoneyError("weights must be non-negative and not all zero")
        total = sum(weights)
        parts = [self.fen * w // total for w in weights]
        parts[-1] += self.fen - sum(parts)
        return [Money(fen=p, currency=self.currency) for p in parts]


def _currency(code: str) -> str:
    if not (isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code")
    return code
