"""A case's lifecycle: opened, assigned, resolved, reopened, closed."""

from __future__ import annotations

from datetime import date
from typing import Self
from uuid import UUID

from domain.act import Act
from domain.case.arrears import check_dues
from domain.case.deadlines import DeadlineCommands
from domain.case.events import CaseClosed, CaseOpened, CaseReopened, CaseResolved, CollectorAssigned
from domain.case.values import CaseStatus, Resolution
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError
from domain.ids import case_id
from domain.loan_ledger import LoanDue, LoanTerms, position
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
        overdue_amount: Money | None,
        overdue_since: date | None,
        act: Act,
        timezone: str = DEFAULT_TIMEZONE,
        dues: list[LoanDue] | None = None,
        terms: LoanTerms | None = None,
    ) -> Self:
        """Open a case for an overdue loan; the case id is derived from the loan id. With the loan's dues
        (and rates), the overdue amount and its date follow from them (when given too, they must agree)."""
        check_not_blank(loan_id, "loan_id")
        currency = principal.currency
        check_positive(principal, "principal")
        if dues:
            if terms is None:
                raise InvariantError("a schedule comes with the contract's interest and penalty rates")
            check_dues(dues, outstanding.fen)
            now = position(dues, [], local_date(act.recorded_at, timezone))
            derived = Money.of(now.overdue_fen, currency)
            since = now.overdue_since or min((d.due_on for d in dues if d.due_on), default=None)
            if overdue_amount is not None and overdue_amount != derived:
                raise InvariantError(f"overdue_amount {overdue_amount} disagrees with the dues fallen due ({derived})")
            if overdue_since is not None and now.overdue_since is not None and overdue_since != since:
                raise InvariantError(f"overdue_since {overdue_since} disagrees with the oldest unpaid due ({since})")
            overdue_amount, overdue_since = derived, since or local_date(act.recorded_at, timezone)
        if overdue_amount is None or overdue_since is None:
            raise InvariantError("give overdue_amount and overdue_since, or the loan's dues")
        for name, amount in (("outstanding", outstanding), ("overdue_amount", overdue_amount)):
            check_currency(amount, currency, name)
            check_not_negative(amount, name)
        if not outstanding.is_positive():
            raise InvariantError("a case is opened for a loan with something outstanding")
        if outstanding > principal:
            raise InvariantError("outstanding cannot exceed principal")
        if overdue_amount > outstanding and not dues:
            raise InvariantError("overdue_amount cannot exceed outstanding")
        if overdue_since > local_date(act.recorded_at, timezone) and not dues:
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
            dues=list(dues or []),
            terms=terms,  # with the basic form too: its one due bears penalty at the contract's rate
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
