"""The end of legal proceedings: the limitation period runs anew from it (Civil Code art. 195), and enforcement that
ended unsatisfied ends the general guarantors' right to refuse, so their own periods start (arts. 687(2), 694(1))."""

from __future__ import annotations

from datetime import date

from domain.act import Act
from domain.case.guarantees import GuaranteeCommands
from domain.case.legal_events import LegalProceedingsEnded
from domain.case.values import LegalActionKind, ProceedingsOutcome
from domain.errors import DuplicateError, InvariantError, NotFoundError
from domain.rules import local_date


class ProceedingsCommands(GuaranteeCommands):
    """Recording how a legal action's proceedings ended."""

    def end_proceedings(
        self,
        action_id: str,
        *,
        outcome: ProceedingsOutcome,
        ended_on: date,
        summary: str,
        act: Act,
        performance_due_on: date | None = None,
    ) -> bool:
        """The proceedings of ``action_id`` ended on ``ended_on``: ``LegalProceedingsEnded``, then, when they had
        suspended the period and none other still does, ``LimitationRestarted`` from that day and a new warning.
        Enforcement ended unsatisfied starts the preserved general guarantors' periods. True if the period
        restarted. Refused for an unknown action, proceedings already ended, or a day before they were filed or
        before the case opened."""
        kind = self.legal_actions.get(action_id)
        if kind is None:
            raise NotFoundError(f"no legal action {action_id!r} on this case")
        known = self.proceedings.get(action_id)
        if known is not None and known.ended_on is not None:
            raise DuplicateError(f"the proceedings of {action_id!r} already ended on {known.ended_on}")
        if known is not None and known.filed_on is not None and ended_on < known.filed_on:
            raise InvariantError(f"the proceedings of {action_id!r} were filed on {known.filed_on}, after {ended_on}")
        opened_on = local_date(self.opened_at, self.timezone)
        if ended_on < opened_on:
            raise InvariantError(f"the case opened on {opened_on}, after {ended_on}")
        if performance_due_on is not None and performance_due_on < ended_on:
            raise InvariantError(f"the performance period ends on {performance_due_on}, before {ended_on}")
        self.trigger_event(
            LegalProceedingsEnded,
            action_id=action_id,
            outcome=outcome,
            ended_on=ended_on,
            summary=summary.strip(),
            **act.attribution(),
        )
        ended = self.version
        restarted = self.restart_after_proceedings(
            action_id, act=act, by_version=ended, performance_due_on=performance_due_on
        )
        if kind is LegalActionKind.ENFORCEMENT and outcome is ProceedingsOutcome.ENFORCEMENT_UNSATISFIED:
            self.refusal_rights_ended(on=ended_on, act=act, by_version=ended)
        return restarted
