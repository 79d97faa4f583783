"""Guarantors of the loan: each guarantee's period (保证期间, Civil Code art. 692), the deadline before it lapses,
and what preserves the creditor's rights against the guarantor within it (art. 693)."""

from __future__ import annotations

from datetime import date, timedelta

from domain.act import Act
from domain.base import applies
from domain.case.legal import LegalCommands
from domain.case.legal_events import GuaranteePreserved, GuaranteeRecorded, GuaranteeReleased, GuarantorLimitationSet
from domain.case.values import Guarantee, GuaranteeType, GuarantorLimitationCause, LegalActionKind
from domain.errors import DuplicateError, IllegalTransitionError, InvariantError, NotFoundError
from domain.legal_clock import (
    GUARANTOR_AFTER_EXPIRY,
    GUARANTOR_ARTICLES,
    GUARANTOR_CONSENT,
    GUARANTOR_STARTS,
    SUIT_OR_ARBITRATION,
    at_workday_start,
    guarantee_period_ends,
    limitation_ends,
    warning_day,
)
from domain.rules import check_not_blank, local_date

#: art. 693 (1) general guarantee: suit or arbitration against the debtor within the period; (2) joint: a demand
#: to the guarantor within the period
PRESERVES = {
    GuaranteeType.GENERAL: "Civil Code art. 693(1): suit or arbitration against the debtor within the period",
    GuaranteeType.JOINT: "Civil Code art. 693(2): the creditor demanded the guarantor's performance within the period",
}


def lapse_deadline_id(guarantee_id: str) -> str:
    """The id of the deadline that warns before a guarantee period lapses."""
    return f"guarantee-lapse-{guarantee_id}"


def guarantor_warning_prefix(guarantee_id: str) -> str:
    """The start of the ids of the deadlines that warn before a guarantor's limitation period ends."""
    return f"guarantor-limitation-{guarantee_id}-"


def end_deadline_id(guarantee_id: str) -> str:
    """The id of the deadline at the end of a guarantee period (the guarantor is released if nothing preserved it)."""
    return f"guarantee-end-{guarantee_id}"


class GuaranteeCommands(LegalCommands):
    """Recording a guarantee, preserving it in time, and releasing the guarantor when its period passed."""

    def record_guarantee(
        self,
        *,
        guarantee_id: str,
        guarantor: str,
        guarantee_type: GuaranteeType,
        principal_due_on: date,
        agreed_ends_on: date | None,
        warn_days: int,
        act: Act,
    ) -> date:
        """Record a guarantee with its period (agreed, else six months from the principal debt's end) and set the
        deadlines: a warning ``warn_days`` before it lapses (legal gets a task) and its end (the guarantor is
        released unless preserved). Answers the period's last day."""
        self.check_open()
        check_not_blank(guarantee_id, "guarantee_id")
        check_not_blank(guarantor, "guarantor")
        if warn_days < 1:
            raise InvariantError("warn_days is at least one day")
        if guarantee_id in self.guarantees:
            raise DuplicateError(f"guarantee {guarantee_id!r} already recorded")
        if any(g.guarantor == guarantor.strip() for g in self.guarantees.values()):
            raise DuplicateError(f"{guarantor.strip()!r} already guarantees this loan")
        ends_on, basis = guarantee_period_ends(principal_due_on, agreed_ends_on)
        self.trigger_event(
            GuaranteeRecorded,
            guarantee_id=guarantee_id,
            guarantor=guarantor.strip(),
            guarantee_type=guarantee_type,
            principal_due_on=principal_due_on,
            agreed_ends_on=agreed_ends_on,
            period_ends_on=ends_on,
            basis=basis,
            warn_days_before=warn_days,
            **act.attribution(),
        )
        end_at = at_workday_start(ends_on + timedelta(days=1), self.timezone)
        if end_at <= act.occurred_at:
            return ends_on  # recorded after the fact: the period has passed; release it by hand if nothing preserved it
        warn_at = at_workday_start(ends_on - timedelta(days=warn_days), self.timezone)
        if warn_at > act.occurred_at:
            self.set_deadline(
                deadline_id=lapse_deadline_id(guarantee_id),
                kind="guarantee_lapse",
                due_at=warn_at,
                action="guarantee_warning",
                met_by=["manual"],
                act=act,
            )
        self.set_deadline(
            deadline_id=end_deadline_id(guarantee_id),
            kind="guarantee_end",
            due_at=end_at,
            action="release_guarantee",
            met_by=["manual"],
            act=act,
        )
        return ends_on

    def check_guarantee(self, guarantee_id: str) -> Guarantee:
        """The guarantee exists."""
        guarantee = self.guarantees.get(guarantee_id)
        if guarantee is None:
            raise NotFoundError(f"no guarantee {guarantee_id!r} on this case")
        return guarantee

    def guarantee_of(self, party: str) -> Guarantee | None:
        """The guarantee the party gives, if it is a guarantor of this loan."""
        return next((g for g in self.guarantees.values() if g.guarantor == party.strip()), None)

    def preserve_guarantee(
        self, guarantee_id: str, *, by: str, on: date, act: Act, by_version: int | None = None, evidence: str = ""
    ) -> bool:
        """The creditor acted within the period (art. 693): the guarantee is preserved and its lapse deadlines are
        met. False when it was already preserved; refused once released or when ``on`` is after the period."""
        guarantee = self.check_guarantee(guarantee_id)
        if guarantee.status == "preserved":
            return False
        if guarantee.status == "released":
            raise IllegalTransitionError(f"the guarantor of {guarantee_id!r} was released when its period ended")
        if on > guarantee.period_ends_on:
            raise IllegalTransitionError(
                f"the guarantee period of {guarantee_id!r} ended on {guarantee.period_ends_on}; too late to preserve it"
            )
        self.trigger_event(
            GuaranteePreserved,
            guarantee_id=guarantee_id,
            by=by,
            by_version=by_version,
            preserved_on=on,
            article=PRESERVES[guarantee.guarantee_type],
            evidence=evidence,
            **act.attribution(),
        )
        preserved = self.version
        for deadline_id in (lapse_deadline_id(guarantee_id), end_deadline_id(guarantee_id)):
            deadline = self.deadlines.get(deadline_id)
            if deadline is not None and deadline.status == "open":
                self.meet_deadline(deadline_id, by="manual", act=act)
        if guarantee.guarantee_type is GuaranteeType.JOINT:
            self.guarantor_limitation(
                guarantee_id, GuarantorLimitationCause.REQUESTED, on=on, act=act, by_version=preserved
            )
        return True

    def guarantor_limitation(
        self,
        guarantee_id: str,
        cause: GuarantorLimitationCause,
        *,
        on: date,
        act: Act,
        by_version: int | None = None,
        evidence: str = "",
    ) -> bool:
        """Start the guarantor's own limitation period (art. 694: a joint guarantee from the request within the
        guarantee period, a general one from the day its right to refuse ended) or interrupt it (art. 195: a demand
        to the guarantor, its payment or promise); it runs ``limitation_years`` from ``on`` with its own warning
        deadline. False for a start of a period that already started, an interruption no later than its last
        (re)start, or a demand after it ended (only the guarantor's agreement to perform then counts, art. 192(2))."""
        guarantee = self.check_guarantee(guarantee_id)
        previous = guarantee.limitation_ends_on
        if cause in GUARANTOR_STARTS:
            wants = GuaranteeType.JOINT if cause is GuarantorLimitationCause.REQUESTED else GuaranteeType.GENERAL
            if guarantee.guarantee_type is not wants:
                raise InvariantError(
                    f"{cause} starts the period of a {wants} guarantee, not a {guarantee.guarantee_type}"
                )
            if guarantee.status != "preserved":
                raise IllegalTransitionError(
                    f"guarantee {guarantee_id!r} was not preserved within its period (art. 693): no limitation runs"
                )
            if previous is not None:
                return False
            article = GUARANTOR_ARTICLES[cause]
        else:
            if guarantee.limitation_starts_on is None or previous is None:
                raise IllegalTransitionError(
                    f"the limitation period against guarantee {guarantee_id!r} has not started"
                )
            if on <= guarantee.limitation_starts_on:
                return False
            if on > previous and cause not in GUARANTOR_CONSENT:
                return False
            article = GUARANTOR_AFTER_EXPIRY if on > previous else GUARANTOR_ARTICLES[cause]
        ends_on = limitation_ends(on, self.limitation_years)
        self.trigger_event(
            GuarantorLimitationSet,
            guarantee_id=guarantee_id,
            cause=cause,
            by_version=by_version,
            starts_on=on,
            ends_on=ends_on,
            previous_ends_on=previous,
            article=article,
            evidence=evidence,
            **act.attribution(),
        )
        prefix = guarantor_warning_prefix(guarantee_id)
        for deadline in list(self.deadlines.values()):
            if deadline.deadline_id.startswith(prefix) and deadline.status == "open":
                self.cancel_deadline(deadline.deadline_id, f"the guarantor's period now ends on {ends_on}", act=act)
        warn_at = at_workday_start(warning_day(ends_on, self.limitation_warn_days), self.timezone)
        deadline_id = f"{prefix}{ends_on.isoformat()}"
        if warn_at > act.occurred_at and deadline_id not in self.deadlines:
            self.set_deadline(
                deadline_id=deadline_id,
                kind="guarantor_limitation_warning",
                due_at=warn_at,
                action="guarantor_limitation_warning",
                met_by=["manual"],
                act=act,
            )
        return True

    def refusal_rights_ended(self, *, on: date, act: Act, by_version: int) -> None:
        """Enforcement against the debtor ended unsatisfied: the preserved general guarantors' right to refuse ends
        (art. 687(2)) and their limitation periods start (art. 694(1))."""
        for guarantee in list(self.guarantees.values()):
            general = guarantee.guarantee_type is GuaranteeType.GENERAL and guarantee.status == "preserved"
            if general and guarantee.limitation_starts_on is None:
                self.guarantor_limitation(
                    guarantee.guarantee_id,
                    GuarantorLimitationCause.REFUSAL_RIGHT_ENDED,
                    on=on,
                    act=act,
                    by_version=by_version,
                )

    @applies
    def _(self, event: GuarantorLimitationSet) -> None:
        self.guarantees[event.guarantee_id] = self.guarantees[event.guarantee_id].model_copy(
            update={"limitation_starts_on": event.starts_on, "limitation_ends_on": event.ends_on}
        )

    def preserve_by_legal_action(self, kind: LegalActionKind, *, act: Act, by_version: int) -> None:
        """Suit or arbitration against the debtor within the period preserves every running general guarantee."""
        if kind not in SUIT_OR_ARBITRATION:
            return
        on = local_date(act.occurred_at, self.timezone)
        for guarantee in list(self.guarantees.values()):
            running = guarantee.status == "running" and on <= guarantee.period_ends_on
            if running and guarantee.guarantee_type is GuaranteeType.GENERAL:
                self.preserve_guarantee(guarantee.guarantee_id, by=str(kind), on=on, act=act, by_version=by_version)

    def release_guarantee(self, guarantee_id: str, *, act: Act, deadline_id: str | None = None) -> bool:
        """The period ended with nothing that preserves it: the guarantor is released (art. 693). With the end
        deadline's id (the scheduler), it fires exactly once. False when it was preserved."""
        if deadline_id is not None:
            self.fire(deadline_id, act=act)
        guarantee = self.check_guarantee(guarantee_id)
        if guarantee.status != "running":
            return False
        if local_date(act.recorded_at, self.timezone) <= guarantee.period_ends_on:
            raise IllegalTransitionError(
                f"the guarantee period of {guarantee_id!r} runs until {guarantee.period_ends_on}"
            )
        self.trigger_event(
            GuaranteeReleased, guarantee_id=guarantee_id, period_ended_on=guarantee.period_ends_on, **act.attribution()
        )
        deadline = self.deadlines.get(lapse_deadline_id(guarantee_id))
        if deadline is not None and deadline.status == "open":
            self.cancel_deadline(deadline.deadline_id, "the guarantee period ended", act=act)
        return True
