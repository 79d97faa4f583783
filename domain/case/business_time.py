"""Business time is bounded on a case: nothing it records happened before it was opened (an escalation dated
1901 would set deadlines in 1901 that the next tick fires). The future bound is ``Act.of``'s (``CLOCK_SKEW``).
Payments are bounded by their value date as well (``ArrearsCommands.check_payment_date``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.case.state import CaseEvolution
from domain.errors import BeforeOpeningError, NotFoundError
from domain.rules import local_date


class BusinessTime(CaseEvolution):
    """Every event triggered on a case carries an ``occurred_at`` no earlier than the case's opening."""

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        """Refuse an event dated before the case was opened (the whole command records nothing)."""
        occurred = kwargs.get("occurred_at")
        if isinstance(occurred, datetime) and occurred < self.opened_at:
            raise BeforeOpeningError(
                f"occurred_at {occurred.isoformat()} is before the case was opened ({self.opened_at.isoformat()})"
            )
        super().trigger_event(event_class, **kwargs)

    def check_existed_on(self, day: date) -> None:
        """NotFoundError for a day before the case was opened (a figure "as of" it is about no case)."""
        opened_on = local_date(self.opened_at, self.timezone)
        if day < opened_on:
            raise NotFoundError(f"case {self.id} was opened on {opened_on}; it did not exist on {day}")
