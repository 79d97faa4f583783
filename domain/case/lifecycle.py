"""A case's lifecycle: opened, assigned, resolved, reopened, closed."""

from __future__ import annotations

from datetime import date
from typing import Self
from uuid import UUID

from domain.act import Act
from domain.case.deadlines import DeadlineCommands
from domain.case.events import CaseClosed, CaseOpened, CaseReopened, CaseResolved, CollectorAssigned
from domain.case.values import CaseStatus, Resolution
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError
from domain.ids import case_id
from domain.money import Money
from domain.rules import (
    DEFAULT_TIMEZONE,
    check_currency,
    check_not_blank,
    check_not_negative,
    check_positive,
    local_date,
)


class LifecycleCommands(DeadlineCommands):
    """Opening a case and moving it through its lifecycle."""

    @classmethod
    def open(
        cls,
        *,
        loan_id: str,
        enterprise_id: UUID,
        principal: Money,
        outstanding: Money,
        overdue_amount: Money,
        overdue_since: date,
        act: Act,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> Self:
        """Open a case for an overdue loan; the case id is derived from the loan id."""
        check_not_blank(loan_id, "loan_id")
        currency = principal.currency
        check_positive(principal, "principal")
        for name, amount in (("outstanding", outstanding), ("overdue_amount", overdue_amount)):
            check_currency(amount, currency, name)
            check_not_negative(amount, name)
        if not outstanding.is_positive():
            raise InvariantError("a case is opened for a loan with something outstanding")
        if outstanding > principal:
            raise InvariantError("outstanding cannot exceed principal")
        if overdue_amount > outstanding:
            raise InvariantError("overdue_amount cannot exceed outstanding")
        if overdue_since > local_date(act.recorded_at, timezone):
            raise InvariantError("overdue_since cannot be in the future")
        return cls._create(
            CaseOpened,
            id=case_id(loan_id),
            loan_id=loan_id.strip(),
            enterprise_id=enterprise_id,
            principal=principal,
            outstanding=outstanding,
            overdue_amount=overdue_amount,
            overdue_since=overdue_since,
            currency=currency,
            timezone=timezone,
            **act.attribution(),
        )

    def assign_collector(self, collector: str, *, act: Act) -> None:
        """Make a collector responsible for the case."""
        self.check_open()
        check_not_blank(collector, "collector")
        if collector == self.collector:
            raise DuplicateError(f"{collector} is already the case's collector")
        self.trigger_event(CollectorAssigned, collector=collector, **act.attribution())

    def resolve(self, resolution: Resolution, remark: str, *, act: Act) -> None:
        """Record how the case ended."""
        self.check_open()
        if resolution is Resolution.PAID_IN_FULL and self.outstanding.is_positive():
            raise IllegalTransitionError(f"{self.outstanding} is still outstanding")
        if resolution is Resolution.CURED and self.overdue_amount.is_positive():
            raise IllegalTransitionError(f"{self.overdue_amount} is still overdue: the case is not cured")
        self.cancel_open_deadlines(f"the case is resolved: {resolution}", act=act)
        self.trigger_event(CaseResolved, resolution=resolution, remark=remark, **act.attribution())

    def reopen(self, reason: str, *, act: Act) -> None:
        """Reopen a resolved case."""
        if self.status is not CaseStatus.RESOLVED:
            raise IllegalTransitionError(f"only a resolved case can be reopened; it is {self.status}")
        check_not_blank(reason, "reason")
        self.trigger_event(CaseReopened, reason=reason, **act.attribution())

    def close(self, reason: str, *, act: Act) -> None:
        """File a resolved case away for good."""
        if self.status is not CaseStatus.RESOLVED:
            raise IllegalTransitionError(f"only a resolved case can be closed; it is {self.status}")
        self.cancel_open_deadlines(f"the case is closed: {reason or 'filed away'}", act=act)
        self.trigger_event(CaseClosed, reason=reason, **act.attribution())
