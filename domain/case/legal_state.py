"""How the legal clock's and the guarantees' events change a case (Civil Code arts. 188, 195, 692-693)."""

from __future__ import annotations

from datetime import date

from domain.base import applies
from domain.case.events import LimitationPeriodSet
from domain.case.legal_events import (
    GuaranteePreserved,
    GuaranteeRecorded,
    GuaranteeReleased,
    LimitationRestarted,
    LimitationSuspensionBegan,
    LimitationSuspensionEnded,
    SignalResponded,
)
from domain.case.values import Guarantee, Proceedings, SuspensionCause
from domain.legal_clock import DEFAULT_LIMITATION_YEARS, DEFAULT_WARN_DAYS


class LegalFields:
    """The limitation period's and the guarantees' part of a case's state, with its defaults (``CaseFields``
    inherits them)."""

    limitation_starts_on: date | None = None
    limitation_ends_on: date | None = None
    limitation_years: int = DEFAULT_LIMITATION_YEARS
    limitation_warn_days: int = DEFAULT_WARN_DAYS
    #: the period the limitation fields describe: ``limitation`` or ``enforcement`` (after an effective judgment)
    limitation_period: str = "limitation"
    #: an art. 194 suspension in force: since when, and its cause (None: the period runs)
    limitation_suspended_from: date | None = None
    limitation_suspension_cause: SuspensionCause | None = None
    limitation_suspension_began_on: date | None = None
    #: the guarantors' guarantees of the loan, by id
    guarantees: dict[str, Guarantee] = {}
    proceedings: dict[str, Proceedings] = {}


class LegalEvolution:
    """The limitation period's and the guarantees' part of a case's state (fields declared in ``CaseFields``)."""

    limitation_starts_on: date | None
    limitation_ends_on: date | None
    limitation_years: int
    limitation_warn_days: int
    limitation_period: str
    limitation_suspended_from: date | None
    limitation_suspension_cause: SuspensionCause | None
    limitation_suspension_began_on: date | None
    guarantees: dict[str, Guarantee]

    @applies
    def _(self, event: LimitationPeriodSet) -> None:
        self.limitation_starts_on = event.starts_on
        self.limitation_ends_on = event.ends_on
        if event.period == "limitation":  # the policy's years; the enforcement period's two are the law's
            self.limitation_years = event.years
        self.limitation_warn_days = event.warn_days_before
        self.limitation_period = event.period
        self.limitation_suspended_from = None  # a restart supersedes a suspension
        self.limitation_suspension_cause = None
        self.limitation_suspension_began_on = None

    @applies
    def _(self, event: LimitationSuspensionBegan) -> None:
        self.limitation_suspended_from = event.effective_from
        self.limitation_suspension_cause = event.cause
        self.limitation_suspension_began_on = event.began_on

    @applies
    def _(self, event: LimitationSuspensionEnded) -> None:
        self.limitation_suspended_from = None
        self.limitation_suspension_cause = None
        self.limitation_suspension_began_on = None
        self.limitation_ends_on = event.ends_on

    @applies
    def _(self, event: LimitationRestarted | SignalResponded) -> None:
        """The events recorded with them (``LimitationPeriodSet``, tasks, deadlines) change the state."""

    @applies
    def _(self, event: GuaranteeRecorded) -> None:
        self.guarantees[event.guarantee_id] = Guarantee(
            guarantee_id=event.guarantee_id,
            guarantor=event.guarantor,
            guarantee_type=event.guarantee_type,
            period_ends_on=event.period_ends_on,
        )

    @applies
    def _(self, event: GuaranteePreserved) -> None:
        self.guarantees[event.guarantee_id] = self.guarantees[event.guarantee_id].model_copy(
            update={"status": "preserved"}
        )

    @applies
    def _(self, event: GuaranteeReleased) -> None:
        self.guarantees[event.guarantee_id] = self.guarantees[event.guarantee_id].model_copy(
            update={"status": "released"}
        )
