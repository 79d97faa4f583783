"""Suspension of the limitation period (诉讼时效中止, Civil Code art. 194): an obstacle in the period's last six months
stops it; it ends six months after the obstacle is removed. It applies to the period to apply for enforcement too
(Civil Procedure Law art. 250: the suspension and interruption of that period follow the limitation rules)."""

from __future__ import annotations

from datetime import date

from domain.act import Act
from domain.case.legal import LegalCommands
from domain.case.legal_events import LimitationSuspensionBegan, LimitationSuspensionEnded
from domain.case.values import SuspensionCause
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError
from domain.legal_clock import SUSPENSION_ARTICLES, SUSPENSION_ENDED, SUSPENSION_MONTHS, add_months
from domain.rules import check_not_blank


class SuspensionCommands(LegalCommands):
    """Recording an art. 194 obstacle and its removal."""

    def suspend_limitation_period(self, cause: SuspensionCause, *, began_on: date, evidence: str, act: Act) -> date:
        """The obstacle ``cause`` began on ``began_on``: the period is suspended from then, or from the start of its
        last six months when the obstacle began earlier (art. 194(1): only an obstacle within the last six months
        suspends it); its warning is cancelled. Answers the day the suspension takes effect. Refused when the period
        has not started, does not run (proceedings pending), is already suspended, or ended before the obstacle."""
        self.check_open()
        check_not_blank(evidence, "evidence")
        ends_on = self.limitation_ends_on
        if ends_on is None:
            raise IllegalTransitionError("the limitation period has not started: there is nothing to suspend")
        if self.pending_proceedings():
            raise IllegalTransitionError("the period does not run while the proceedings that interrupted it pend")
        if self.limitation_suspended_from is not None:
            raise DuplicateError(
                f"the period is suspended already since {self.limitation_suspended_from} "
                f"({self.limitation_suspension_cause})"
            )
        if began_on > ends_on:
            raise IllegalTransitionError(f"the period ended on {ends_on}, before the obstacle began on {began_on}")
        effective_from = max(began_on, add_months(ends_on, -SUSPENSION_MONTHS))
        self.trigger_event(
            LimitationSuspensionBegan,
            cause=cause,
            began_on=began_on,
            effective_from=effective_from,
            ends_on=ends_on,
            article=SUSPENSION_ARTICLES[cause],
            evidence=evidence.strip(),
            **act.attribution(),
        )
        self.cancel_limitation_warnings(f"the period is suspended ({cause}) from {effective_from}", act=act)
        return effective_from

    def end_limitation_suspension(self, *, ended_on: date, evidence: str, act: Act) -> date:
        """The obstacle was removed on ``ended_on``: the period ends six months later (art. 194(2)), never earlier
        than it did (an obstacle removed before the last six months began changes nothing), with a new warning.
        Answers the period's new end."""
        self.check_open()
        check_not_blank(evidence, "evidence")
        cause, previous = self.limitation_suspension_cause, self.limitation_ends_on
        if cause is None or previous is None:
            raise IllegalTransitionError("the limitation period is not suspended")
        began_on = self.limitation_suspension_began_on
        if began_on is not None and ended_on < began_on:
            raise InvariantError(f"the obstacle began on {began_on}, after {ended_on}")
        ends_on = max(previous, add_months(ended_on, SUSPENSION_MONTHS))
        self.trigger_event(
            LimitationSuspensionEnded,
            cause=cause,
            ended_on=ended_on,
            ends_on=ends_on,
            previous_ends_on=previous,
            article=SUSPENSION_ENDED,
            evidence=evidence.strip(),
            **act.attribution(),
        )
        self.plan_limitation_warning(ends_on, self.limitation_warn_days, act=act)
        return ends_on
