"""Request bodies of the acts on a case that time and people add: deadlines, de-escalation, disputes, legal
action, reopening and closing, visits; the policy's publication."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import ApiModel, Attributed, JsonObject, ShortText, Text, Time
from domain.case.values import FULFILMENTS, LegalActionKind, Tier
from domain.enterprise.values import PartyRole
from domain.strategy import PolicyTerms


class DeadlineIn(Attributed):
    """Set a deadline by hand."""

    kind: ShortText = Field(min_length=1, description="what kind of deadline, e.g. callback")
    due_at: Time = Field(description="when it falls due (after now)")
    action: ShortText = Field(
        min_length=1,
        description="what happens when it passes unmet: escalate:<tier>, notify:<who>, legal_action, remind",
    )
    met_by: list[ShortText] = Field(
        default_factory=list, max_length=10, description=f"what meets it, any of {sorted(FULFILMENTS)}"
    )


class DeadlineCreated(BaseModel):
    """A deadline was set."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the case's new version (also in the ETag header)")
    deadline_id: str = Field(description="the deadline's id")


class ReasonIn(Attributed):
    """An act that needs only its reason."""

    reason: Text = Field(min_length=1, description="why")


class DeescalationIn(Attributed):
    """Lower the case's tier (supervisor or admin; only once nothing is overdue)."""

    to_tier: Tier = Field(description="low or medium (only downwards)")
    reason: Text = Field(min_length=1, description="why")


class DisputeResolutionIn(Attributed):
    """How a dispute was settled."""

    outcome: Text = Field(min_length=1, description="how it was settled")


class LegalActionIn(Attributed):
    """Start a legal measure."""

    kind: LegalActionKind = Field(description="litigation, asset_preservation, arbitration or lawyers_letter")
    summary: Text = Field(default="", description="what was filed, where")


class ClosureIn(Attributed):
    """File a resolved case away."""

    reason: Text = Field(default="", description="why")


class VisitIn(Attributed):
    """Plan an on-site visit within the contact policy (office hours, two staff, a known party)."""

    planned_at: Time = Field(description="when")
    party: ShortText = Field(min_length=1, description="whom to meet (a contact person's name)")
    staff: list[ShortText] = Field(min_length=1, max_length=20, description="who goes (at least two)")
    purpose: Text = Field(default="", description="what for")
    override_reason: Text | None = Field(default=None, description="supervisor only: why the policy may be broken")


class VisitCreated(BaseModel):
    """A visit was planned."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the case's new version (also in the ETag header)")
    visit_id: str = Field(description="the visit's id")


class PolicyIn(ApiModel):
    """A new version of the strategy policy (validated whole: one treatment per tier, ordered thresholds)."""

    terms: JsonObject = Field(
        description="the policy's terms, shaped as `GET /v1/policy` answers them: risk, treatments (one per tier, "
        "with channels, reminder_every_days, deadlines and tasks), legal_clock, contact, "
        "broken_promise_recontact_days, installment_grace_days, promise_grace_days, missed_installments_to_default"
    )
    note: Text = Field(min_length=1, description="what changed and why")


class PolicyOut(BaseModel):
    """A version of the strategy policy."""

    version: int = Field(description="the version")
    current: bool = Field(description="whether it governs new assignments")
    terms: dict[str, Any] = Field(description="its terms (see `POST /v1/policy`)")

    @classmethod
    def of(cls, version: int, current: bool, terms: PolicyTerms) -> PolicyOut:
        """A version as the API shows it."""
        return cls(version=version, current=current, terms=terms.model_dump(mode="json"))


class ContactPersonAddIn(Attributed):
    """Add someone at the enterprise the bank may contact."""

    name: ShortText = Field(min_length=1, description="full name")
    role: ShortText = Field(default="", description="position, e.g. CFO")
    party_role: PartyRole = Field(
        default=PartyRole.CONTACT,
        description="legal_representative, finance_contact, contact, guarantor or third_party: the contact rules "
        "that apply (a third party may not be told of the debt; a guarantor only about its own guarantee)",
    )
    phone: ShortText = Field(default="", description="phone number")
    email: ShortText = Field(default="", description="email address")
