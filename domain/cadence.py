"""What a policy requires besides its deadlines: the contact cadence compliance judges each tier by, and the
response to a severe outside signal. Both are fields of a policy version (``domain/strategy.py``)."""

from __future__ import annotations

from pydantic import Field

from domain.base import ValueObject
from domain.case.values import Channel, LetterKind, Severity, SignalSource


class ContactCadence(ValueObject):
    """The contact a tier's strategy requires: one of ``channels`` (a letter of ``letter_kind``) within
    ``within_days`` of the assignment, once or, ``recurring``, again within that time of each one made."""

    kind: str
    channels: list[Channel] = Field(min_length=1)
    within_days: int = Field(ge=1)
    recurring: bool = False
    letter_kind: LetterKind | None = None


#: channels a reminder goes by
REMINDER_CHANNELS = (Channel.PHONE, Channel.SMS, Channel.EMAIL)


def derived_cadence(
    channels: list[Channel], reminder_every_days: int | None, deadlines: dict[str, int]
) -> ContactCadence | None:
    """The cadence a treatment implies when it states none: a reminder (by its phone, SMS or email channels)
    every ``reminder_every_days``; else a visit within its ``visit`` deadline; else a lawyer's letter within its
    ``lawyers_letter`` deadline; else nothing is required."""
    reminders = [c for c in channels if c in REMINDER_CHANNELS]
    if reminder_every_days is not None and reminders:
        return ContactCadence(kind="reminder", channels=reminders, within_days=reminder_every_days, recurring=True)
    if "visit" in deadlines:
        return ContactCadence(kind="visit", channels=[Channel.VISIT], within_days=deadlines["visit"])
    if "lawyers_letter" in deadlines:
        return ContactCadence(
            kind="lawyers_letter",
            channels=[Channel.LETTER],
            within_days=deadlines["lawyers_letter"],
            letter_kind=LetterKind.LAWYERS_LETTER,
        )
    return None


class SignalResponse(ValueObject):
    """What a signal from ``source`` (any source when None) of at least ``min_severity`` sets off: a task for the
    supervisor, a deadline (met by one of ``deadline_met_by`` within ``deadline_days``, else ``deadline_action``)
    and a re-assessment of the case."""

    name: str
    source: SignalSource | None = None
    min_severity: Severity = Severity.HIGH
    supervisor_task: bool = True
    deadline_days: int | None = Field(default=2, ge=1)
    deadline_action: str = "escalate:high"
    deadline_met_by: list[str] = ["visit", "meaningful_payment"]
    reassess: bool = True

    def matches(self, source: SignalSource, severity: Severity) -> bool:
        """True when a signal of this source and severity calls for this response."""
        ranks = list(Severity)
        return (self.source is None or self.source is source) and ranks.index(severity) >= ranks.index(
            self.min_severity
        )


def default_signal_responses() -> list[SignalResponse]:
    """Funds moved out or a court acting against the enterprise, at high severity: the supervisor is told, a visit
    (or a payment) within two days or the case goes to the high tier, and the case is re-assessed."""
    return [
        SignalResponse(name="fund_movement_high", source=SignalSource.FUND_MOVEMENT),
        SignalResponse(name="court_high", source=SignalSource.COURT),
    ]
