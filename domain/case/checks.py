"""Guards on a case's documents and schedules, shared by its commands."""

from __future__ import annotations

import itertools
import re

from domain.case.values import Installment
from domain.errors import InvariantError
from domain.money import Money
from domain.rules import check_currency, check_positive

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_sha256(value: str, name: str = "document_sha256") -> None:
    """Documents are fixed by a lower-case hex sha256."""
    if not _SHA256.match(value):
        raise InvariantError(f"{name} must be 64 lower-case hex characters")


def check_schedule(amount: Money, schedule: list[Installment]) -> None:
    """A schedule is non-empty, strictly dated, positive, and sums exactly to its amount."""
    if not schedule:
        raise InvariantError("a schedule needs at least one instalment")
    for number, installment in enumerate(schedule, start=1):
        check_currency(installment.amount, amount.currency, f"instalment {number}")
        check_positive(installment.amount, f"instalment {number}")
    for earlier, later in itertools.pairwise(schedule):
        if later.due_on <= earlier.due_on:
            raise InvariantError("instalment dates must strictly increase")
    total = sum(i.amount.fen for i in schedule)
    if total != amount.fen:
        raise InvariantError(f"schedule sums to {Money.of(total, amount.currency)}, not {amount}")
