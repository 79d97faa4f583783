from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import Money, MoneyError


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12500.00", 1_250_000), ("0.01", 1), ("3.5", 350), ("-7", -700), ("1,234.56", 123_456), ("0", 0)],
)
def test_parses_decimal_strings_exactly(text: str, fen: int) -> None:
    assert Money.parse(text).fen == fen


@pytest.mark.parametrize("text", ["", "abc", "1.234", "1e5", "NaN", "--1", "1.", ".5", "12 500"])
def test_rejects_what_is_not_a_two_place_decimal(text: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(text)


def test_rejects_floats_and_bad_currencies() -> None:
    with pytest.raises(MoneyError):
        Money.parse(12.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(fen=1.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        Money.parse("1.00", currency="yuan")


def test_arithmetic_refuses_mixed_currencies() -> None:
    with pytest.raises(MoneyError):
        _ = Money.parse("1.00") + Money.parse("1.00", "USD")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatting_round_trips(fen: int) -> None:
    money = Money.of(fen)
    assert Money.parse(str(money)) == money


@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=24).filter(lambda w: sum(w) > 0),
)
def test_split_is_exact_and_remainder_goes_last(fen: int, weights: list[int]) -> None:
    parts = Money.of(fen).split(weights)
    assert sum(p.fen for p in parts) == fen
    total = sum(weights)
    for part, weight in zip(parts[:-1], weights[:-1], strict=True):
        assert part.fen == fen * weight // total
