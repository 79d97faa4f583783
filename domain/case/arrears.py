"""A loan's arrears that move: its schedule, penalty interest recorded by period, and its classification by
the 2023 rules, recomputed as payments, dues and time change them (README "Arrears that move")."""

from __future__ import annotations

from datetime import date

from domain.act import Act
from domain.base import applies
from domain.case.events import (
    DeadlineExpired,
    DelinquencyClassified,
)
from domain.case.ledger_events import (
    CostRecorded,
    LoanAccelerated,
    LoanScheduleRecorded,
    PenaltyAccrued,
    PenaltyAdjusted,
)
from domain.case.ledger_fold import day_of, entry_of
from domain.case.legal import LegalCommands
from domain.case.values import CaseStatus
from domain.classification import (
    ClaimFacts,
    Judgement,
    LoanCategory,
    Restructuring,
    bucket,
    classify_claim,
    next_change_day,
)
from domain.errors import IllegalTransitionError, InvariantError
from domain.legal_clock import at_workday_start
from domain.loan_ledger import (
    LoanDue,
    LoanTerms,
    Position,
    bookings_due,
    effective_on,
    next_review,
    penalty_base,
    position,
)
from domain.money import Money
from domain.rules import local_date

#: the kind (and id prefix) of the deadline that makes the scheduler review a scheduled loan
REVIEW_KIND = "ledger_review"


def check_dues(dues: list[LoanDue], outstanding_fen: int) -> None:
    """Dues are numbered 1..n, each owes something, and their principal is the outstanding principal."""
    if not dues:
        raise InvariantError("a schedule has at least one due")
    if sorted(d.number for d in dues) != list(range(1, len(dues) + 1)):
        raise InvariantError("dues are numbered 1, 2, ... without gaps or repeats")
    if any(d.total_fen <= 0 for d in dues):
        raise InvariantError("each due owes principal or interest")
    total = sum(d.principal_fen for d in dues)
    if total != outstanding_fen:
        raise InvariantError(
            f"the dues' principal ({Money.of(total)}) must equal the outstanding principal "
            f"({Money.of(outstanding_fen)})"
        )


class ArrearsCommands(LegalCommands):
    """The loan's own schedule, its penalty interest, costs and acceleration, and its classification."""

    @applies
    def _(self, event: LoanScheduleRecorded) -> None:
        self.dues = list(event.dues)
        self.terms = event.terms
        self._refresh(local_date(event.occurred_at, self.timezone))

    @applies
    def _(self, event: PenaltyAccrued | PenaltyAdjusted | CostRecorded | LoanAccelerated) -> None:
        self.loan_dues()
        entry = entry_of(event, self.timezone)
        assert entry is not None
        self.ledger.append(entry)
        if isinstance(event, PenaltyAccrued):
            self.accrued_through = event.period_end
        elif isinstance(event, CostRecorded):
            self.cost_ids.append(event.cost_id)
        elif isinstance(event, LoanAccelerated):
            self.accelerated_on = event.on
        self._refresh(day_of(event, self.timezone))

    # --- reading -------------------------------------------------------------------------------

    @property
    def opened_on(self) -> date:
        return local_date(self.opened_at, self.timezone)

    def position_as_of(self, as_of: date) -> Position:
        """The loan's figures at the end of ``as_of``, from the acts whose business day is on or before it (the one
        computation every view reads: domain/loan_ledger.py)."""
        return position(self.loan_dues(), list(self.ledger), as_of, self.terms)

    def payoff_on(self, on: date) -> int:
        """What settles the loan on ``on`` (fen), given every act recorded: the payoff that day, and no more than
        the payoff on the last day an act is dated (a payment dated back before a later one)."""
        last = max([on, *(effective_on(e) for e in self.ledger)])
        return min(self.position_as_of(on).payoff_fen, self.position_as_of(last).payoff_fen)

    def claim_facts(self, as_of: date) -> ClaimFacts:
        """What the classification rules read of this claim as of a day."""
        now = self.position_as_of(as_of)
        live = [b for b in now.balances if b.replaced_by is None]
        fallen = [b for b in live if b.fallen_due(as_of)]
        late = [b for b in fallen if b.due_on is not None and (b.settled_on is None or b.settled_on > b.due_on)]
        cured_on = None
        if late and all(b.settled_on is not None for b in fallen):
            cured_on = max(b.settled_on for b in late if b.settled_on is not None)
        since: tuple[tuple[date, bool], ...] = ()
        scheduled = 0
        scheduled_dates: tuple[date, ...] = ()
        if cured_on is not None:
            after = [b for b in live if b.due_on is not None and b.due_on > cured_on]
            scheduled = len(after)
            scheduled_dates = tuple(sorted(b.due_on for b in after if b.due_on is not None))
            since = tuple(
                (b.due_on, b.settled_on is not None and b.settled_on <= b.due_on)
                for b in sorted(after, key=lambda b: b.due_on or date.max)
                if b.due_on is not None and b.due_on < as_of
            )
        restructuring = None
        if self.restructured_on is not None:
            restructuring = Restructuring(
                signed_on=self.restructured_on,
                category_before=LoanCategory(self.category_before_restructuring or LoanCategory.NORMAL),
                due_dates=tuple(self.restructuring_due_dates),
                missed_on=self.restructuring_missed_on,
            )
        return ClaimFacts(
            as_of=as_of,
            days_past_due=now.days_past_due,
            overdue_fen=now.overdue_fen,
            outstanding_fen=now.outstanding_fen,
            previous=LoanCategory(self.loan_category) if self.loan_category else None,
            cured_on=cured_on,
            dues_since_cure=since,
            scheduled_since_cure=scheduled,
            scheduled_dates_since_cure=scheduled_dates,
            restructuring=restructuring,
        )

    def judge(self, as_of: date) -> Judgement:
        """This claim's category by the 2023 rules as of a day (before the debtor-wide rule)."""
        return classify_claim(self.claim_facts(as_of))

    # --- commands ------------------------------------------------------------------------------

    def check_payment_date(self, received_on: date, designated_dues: list[int]) -> None:
        """A payment's value date is on or after the day the case opened (what was paid before is in the figures
        the case opened with); it may precede the day it is booked (a back-valued receipt: the penalty already
        booked is corrected by an adjustment, ``review_ledger``); a designation names dues of the ledger."""
        if received_on < self.opened_on:
            raise InvariantError(
                f"received_on {received_on} is before the case opened ({self.opened_on}): payments before "
                "opening belong in the figures the case opens with"
            )
        numbers = {b.due.number for b in self.position_as_of(received_on).balances if b.replaced_by is None}
        unknown = sorted(set(designated_dues) - numbers)
        if unknown:
            raise InvariantError(f"the loan has no due {unknown}; its dues are {sorted(numbers)}")

    def record_schedule(self, dues: list[LoanDue], terms: LoanTerms, *, act: Act) -> None:
        """Record the loan's contractual dues and rates (before a cost, an acceleration or an agreement); the
        penalty already booked on the dues it replaces is corrected by the review it triggers (``PenaltyAdjusted``)."""
        self.check_open()
        if self.ledger_has_acts():
            raise IllegalTransitionError(
                "a cost, an acceleration or an agreement is recorded on the ledger; a new schedule now is a "
                "restructuring (sign an agreement)"
            )
        check_dues(dues, sum(d.principal_fen for d in self.loan_dues()))
        self.trigger_event(LoanScheduleRecorded, dues=dues, terms=terms, **act.attribution())
        self.review_ledger(act=act)

    def classify(self, as_of: date, *, act: Act) -> bool:
        """Recompute the category by the 2023 rules; an event only when the bucket or category changes."""
        if self.status is CaseStatus.CLOSED:
            raise IllegalTransitionError("the case is closed")
        judged = self.judge(as_of)
        days = self.position_as_of(as_of).days_past_due
        new_bucket, new_category = bucket(days), str(judged.category)
        if (new_bucket, new_category) == (self.delinquency_bucket, self.loan_category):
            return False
        self.trigger_event(
            DelinquencyClassified,
            as_of=as_of,
            days_past_due=days,
            bucket=new_bucket,
            category=new_category,
            previous_bucket=self.delinquency_bucket,
            previous_category=self.loan_category,
            rule_ids=list(judged.rule_ids),
            reason=judged.reason,
            **act.attribution(),
        )
        return True

    def accrue_penalty(self, today: date, *, act: Act) -> int:
        """Book the penalty accrued in every calendar month ended before ``today`` (from the first day after a due
        date, before the case opened too) not yet booked, and correct a booked month an act dated back into it
        changed (``PenaltyAdjusted``); how many bookings."""
        terms = self.terms
        if terms is None or terms.penalty_rate == 0:
            return 0
        bookings = bookings_due(self.loan_dues(), list(self.ledger), terms, today)
        for booking in bookings:
            amount = Money.of(booking.amount_fen, self.currency)
            if booking.adjustment:
                self.trigger_event(
                    PenaltyAdjusted,
                    period_start=booking.period_start,
                    period_end=booking.period_end,
                    items=[list(item) for item in booking.items],
                    amount=amount,
                    reason="an act dated back into this month changed its penalty",
                    **act.attribution(),
                )
                continue
            base = penalty_base(self.loan_dues(), list(self.ledger), terms, booking.period_end)
            month = (booking.period_end.year, booking.period_end.month)
            self.trigger_event(
                PenaltyAccrued,
                period_start=booking.period_start,
                period_end=booking.period_end,
                rate=str(terms.penalty_rate),
                day_basis=terms.day_basis,
                compound=terms.compound,
                items=[[n, base.get((n, *month), 0), fen] for n, fen in booking.items],
                amount=amount,
                **act.attribution(),
            )
        return len(bookings)

    def review_ledger(self, *, act: Act, deadline_id: str | None = None) -> None:
        """The scheduler's review (or after a schedule or payment): record the penalty of the months ended,
        reclassify, and set the next review for the next day the figures change by time."""
        today = local_date(act.recorded_at, self.timezone)
        if deadline_id is not None:
            self.check_deadline_due(deadline_id, act)
            self.trigger_event(DeadlineExpired, deadline_id=deadline_id, **act.attribution())
        if self.status is CaseStatus.CLOSED:
            return
        self.accrue_penalty(today, act=act)
        self.classify(today, act=act)
        if self.status is CaseStatus.OPEN:
            self.plan_review(today, act=act)

    def plan_review(self, today: date, *, act: Act) -> None:
        """Set the next review deadline (once per day) unless one is open."""
        if any(d.kind == REVIEW_KIND and d.status == "open" for d in self.deadlines.values()):
            return
        by_figures = next_review(self.loan_dues(), list(self.ledger), today, self.terms)
        by_category = next_change_day(self.claim_facts(today))  # an upgrade day, a band crossing, an observation end
        day = min((d for d in (by_figures, by_category) if d is not None), default=None)
        if day is None:
            return
        deadline_id = f"{REVIEW_KIND}-{day.isoformat()}"
        due_at = at_workday_start(day, self.timezone)
        if deadline_id not in self.deadlines and due_at > act.occurred_at:
            self.set_deadline(deadline_id=deadline_id, kind=REVIEW_KIND, due_at=due_at, action="review_ledger", act=act)
