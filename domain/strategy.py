"""The tiered strategy policy (DESIGN.md §3): versioned, published as events, default v1 from the seed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel, Field, model_validator

from domain.act import Act
from domain.base import Actor, Aggregate, Role, ValueObject, applies
from domain.cadence import ContactCadence, SignalResponse, default_signal_responses, derived_cadence
from domain.case import CollectionCase
from domain.case.values import Channel, Department, Tier
from domain.contact_policy import ContactRules
from domain.errors import InvariantError, PermissionDeniedError
from domain.judgement import JudgementTerms
from domain.risk import RiskThresholds
from domain.risk_v2 import ScorecardTerms
from domain.rules import check_not_blank

#: roles that may publish a new policy version
PUBLISHERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
#: the one policy store's id
POLICY_ID = uuid5(NAMESPACE_URL, "arrears:strategy-policy")


class DeadlineRule(ValueObject):
    """A deadline a treatment sets: kind, how many days after assignment, and the action on expiry."""

    kind: str
    due_in_days: int = Field(ge=1)
    action: str


class TaskRule(ValueObject):
    """A department task a treatment assigns, due some days after assignment."""

    department: Department
    title: str
    due_in_days: int = Field(ge=1)


class Treatment(ValueObject):
    """What a tier gets: the treatment's name, channels, reminder cadence, deadlines and tasks."""

    tier: Tier
    treatment: str
    channels: list[Channel] = Field(min_length=1)
    reminder_every_days: int | None = Field(default=None, ge=1)
    deadlines: list[DeadlineRule] = []
    tasks: list[TaskRule] = []
    #: the contact compliance requires of the tier (None: the one its reminders or deadlines imply)
    cadence: ContactCadence | None = None

    def required_contact(self) -> ContactCadence | None:
        """The contact the tier requires: as stated, else as its reminders or visit/letter deadlines imply."""
        if self.cadence is not None:
            return self.cadence
        return derived_cadence(self.channels, self.reminder_every_days, {d.kind: d.due_in_days for d in self.deadlines})


class SegmentChannels(ValueObject):
    """A segment's own channel order (proposed from the channel-effectiveness view): cases of ``tier`` whose
    enterprise is in ``industry`` (and ``region``, when given) are worked on these channels, first one first."""

    tier: Tier
    industry: str
    region: str = ""
    channels: list[Channel] = Field(min_length=1)
    #: what the order rests on (attempts and outcomes per channel), for the reader of the policy
    evidence: str = ""


class LearningTerms(ValueObject):
    """How much evidence a learned channel order needs (simulation/learning.py): a segment's attempts, and a
    channel's; a channel under its minimum never outranks one with evidence."""

    min_segment_attempts: int = Field(default=40, ge=1)
    min_channel_attempts: int = Field(default=30, ge=1)


class LegalClockTerms(ValueObject):
    """The limitation period (Civil Code art. 188) and how early legal is warned."""

    limitation_years: int = Field(default=3, ge=1)
    warn_days_before: int = Field(default=90, ge=1)
    #: how many days before a guarantee period lapses legal gets a task (Civil Code arts. 692-693)
    guarantee_warn_days_before: int = Field(default=30, ge=1)


class PolicyTerms(ValueObject):
    """Everything a policy version decides: risk thresholds, treatments, legal clock, contact rules."""

    risk: RiskThresholds = RiskThresholds()
    #: scorecard v2's weights and limits (delinquency floors, stale financials, loan history, registration)
    scorecard: ScorecardTerms = ScorecardTerms()
    treatments: list[Treatment]
    legal_clock: LegalClockTerms = LegalClockTerms()
    contact: ContactRules = ContactRules()
    broken_promise_recontact_days: int = Field(default=1, ge=1)
    installment_grace_days: int = Field(default=5, ge=0)
    #: days after a promise's date before it is judged
    promise_grace_days: int = Field(default=1, ge=0)
    #: missed instalments that default an agreement
    missed_installments_to_default: int = Field(default=2, ge=1)
    #: what a severe outside signal sets off (the first response that matches it)
    signal_responses: list[SignalResponse] = Field(default_factory=default_signal_responses)
    #: channel orders per segment; a case in no segment gets its tier's treatment channels
    segments: list[SegmentChannels] = []
    #: whom escalation judges: the rules that move a tier, a meaningful payment, the residue (domain/judgement.py)
    judgement: JudgementTerms = JudgementTerms()
    learning: LearningTerms = LearningTerms()

    @model_validator(mode="after")
    def _every_tier_once(self) -> PolicyTerms:
        tiers = [t.tier for t in self.treatments]
        if sorted(tiers) != sorted(Tier):
            raise ValueError("a policy has exactly one treatment for each tier (low, medium, high)")
        if self.risk.medium_from >= self.risk.high_from:
            raise ValueError("risk.medium_from must be below risk.high_from")
        return self

    def treatment_for(self, tier: Tier) -> Treatment:
        """The treatment of a tier."""
        return next(t for t in self.treatments if t.tier is tier)

    def channels_for(self, tier: Tier, industry: str = "", region: str = "") -> list[Channel]:
        """The channels a case of ``tier`` in this industry and region is worked on: its segment's order (a
        segment naming the region first), else the tier's treatment channels."""
        matching = [s for s in self.segments if s.tier is tier and s.industry == industry and s.region in ("", region)]
        matching.sort(key=lambda s: s.region == "")
        return list(matching[0].channels) if matching else list(self.treatment_for(tier).channels)


def default_terms() -> PolicyTerms:
    """Policy v1: DESIGN.md's tier table, from the seed."""
    return PolicyTerms(
        treatments=[
            Treatment(
                tier=Tier.LOW,
                treatment="gentle reminders; ask whether the firm needs help; keep the relationship",
                channels=[Channel.PHONE, Channel.SMS, Channel.EMAIL],
                reminder_every_days=3,
                deadlines=[
                    DeadlineRule(kind="reminder", due_in_days=3, action="remind"),
                    DeadlineRule(kind="payment_or_promise", due_in_days=10, action="escalate:medium"),
                ],
                tasks=[TaskRule(department=Department.CRM, title="Check in on the firm's difficulties", due_in_days=3)],
            ),
            Treatment(
                tier=Tier.MEDIUM,
                treatment="phone and on-site visits; negotiate an extension or instalments; sign an agreement",
                channels=[Channel.PHONE, Channel.VISIT],
                deadlines=[
                    DeadlineRule(kind="visit", due_in_days=7, action="breach:collections"),
                    DeadlineRule(kind="agreement", due_in_days=30, action="escalate:high"),
                ],
                tasks=[
                    TaskRule(department=Department.CREDIT, title="Supply the loan file and history", due_in_days=3),
                    TaskRule(
                        department=Department.COLLECTIONS,
                        title="Schedule an on-site visit (two staff)",
                        due_in_days=7,
                    ),
                ],
            ),
            Treatment(
                tier=Tier.HIGH,
                treatment="visits, lawyer's letter and legal preparation",
                channels=[Channel.VISIT, Channel.LETTER, Channel.PHONE],
                deadlines=[
                    DeadlineRule(kind="lawyers_letter", due_in_days=3, action="breach:legal"),
                    DeadlineRule(kind="agreement_or_payment", due_in_days=18, action="legal_action"),
                ],
                tasks=[
                    TaskRule(department=Department.LEGAL, title="Draft the lawyer's letter", due_in_days=3),
                    TaskRule(
                        department=Department.LEGAL,
                        title="Prepare litigation or asset preservation",
                        due_in_days=18,
                    ),
                ],
            ),
        ]
    )


class PolicyPublished(Aggregate.Event):
    """A new version of the strategy policy now governs new assessments."""

    version: int
    terms: PolicyTerms
    note: str = ""
    actor: Actor
    occurred_at: datetime


class PolicyStoreOpened(Aggregate.Created):
    """The policy store came into being (its first version follows as ``PolicyPublished``)."""

    actor: Actor
    occurred_at: datetime


class PolicyFields:
    """The policy store's state fields, declared once: the aggregate carries them, ``PolicyState`` keeps them."""

    versions: dict[int, PolicyTerms] = {}
    current_version: int = 0


class PolicyState(BaseModel, PolicyFields):
    """The policy store's state, as snapshots keep it."""


class StrategyPolicy(Aggregate, PolicyFields):
    """Every published version of the strategy policy; the newest governs."""

    state_model: ClassVar[type[BaseModel]] = PolicyState

    @classmethod
    def create(cls, terms: PolicyTerms, *, act: Act, note: str = "default policy v1") -> StrategyPolicy:
        """Open the policy store and publish version 1."""
        policy = cls._create(PolicyStoreOpened, id=POLICY_ID, **act.attribution())
        policy.trigger_event(PolicyPublished, version=1, terms=terms, note=note, **act.attribution())
        return policy

    def publish(self, terms: PolicyTerms, note: str, *, act: Act) -> int:
        """Publish a new version (supervisors and admins only); returns its number."""
        if act.actor.role not in PUBLISHERS:
            raise PermissionDeniedError(f"a {act.actor.role} cannot publish strategy policy")
        check_not_blank(note, "note")
        if self.current_version and terms == self.current:
            raise InvariantError(f"the terms are those of version {self.current_version} already")
        version = self.current_version + 1
        self.trigger_event(PolicyPublished, version=version, terms=terms, note=note, **act.attribution())
        return version

    @property
    def current(self) -> PolicyTerms:
        """The terms of the governing version."""
        return self.versions[self.current_version]

    @applies
    def _(self, event: PolicyStoreOpened) -> None:
        self.restore(PolicyState())

    @applies
    def _(self, event: PolicyPublished) -> None:
        self.versions[event.version] = event.terms
        self.current_version = event.version


def due(assigned_at: datetime, days: int) -> datetime:
    """The moment ``days`` after assignment."""
    return assigned_at + timedelta(days=days)


def apply_treatment(
    case: CollectionCase,
    policy_version: int,
    treatment: Treatment,
    *,
    act: Act,
    force: bool = False,
    channels: list[Channel] | None = None,
) -> bool:
    """Put the case under a treatment: StrategyAssigned, its deadlines and department tasks; False if already
    so (``force``: apply it anyway, as an escalation does). A tier set by escalation is never lowered here.
    ``channels``: the segment's own order (``PolicyTerms.channels_for``) instead of the treatment's. While an
    agreement is in good standing (or nothing is overdue) the deadlines that escalate or start legal action, and
    the legal department's preparation of litigation, are suspended: not set; while legal proceedings are pending,
    legal action is not prepared again."""
    if not force and case.tier is treatment.tier and case.policy_version == policy_version:
        return False
    lowering = case.tier is not None and treatment.tier.rank < case.tier.rank
    if not force and case.escalated_to is not None and lowering:
        return False
    case.assign_strategy(
        policy_version=policy_version,
        tier=treatment.tier,
        treatment=treatment.treatment,
        channels=channels or treatment.channels,
        act=act,
    )
    case.cancel_open_deadlines(
        f"superseded by the {treatment.tier} strategy of policy v{policy_version}",
        act=act,
        which=lambda d: d.deadline_id.startswith("strategy-"),
    )
    stamp = case.version
    suspended = case.agreement_in_good_standing() or not case.overdue_amount.is_positive()
    in_court = bool(case.pending_proceedings())  # legal action already started: not prepared again
    for rule in treatment.deadlines:
        if (suspended and judges_debtor(rule.action)) or (in_court and rule.action == "legal_action"):
            continue
        case.set_deadline(
            deadline_id=f"strategy-{stamp}-{rule.kind}",
            kind=rule.kind,
            due_at=due(act.occurred_at, rule.due_in_days),
            action=rule.action,
            act=act,
        )
    for number, task in enumerate(treatment.tasks, start=1):
        if (suspended or in_court) and task.department is Department.LEGAL and "litigation" in task.title.lower():
            continue
        case.assign_task(
            task_id=f"strategy-{stamp}-task-{number}",
            department=task.department,
            title=task.title,
            due_at=due(act.occurred_at, task.due_in_days),
            assignee="",
            act=act,
        )
    return True


def escalate_case(
    case: CollectionCase,
    to_tier: Tier,
    reason: str,
    policy_version: int,
    terms: PolicyTerms,
    *,
    act: Act,
    deadline_id: str | None = None,
    segment: tuple[str, str] = ("", ""),
    rule: str = "manual",
) -> bool:
    """Escalate and apply the new tier's whole treatment (its deadlines and department tasks) from the policy;
    the old tier's open deadlines are cancelled. False when the case was already at or above the tier.
    ``segment``: the enterprise's industry and region, whose channel order applies; ``rule``: the policy rule
    (domain/judgement.py RULES) the escalation rests on."""
    if not case.escalate(to_tier, reason, act=act, deadline_id=deadline_id, rule=rule):
        return False
    channels = terms.channels_for(to_tier, *segment)
    apply_treatment(case, policy_version, terms.treatment_for(to_tier), act=act, force=True, channels=channels)
    return True


def judges_debtor(action: str) -> bool:
    """A deadline action that moves the debtor's tier or starts legal action (suspended while it performs)."""
    return action.startswith("escalate:") or action == "legal_action"


def next_tier(tier: Tier | None) -> Tier | None:
    """The firmer tier after ``tier`` (None above high)."""
    tiers = list(Tier)
    rank = -1 if tier is None else tier.rank
    return tiers[rank + 1] if rank + 1 < len(tiers) else None
