"""Repayment plan shapes (DESIGN.md §3), exact to the fen: each returns a dated schedule summing to the amount.

``build_schedule(kind, amount, start_on, parameters)`` is the one entry point; ``parameters`` is the
plain JSON the API receives (dates ISO strings, money decimal strings), validated per kind.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import date
from typing import Any

from pydantic import Field, ValidationError, field_validator

from domain.base import ValueObject
from domain.case.values import Installment, PlanKind
from domain.errors import InvariantError
from domain.money import Money, MoneyError

MAX_INSTALMENTS = 120


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 → Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` by weights so every part is within one unit of its exact share (largest remainder)."""
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise InvariantError("weights must be non-negative and not all zero")
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _schedule(amount: Money, dates: list[date], weights: list[int]) -> list[Installment]:
    """Split exactly by weights (remainder to the last) and refuse zero instalments."""
    if len(dates) > MAX_INSTALMENTS:
        raise InvariantError(f"at most {MAX_INSTALMENTS} instalments")
    parts = amount.split(weights)
    if any(not p.is_positive() for p in parts):
        raise InvariantError(f"{amount} is too small to split into {len(dates)} positive instalments")
    return [Installment(due_on=d, amount=p) for d, p in zip(dates, parts, strict=True)]


def _monthly(start_on: date, count: int, interval_months: int = 1) -> list[date]:
    return [add_months(start_on, n * interval_months) for n in range(count)]


class _Params(ValueObject):
    pass


class EqualParams(_Params):
    """Equal instalments every ``interval_months``."""

    count: int = Field(ge=1, le=MAX_INSTALMENTS)
    interval_months: int = Field(default=1, ge=1, le=12)


class ExtensionParams(_Params):
    """An extension: small instalments, then a balloon carrying ``balloon_share_bp`` of the amount."""

    count: int = Field(ge=2, le=MAX_INSTALMENTS)
    balloon_share_bp: int = Field(default=6000, ge=1, le=9999)
    interval_months: int = Field(default=1, ge=1, le=12)


class MilestoneParams(_Params):
    """Construction: rising shares at project milestones (weights default to 1, 2, 3, ...)."""

    milestones: list[date] = Field(min_length=1, max_length=MAX_INSTALMENTS)
    weights: list[int] | None = None


class SeasonalParams(_Params):
    """Trading: monthly, more in the peak months, less off-season."""

    count: int = Field(ge=2, le=MAX_INSTALMENTS)
    peak_months: list[int] = Field(min_length=1)
    peak_weight: int = Field(default=3, ge=2)
    off_weight: int = Field(default=1, ge=1)

    @field_validator("peak_months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in value) or len(set(value)) == 12:
            raise ValueError("peak_months are 1..12 and leave at least one off-season month")
        return value


class RevenueShareParams(_Params):
    """Restaurant chain: equal monthly instalments, each split by the stores' revenue."""

    count: int = Field(ge=1, le=MAX_INSTALMENTS)
    stores: dict[str, str] = Field(min_length=1)  # store name → revenue (decimal string)


class Realisation(ValueObject):
    """A tranche of pledged inventory and when it is to be sold."""

    due_on: date
    value: str  # decimal string


class CollateralParams(_Params):
    """Textile: instalments from realising pledged inventory, in proportion to each tranche's value."""

    realisations: list[Realisation] = Field(min_length=1, max_length=MAX_INSTALMENTS)


def equal(amount: Money, start_on: date, p: EqualParams) -> list[Installment]:
    """Equal instalments; the rounding remainder goes to the last."""
    return _schedule(amount, _monthly(start_on, p.count, p.interval_months), [1] * p.count)


def extension(amount: Money, start_on: date, p: ExtensionParams) -> list[Installment]:
    """Small equal instalments and a final balloon."""
    weights = [10_000 - p.balloon_share_bp] * (p.count - 1) + [p.balloon_share_bp * (p.count - 1)]
    schedule = _schedule(amount, _monthly(start_on, p.count, p.interval_months), weights)
    if any(i.amount >= schedule[-1].amount for i in schedule[:-1]):
        raise InvariantError("the balloon must be larger than each instalment before it")
    return schedule


def milestone(amount: Money, start_on: date, p: MilestoneParams) -> list[Installment]:
    """Rising shares at milestone dates (each on or after ``start_on``)."""
    weights = p.weights if p.weights is not None else list(range(1, len(p.milestones) + 1))
    if len(weights) != len(p.milestones):
        raise InvariantError("one weight per milestone")
    if any(b <= a for a, b in itertools.pairwise(weights)) or weights[0] < 1:
        raise InvariantError("milestone weights must be positive and strictly rising")
    _check_dates(start_on, p.milestones)
    schedule = _schedule(amount, p.milestones, weights)
    if any(b.amount <= a.amount for a, b in itertools.pairwise(schedule)):
        raise InvariantError(f"{amount} is too small for strictly rising milestone shares")
    return schedule


def seasonal(amount: Money, start_on: date, p: SeasonalParams) -> list[Installment]:
    """Monthly instalments weighted by season."""
    dates = _monthly(start_on, p.count)
    peak = [d.month in p.peak_months for d in dates]
    if all(peak) or not any(peak):
        raise InvariantError("a seasonal plan needs both peak and off-season months in its span")
    schedule = _schedule(amount, dates, [p.peak_weight if is_peak else p.off_weight for is_peak in peak])
    lowest_peak = min(i.amount.fen for i, is_peak in zip(schedule, peak, strict=True) if is_peak)
    highest_off = max(i.amount.fen for i, is_peak in zip(schedule, peak, strict=True) if not is_peak)
    if lowest_peak <= highest_off:
        raise InvariantError(f"{amount} is too small for peak instalments above off-season ones")
    return schedule


def revenue_share(amount: Money, start_on: date, p: RevenueShareParams) -> list[Installment]:
    """Equal instalments, each broken down by store in proportion to revenue (within one fen)."""
    revenues = {name: _money(value, f"stores.{name}", amount.currency) for name, value in p.stores.items()}
    if any(r.fen < 0 for r in revenues.values()) or sum(r.fen for r in revenues.values()) == 0:
        raise InvariantError("store revenues are non-negative and not all zero")
    names = list(revenues)
    weights = [revenues[n].fen for n in names]
    schedule = []
    for installment in equal(amount, start_on, EqualParams(count=p.count)):
        parts = apportion(installment.amount.fen, weights)
        breakdown = {n: Money.of(f, amount.currency) for n, f in zip(names, parts, strict=True)}
        schedule.append(installment.model_copy(update={"breakdown": breakdown}))
    return schedule


def collateral(amount: Money, start_on: date, p: CollateralParams) -> list[Installment]:
    """Instalments from pledged inventory tranches; the pledge must cover the amount."""
    values = [_money(r.value, f"realisations[{n}].value", amount.currency) for n, r in enumerate(p.realisations)]
    if any(not v.is_positive() for v in values):
        raise InvariantError("each tranche of pledged inventory has a positive value")
    if sum(v.fen for v in values) < amount.fen:
        raise InvariantError("the pledged inventory does not cover the plan's amount")
    dates = [r.due_on for r in p.realisations]
    _check_dates(start_on, dates)
    return _schedule(amount, dates, [v.fen for v in values])


def _check_dates(start_on: date, dates: list[date]) -> None:
    if dates[0] < start_on:
        raise InvariantError("the first date is before start_on")
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise InvariantError("dates must strictly increase")


def _money(text: str, name: str, currency: str) -> Money:
    try:
        return Money.parse(text, currency)
    except MoneyError as error:
        raise InvariantError(f"{name}: {error}") from None


_BUILDERS: dict[PlanKind, tuple[type[_Params], Any]] = {
    PlanKind.EQUAL: (EqualParams, equal),
    PlanKind.EXTENSION: (ExtensionParams, extension),
    PlanKind.MILESTONE: (MilestoneParams, milestone),
    PlanKind.SEASONAL: (SeasonalParams, seasonal),
    PlanKind.REVENUE_SHARE: (RevenueShareParams, revenue_share),
    PlanKind.COLLATERAL: (CollateralParams, collateral),
}


def build_schedule(kind: PlanKind, amount: Money, start_on: date, parameters: dict[str, Any]) -> list[Installment]:
    """The dated schedule of a plan of ``kind``; bad parameters raise InvariantError naming the field."""
    if not amount.is_positive():
        raise InvariantError(f"amount must be positive, got {amount}")
    params_class, builder = _BUILDERS[PlanKind(kind)]
    try:
        params = params_class.model_validate(parameters)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise InvariantError(f"{kind} plan parameters: {problems}") from None
    schedule: list[Installment] = builder(amount, start_on, params)
    return schedule


def plan_parameters(kind: PlanKind, parameters: dict[str, Any]) -> dict[str, Any]:
    """The validated parameters as plain JSON, as they are recorded on the event."""
    params_class, _ = _BUILDERS[PlanKind(kind)]
    try:
        return params_class.model_validate(parameters).model_dump(mode="json")
    except ValidationError as error:
        raise InvariantError(f"{kind} plan parameters: {error.errors()[0]['msg']}") from None
