"""The limitation period (Civil Code art. 188: 3 years), what interrupts and restarts it (art. 195), a
guarantee's period (arts. 692-693) and the guarantor's own limitation period (art. 694)."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.case.values import (
    Channel,
    ContactOutcome,
    Direction,
    GuarantorLimitationCause,
    LegalActionKind,
    LetterKind,
    LimitationCause,
    ProceedingsOutcome,
    SuspensionCause,
)

DEFAULT_LIMITATION_YEARS = 3
DEFAULT_WARN_DAYS = 90
#: letters that demand performance and so interrupt the period once delivery is evidenced
DEMANDS = frozenset({LetterKind.REMINDER, LetterKind.DEMAND, LetterKind.LAWYERS_LETTER})
#: the data-message channels whose delivered demands interrupt the period
MESSAGE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})
#: legal tasks and warnings fall due at this local time
WORKDAY_START = time(9, 0)


def add_years(start: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def limitation_ends(starts_on: date, years: int = DEFAULT_LIMITATION_YEARS) -> date:
    """The last day of a limitation period that starts on ``starts_on``."""
    return add_years(starts_on, years)


def restarts_limitation(letter_kind: LetterKind, delivery_evidence: str) -> bool:
    """A demand restarts the period only when its delivery is evidenced (signed receipt, delivered message)."""
    return letter_kind in DEMANDS and bool(delivery_evidence.strip())


def message_demand_delivered(channel: Channel, direction: Direction, outcome: ContactOutcome, message_id: str) -> bool:
    """An SMS or email demanding performance reached the debtor (SPC provisions on limitation art. 8(2): a demand
    sent as a data message that reached the other party): outbound, delivered, with its message id as proof."""
    return (
        channel in MESSAGE_CHANNELS
        and direction is Direction.OUTBOUND
        and outcome is ContactOutcome.DELIVERED
        and bool(message_id.strip())
    )


def warning_day(ends_on: date, warn_days: int = DEFAULT_WARN_DAYS) -> date:
    """The day legal must be told the period is ending."""
    return ends_on - timedelta(days=warn_days)


def at_workday_start(day: date, timezone: str) -> datetime:
    """09:00 local time on ``day``, as an aware datetime."""
    return datetime.combine(day, WORKDAY_START, tzinfo=ZoneInfo(timezone))


#: the period and its start (art. 188(1)(2)): three years from the day the right holder knew or should have known
#: of the harm and the obligor (for a loan: the day a due went unpaid)
ART_188 = "Civil Code art. 188: three years from the day the creditor knew its right was harmed"
#: art. 189 (当事人约定同一债务分期履行的 ... 自最后一期履行期限届满之日起计算)
INSTALMENTS = "Civil Code art. 189: a debt performed in instalments, from the last instalment's due date"

#: the article each cause of interruption rests on
ARTICLES: dict[LimitationCause, str] = {
    LimitationCause.DEMAND: "Civil Code art. 195(1): the right holder demands performance of the obligor",
    LimitationCause.PART_PAYMENT: "Civil Code art. 195(2): the obligor agrees to perform (a part payment)",
    LimitationCause.PROMISE: "Civil Code art. 195(2): the obligor agrees to perform (a promise to pay)",
    LimitationCause.AGREEMENT: "Civil Code art. 195(2): the obligor agrees to perform (a repayment agreement)",
    LimitationCause.ACKNOWLEDGEMENT: "Civil Code art. 195(2): the obligor agrees to perform (acknowledged on a "
    "recorded contact; SPC provisions on limitation art. 14)",
    LimitationCause.LITIGATION: "Civil Code art. 195(3): the right holder files suit",
    LimitationCause.ARBITRATION: "Civil Code art. 195(3): the right holder applies for arbitration",
    LimitationCause.OTHER: "Civil Code art. 195(4): another circumstance with the same effect as filing suit",
}
#: the obligor's agreement to perform after the period ended still binds it (art. 192(2))
AFTER_EXPIRY = "Civil Code art. 192(2): the obligor agreed to perform after the period ended; it cannot plead it"
#: the causes that are the obligor's own agreement to perform
DEBTOR_CONSENT = frozenset(
    {LimitationCause.PART_PAYMENT, LimitationCause.PROMISE, LimitationCause.AGREEMENT, LimitationCause.ACKNOWLEDGEMENT}
)

#: legal actions that interrupt the period, and as what
LEGAL_ACTION_CAUSES: dict[LegalActionKind, LimitationCause] = {
    LegalActionKind.LITIGATION: LimitationCause.LITIGATION,
    LegalActionKind.ARBITRATION: LimitationCause.ARBITRATION,
    LegalActionKind.ASSET_PRESERVATION: LimitationCause.OTHER,
    LegalActionKind.PAYMENT_ORDER: LimitationCause.OTHER,
    LegalActionKind.ENFORCEMENT: LimitationCause.OTHER,
    LegalActionKind.BANKRUPTCY_CLAIM: LimitationCause.OTHER,
}
#: legal actions against the debtor that preserve a general guarantee (art. 693(1): suit or arbitration)
SUIT_OR_ARBITRATION = frozenset({LegalActionKind.LITIGATION, LegalActionKind.ARBITRATION})

#: an unagreed guarantee period: six months from the end of the principal debt's performance period (art. 692)
DEFAULT_GUARANTEE_MONTHS = 6
DEFAULT_GUARANTEE_WARN_DAYS = 30


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))


def guarantee_period_ends(principal_due_on: date, agreed_ends_on: date | None) -> tuple[date, str]:
    """The last day of a guarantee period and its basis (Civil Code art. 692): as agreed; an agreed end no
    later than the principal debt's is no agreement; without one, six months after the principal debt's end."""
    if agreed_ends_on is not None and agreed_ends_on > principal_due_on:
        return agreed_ends_on, "Civil Code art. 692(2): the agreed guarantee period"
    ends = add_months(principal_due_on, DEFAULT_GUARANTEE_MONTHS)
    why = "none agreed" if agreed_ends_on is None else "the agreed end is no later than the principal debt's"
    return ends, f"Civil Code art. 692(2): {why}, so six months from the principal debt's end {principal_due_on}"


#: the period to apply for enforcement of an effective judgment, award or mediation statement (申请执行期间)
ENFORCEMENT_YEARS = 2
ENFORCEMENT_ARTICLE = (
    "Civil Procedure Law (2023) art. 250: the period to apply for enforcement is two years, counted from the last "
    "day of the performance period the legal document sets (from its effective date when it sets none); its "
    "suspension and interruption follow the limitation rules"
)
#: the outcomes that leave an enforceable legal document (a judgment, an arbitral award, a mediation statement)
ENFORCEABLE = frozenset({ProceedingsOutcome.JUDGMENT, ProceedingsOutcome.AWARD, ProceedingsOutcome.MEDIATION})

#: art. 194: only an obstacle within the period's last six months suspends it; it ends six months after the obstacle
SUSPENSION_MONTHS = 6
_SUSPENDS = "Civil Code art. 194(1): within the period's last six months the creditor cannot claim because of"
SUSPENSION_ARTICLES: dict[SuspensionCause, str] = {
    SuspensionCause.FORCE_MAJEURE: f"{_SUSPENDS} force majeure (1)",
    SuspensionCause.NO_LEGAL_REPRESENTATIVE: f"{_SUSPENDS} a missing legal representative (2)",
    SuspensionCause.NO_HEIR_OR_ADMINISTRATOR: f"{_SUSPENDS} no heir or estate administrator determined (3)",
    SuspensionCause.CONTROLLED_BY_OBLIGOR: f"{_SUSPENDS} being controlled by the obligor or another person (4)",
    SuspensionCause.OTHER: f"{_SUSPENDS} another obstacle (5)",
}
SUSPENSION_ENDED = (
    "Civil Code art. 194(2): the period ends six months after the day the cause of the suspension is removed"
)

#: a suspension of the period by proceedings, and its restart when they end (art. 195: "从中断、有关程序终结时起")
SUSPENDED = "Civil Code art. 195: the period is interrupted by the filing and runs anew from the end of the proceedings"
RESTARTED_AFTER_PROCEEDINGS = "Civil Code art. 195: the period runs anew from the time the proceedings ended"

#: what starts a guarantor's own limitation period (art. 694) and what interrupts it (art. 195)
GUARANTOR_ARTICLES: dict[GuarantorLimitationCause, str] = {
    GuarantorLimitationCause.REQUESTED: "Civil Code art. 694(2): the creditor requested the joint guarantor to bear "
    "liability within the guarantee period; its limitation period runs from that day",
    GuarantorLimitationCause.REFUSAL_RIGHT_ENDED: "Civil Code art. 694(1): the general guarantor's right to refuse "
    "(art. 687(2)) ended after suit or arbitration within the guarantee period; its limitation period runs "
    "from that day",
    GuarantorLimitationCause.DEMAND: "Civil Code art. 195(1): the creditor demanded performance of the guarantor",
    GuarantorLimitationCause.PART_PAYMENT: "Civil Code art. 195(2): the guarantor agreed to perform (a part payment)",
    GuarantorLimitationCause.PROMISE: "Civil Code art. 195(2): the guarantor agreed to perform (a promise to pay)",
}
#: the causes that start a guarantor's period; the others interrupt one that runs
GUARANTOR_STARTS = frozenset({GuarantorLimitationCause.REQUESTED, GuarantorLimitationCause.REFUSAL_RIGHT_ENDED})
#: the causes that are the guarantor's own agreement to perform (they count after its period ended, art. 192(2))
GUARANTOR_CONSENT = frozenset({GuarantorLimitationCause.PART_PAYMENT, GuarantorLimitationCause.PROMISE})
GUARANTOR_AFTER_EXPIRY = (
    "Civil Code art. 192(2): the guarantor agreed to perform after its period ended; it cannot plead it"
)
