"""Acts on the loan's ledger besides payments: enforcement costs recorded and the whole loan declared due
(docs/ledger.md "Costs and acceleration")."""

from __future__ import annotations

from datetime import date

from domain.act import Act
from domain.case.arrears import ArrearsCommands
from domain.case.ledger_events import CostRecorded, LoanAccelerated
from domain.case.values import CaseStatus
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError
from domain.money import Money
from domain.rules import check_currency, check_not_blank, check_positive, local_date

#: the kinds of cost of enforcing a claim a case records
COST_KINDS = ("court_fee", "preservation", "enforcement", "lawyer_fee", "notary", "other")


class LoanActs(ArrearsCommands):
    """Costs and acceleration: acts recorded on the loan's ledger."""

    def check_act_day(self, on: date, name: str, act: Act) -> None:
        """An act's day is on or after the case opened and not after the day it is recorded."""
        if on < self.opened_on:
            raise InvariantError(f"{name} {on} is before the case opened ({self.opened_on})")
        if on > local_date(act.recorded_at, self.timezone):
            raise InvariantError(f"{name} {on} cannot be in the future")

    def record_cost(
        self, *, cost_id: str, kind: str, amount: Money, incurred_on: date, description: str, act: Act
    ) -> None:
        """Record a cost of enforcing the claim the debtor owes (art. 561 (一): paid before interest and principal)."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        check_not_blank(cost_id, "cost_id")
        check_not_blank(description, "description")
        if kind not in COST_KINDS:
            raise InvariantError(f"kind {kind!r} is not one of {', '.join(COST_KINDS)}")
        check_currency(amount, self.currency)
        check_positive(amount)
        if cost_id in self.cost_ids:
            raise DuplicateError(f"cost {cost_id!r} is already recorded")
        self.check_act_day(incurred_on, "incurred_on", act)
        self.trigger_event(
            CostRecorded,
            cost_id=cost_id,
            kind=kind,
            incurred_on=incurred_on,
            amount=amount,
            description=description.strip(),
            **act.attribution(),
        )
        self.review_ledger(act=act)

    def accelerate(self, *, on: date, clause: str, reason: str, act: Act) -> None:
        """Declare the whole loan due (宣布提前到期) under the contract's clause: every later due's principal falls
        due on ``on``; from the next day the whole principal bears penalty interest. Once."""
        self.check_open()
        check_not_blank(clause, "clause")
        check_not_blank(reason, "reason")
        if self.accelerated_on is not None:
            raise DuplicateError(f"the loan was already declared due on {self.accelerated_on}")
        self.check_act_day(on, "on", act)
        if not any(b.due_on is None or b.due_on > on for b in self.position_as_of(on).balances if b.unpaid > 0):
            raise IllegalTransitionError(f"every due has fallen due by {on}: nothing to accelerate")
        self.trigger_event(LoanAccelerated, on=on, clause=clause.strip(), reason=reason.strip(), **act.attribution())
        self.review_ledger(act=act)
