"""Value objects and vocabularies of a collection case."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from domain.base import ValueObject
from domain.money import Money


class CaseStatus(StrEnum):
    """Lifecycle of a case: open → resolved → closed (a resolved case may be reopened)."""

    OPEN = "open"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Resolution(StrEnum):
    """How a case ended."""

    PAID_IN_FULL = "paid_in_full"
    RESTRUCTURED = "restructured"
    SETTLED = "settled"
    WRITTEN_OFF = "written_off"
    #: the arrears were paid: the loan is back on its schedule, something is still outstanding
    CURED = "cured"


class Tier(StrEnum):
    """Risk tier, which selects the strategy."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for low, 1 for medium, 2 for high."""
        return list(Tier).index(self)


class Channel(StrEnum):
    """How the bank reached (or tried to reach) the enterprise."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    WEBSITE = "website"
    VISIT = "visit"
    LETTER = "letter"


class Direction(StrEnum):
    """Who started the contact."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class ContactOutcome(StrEnum):
    """What came of a contact attempt."""

    CONNECTED = "connected"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    LEFT_MESSAGE = "left_message"
    DELIVERED = "delivered"
    FAILED = "failed"
    REFUSED = "refused"
    MET = "met"
    NOT_MET = "not_met"

    @property
    def reached_party(self) -> bool:
        """True when a person at the enterprise was actually reached."""
        return self in {ContactOutcome.CONNECTED, ContactOutcome.MET, ContactOutcome.REFUSED}


class LetterKind(StrEnum):
    """Letters escalate in force."""

    REMINDER = "reminder"
    DEMAND = "demand"
    LAWYERS_LETTER = "lawyers_letter"


class Department(StrEnum):
    """Departments that take tasks on a case."""

    CREDIT = "credit"
    RISK = "risk"
    LEGAL = "legal"
    CRM = "crm"
    COLLECTIONS = "collections"


class LegalActionKind(StrEnum):
    """Legal measures the bank can start."""

    LAWYERS_LETTER = "lawyers_letter"
    LITIGATION = "litigation"
    ASSET_PRESERVATION = "asset_preservation"
    ARBITRATION = "arbitration"
    #: applying for a payment order (支付令), enforcement, or declaring the claim in bankruptcy: the same effect
    #: as filing suit on the limitation period (SPC provisions on limitation, art. 11; Civil Code art. 195(4))
    PAYMENT_ORDER = "payment_order"
    ENFORCEMENT = "enforcement"
    BANKRUPTCY_CLAIM = "bankruptcy_claim"


class LimitationCause(StrEnum):
    """What interrupted the limitation period (Civil Code art. 195)."""

    #: (1) the creditor's demand reached the debtor (a delivered letter, or another evidenced demand)
    DEMAND = "demand"
    #: (2) the debtor agreed to perform: a (partial) payment, a promise to pay, a signed repayment agreement
    PART_PAYMENT = "part_payment"
    PROMISE = "promise"
    AGREEMENT = "agreement"
    #: the debtor acknowledged the debt and agreed to perform on a recorded contact (a call, a visit, a reply)
    ACKNOWLEDGEMENT = "acknowledgement"
    #: (3) the creditor filed suit or applied for arbitration
    LITIGATION = "litigation"
    ARBITRATION = "arbitration"
    #: (4) other circumstances with the same effect (payment order, enforcement, bankruptcy claim...)
    OTHER = "other"


class SuspensionCause(StrEnum):
    """The obstacles that suspend the limitation period in its last six months (Civil Code art. 194(1))."""

    #: (1) 不可抗力
    FORCE_MAJEURE = "force_majeure"
    #: (2) a right holder without (full) capacity has no legal representative, or it died or lost capacity or power
    NO_LEGAL_REPRESENTATIVE = "no_legal_representative"
    #: (3) succession opened and no heir or estate administrator is determined
    NO_HEIR_OR_ADMINISTRATOR = "no_heir_or_administrator"
    #: (4) the right holder is controlled by the obligor or another person
    CONTROLLED_BY_OBLIGOR = "controlled_by_obligor"
    #: (5) another obstacle that keeps the right holder from claiming
    OTHER = "other"


class GuaranteeType(StrEnum):
    """The two kinds of suretyship (Civil Code arts. 686-688)."""

    #: 一般保证: the guarantor pays only once the debtor's assets, pursued by suit or arbitration, fall short
    GENERAL = "general"
    #: 连带责任保证: the creditor may demand payment from the guarantor as from the debtor
    JOINT = "joint"


class Guarantee(ValueObject):
    """A guarantor's guarantee of the loan and where its guarantee period (保证期间) stands."""

    guarantee_id: str
    guarantor: str
    guarantee_type: GuaranteeType
    period_ends_on: date
    #: running, preserved (the creditor acted in time, art. 693), released (the period passed without it)
    status: str = "running"
    #: the guarantor's own limitation period (art. 694), once it started: its first and last day
    limitation_starts_on: date | None = None
    limitation_ends_on: date | None = None


class GuarantorLimitationCause(StrEnum):
    """What started or interrupted a guarantor's own limitation period (Civil Code arts. 694, 195)."""

    #: art. 694(2): a joint guarantee preserved by requesting the guarantor to bear liability
    REQUESTED = "requested"
    #: art. 694(1): a general guarantor's right to refuse (先诉抗辩权, art. 687(2)) ended, e.g. enforcement against
    #: the debtor was terminated unsatisfied, the debtor's bankruptcy was accepted, the guarantor waived it in writing
    REFUSAL_RIGHT_ENDED = "refusal_right_ended"
    #: art. 195(1): a demand reached the guarantor
    DEMAND = "demand"
    #: art. 195(2): the guarantor agreed to perform
    PART_PAYMENT = "part_payment"
    PROMISE = "promise"


class ProceedingsOutcome(StrEnum):
    """How legal proceedings (suit, arbitration, a measure with the same effect) ended (Civil Code art. 195)."""

    JUDGMENT = "judgment"
    AWARD = "award"
    MEDIATION = "mediation"
    WITHDRAWN = "withdrawn"
    DISMISSED = "dismissed"
    #: enforcement terminated with the debt unsatisfied (终结本次执行): a general guarantor's right to refuse ends
    ENFORCEMENT_UNSATISFIED = "enforcement_unsatisfied"
    ENFORCEMENT_COMPLETED = "enforcement_completed"
    OTHER = "other"


class Proceedings(ValueObject):
    """Legal proceedings of a legal action: while they are pending and they interrupted the limitation period, it
    does not run; it runs anew from the day they end (Civil Code art. 195)."""

    #: the day they were filed, when the filing interrupted the period (None: it did not)
    filed_on: date | None = None
    ended_on: date | None = None
    outcome: ProceedingsOutcome | None = None


class SignalSource(StrEnum):
    """Where an outside signal about the enterprise came from."""

    NEWS = "news"
    SOCIAL_MEDIA = "social_media"
    COURT = "court"
    REGISTRY = "registry"
    FUND_MOVEMENT = "fund_movement"


class Severity(StrEnum):
    """How much a signal matters."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class PlanKind(StrEnum):
    """Shapes of repayment plan."""

    EQUAL = "equal"
    EXTENSION = "extension"
    MILESTONE = "milestone"
    SEASONAL = "seasonal"
    REVENUE_SHARE = "revenue_share"
    COLLATERAL = "collateral"


class Reason(ValueObject):
    """One readable reason behind an assessment."""

    code: str
    message: str


class Installment(ValueObject):
    """One dated amount of a repayment schedule."""

    due_on: date
    amount: Money
    #: how the amount splits (e.g. by store for a revenue-share plan); empty when it does not
    breakdown: dict[str, Money] = {}


class Allocation(ValueObject):
    """The part of a payment that went to one instalment of an agreement."""

    agreement_id: str
    installment_no: int = Field(ge=1)
    amount: Money


class Deadline(ValueObject):
    """A deadline of the case and what happens when it passes."""

    deadline_id: str
    kind: str
    due_at: datetime
    action: str
    status: str = "open"
    #: what meets it
    met_by: list[str] = []


class Promise(ValueObject):
    """A promise to pay."""

    promise_id: str
    amount: Money
    due_on: date
    status: str = "open"
    #: paid towards it since it was made (payments add up, oldest promise first)
    paid_fen: int = 0


class Plan(ValueObject):
    """A proposed repayment plan."""

    plan_id: str
    kind: PlanKind
    amount: Money
    schedule: list[Installment]


class Agreement(ValueObject):
    """A signed, legally binding repayment agreement and what has been paid against it."""

    agreement_id: str
    plan_id: str
    schedule: list[Installment]
    paid: list[Money]
    missed: list[int] = []
    status: str = "active"

    def unpaid(self, installment_no: int) -> Money:
        """What remains due on instalment ``installment_no`` (1-based)."""
        index = installment_no - 1
        return self.schedule[index].amount - self.paid[index]


class Task(ValueObject):
    """A department's piece of work on the case."""

    task_id: str
    department: Department
    title: str
    due_at: datetime | None = None
    assignee: str = ""
    status: str = "open"


#: what meets a deadline of each kind when it does not say (events stored before deadlines knew)
MET_BY: dict[str, tuple[str, ...]] = {
    #: a meaningful payment or promise (a policy share, domain/judgement.py): a token amount meets nothing
    "payment_or_promise": ("meaningful_payment", "meaningful_promise"),
    "visit": ("visit",),
    #: the medium tier's negotiation window: an agreement, or a meaningful payment or promise, answers it
    "agreement": ("agreement", "meaningful_payment", "meaningful_promise", "arrears_cleared"),
    "lawyers_letter": ("lawyers_letter",),
    "agreement_or_payment": ("agreement", "arrears_cleared", "meaningful_payment"),
    "recontact": ("contact",),
    "promise": ("promise_kept",),
    "installment": ("installment_paid",),
}
#: every fulfilment a deadline may name
FULFILMENTS = frozenset({*(what for kinds in MET_BY.values() for what in kinds), "manual", "payment", "promise"})
