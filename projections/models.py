"""What the read model answers: the typed pages and rows the HTTP API serves as they are (its response models).

Amounts are decimal strings, times ISO 8601 text, ids strings; field names are DESIGN.md §6's.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ActorOut(BaseModel):
    """Who did something."""

    user_id: str = Field(description="the user (or `system:scheduler`)")
    role: str = Field(description="the role they acted in")

    @classmethod
    def of(cls, user: str | None, role: str | None) -> ActorOut | None:
        """The actor stored as two columns (none without a user; a user without a role is a system one)."""
        return None if user is None else cls(user_id=user, role=role or "system")


class DelinquencyClass(BaseModel):
    """Where days past due put a case."""

    bucket: str = Field(description="days-past-due bucket, e.g. 31-60")
    category: str = Field(description="five-category loan class, e.g. special_mention")
    as_of: str | None = Field(default=None, description="the day it was classified")
    rule_ids: list[str] = Field(
        default=[], description="the 2023 rules that set the category (README 'Classification')"
    )
    reason: str = Field(default="", description="why, in words")


class CaseDeadline(BaseModel):
    """An open deadline of a case."""

    deadline_id: str = Field(description="the deadline")
    kind: str = Field(description="what kind")
    due_at: str | None = Field(description="when it falls due")
    action: str = Field(description="what the scheduler does if it passes unmet")
    met_by: list[str] = Field(description="what meets it (payment, promise, contact, visit, agreement...)")


class NextAction(BaseModel):
    """The next thing a person does on a case: its earliest open deadline a person meets, or open task."""

    what: str = Field(description="what is due, in words: visit, payment or promise, legal task: ...")
    due_at: str = Field(description="when (UTC)")
    label: str = Field(description="as a collector reads it, in the business zone: `visit due 12-08`")
    ref: str = Field(description="the deadline (`deadline:<id>`) or task (`task:<id>`) it is")


class Paged(BaseModel):
    """What every page of a list carries besides its items."""

    total: int = Field(default=0, description="how many items the whole list holds (every page together)")
    limit: int = Field(default=0, description="the page size used")
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page; null on the last")
    next: str | None = Field(default=None, description="the next page's URL (path and query); null on the last")


class CaseProgress(BaseModel):
    """Where a case stands."""

    case_id: str = Field(description="the case id (uuid5 of the loan id)")
    version: int = Field(description="its version (the ETag)")
    status: str = Field(description="open, resolved or closed")
    tier: str | None = Field(default=None, description="low, medium or high; null until assessed")
    outstanding: str = Field(description="what is still owed")
    paid: str = Field(description="paid so far")
    last_contact_at: str | None = Field(default=None, description="the latest contact")
    next_action_due: str | None = Field(default=None, description="the earliest open deadline or task")
    loan_id: str | None = Field(default=None, description="the loan")
    enterprise_id: str | None = Field(default=None, description="the borrower")
    resolution: str | None = Field(default=None, description="how it ended, once resolved")
    score: int | None = Field(default=None, description="the latest risk score")
    collector: str | None = Field(default=None, description="the responsible collector")
    currency: str | None = Field(default=None, description="the case's currency")
    principal: str | None = Field(default=None, description="the loan's principal")
    overdue_amount: str | None = Field(default=None, description="past due now")
    overdue_since: str | None = Field(default=None, description="first day past due")
    opened_at: str | None = Field(default=None, description="when the case was opened")
    contact_counts: dict[str, int] = Field(default_factory=dict, description="contacts logged per channel")
    open_tasks: int | None = Field(default=None, description="tasks not yet done")
    open_deadlines: int | None = Field(default=None, description="deadlines still open")
    disputed: bool | None = Field(default=None, description="whether the debt is disputed")
    days_past_due: int | None = Field(default=None, description="days past due at the last classification")
    classification: DelinquencyClass | None = Field(default=None, description="bucket and five-category class")
    limitation_ends_on: str | None = Field(default=None, description="when the limitation period ends")
    policy_version: int | None = Field(default=None, description="the strategy policy version that governs it")
    deadlines: list[CaseDeadline] = Field(default_factory=list, description="its open deadlines, earliest first")
    firm_name: str | None = Field(default=None, description="the borrower's registered name")
    credit_code: str | None = Field(default=None, description="the borrower's unified social credit code")
    next_action: NextAction | None = Field(default=None, description="the next person's act, named")


class CaseList(Paged):
    """A page of cases."""

    items: list[CaseProgress] = Field(description="the cases on this page")


class TimelineItem(BaseModel):
    """One event of the case, readable."""

    version: int = Field(description="the event's position in the case")
    type: str = Field(description="the event type, e.g. CallLogged")
    occurred_at: str = Field(description="when it happened (business time)")
    recorded_at: str = Field(description="when the store recorded it")
    actor: ActorOut | None = Field(description="who did it")
    summary: str = Field(description="one readable line")
    data: dict[str, Any] = Field(default_factory=dict, description="the event's own fields")


class Timeline(Paged):
    """A page of a case's timeline, in occurred_at order."""

    case_id: str = Field(description="the case")
    items: list[TimelineItem] = Field(description="events on this page")


class AuditItem(BaseModel):
    """One stored event and its link in the hash chain."""

    version: int = Field(description="the event's version")
    type: str = Field(description="the event type")
    recorded_at: str | None = Field(description="when the store recorded it (null for an event kind unknown here)")
    hash: str = Field(description="sha256 over prev_hash and the stored event's bytes")
    prev_hash: str = Field(description="the previous event's hash (64 zeros for the first)")
    position: int = Field(description="the event's position in the whole log")


class AuditHead(BaseModel):
    """The last link of a chain, sealed."""

    version: int = Field(description="the version of the case's last chained event")
    hash: str = Field(description="that event's hash")
    seal: str | None = Field(description="HMAC of the head under ARREARS_AUDIT_KEY (null when no key is set)")


class AuditTrail(BaseModel):
    """A case's hash-chained audit trail."""

    case_id: str = Field(description="the case")
    items: list[AuditItem] = Field(description="every stored event, in version order")
    head: AuditHead | None = Field(description="the chain's sealed head")


class AuditMismatch(BaseModel):
    """An event or link that does not check out."""

    kind: str = Field(
        description="altered, deleted, inserted, reordered, root_mismatch, shrunk, not_in_tree, witness (the "
        "transparency log's tree) or chain_broken, head_mismatch, seal_invalid (the per-case chains)"
    )
    case_id: str = Field(description="the case (or enterprise) whose chain it is")
    version: int | None = Field(description="the event's version")
    detail: str = Field(description="what is wrong, in words")
    position: int | None = Field(default=None, description="the event's log position, when the tree named it")
    leaf_index: int | None = Field(default=None, description="its leaf in the transparency log's tree")


class AuditVerification(BaseModel):
    """The result of recomputing the audit trail from the store."""

    ok: bool = Field(description="true when nothing was altered, removed or inserted")
    problems: list[AuditMismatch] = Field(description="each event that does not check out, and why")
    mismatches: list[AuditMismatch] = Field(description="the same list (the CLI's name for it)")
    checked_events: int = Field(description="stored events recomputed")
    chains: int = Field(description="chains (cases and enterprises) with a head")
    sealed: bool = Field(description="whether heads are sealed (ARREARS_AUDIT_KEY is set)")
    audit_position: int = Field(description="how far the audit view had read the log")
    scope: str = Field(default="log", description="log (every event) or case (one aggregate's events)")
    tree_leaves: int | None = Field(default=None, description="leaves in the transparency log's tree")
    witnessed_size: int | None = Field(
        default=None, description="the size of the newest checkpoint the witness cosigned (None: none yet)"
    )
    witnessed_checkpoint: str | None = Field(
        default=None, description="that checkpoint, as the witness keeps it (signed note with its cosignature)"
    )


class QueueItem(BaseModel):
    """A task in a department's queue."""

    case_id: str = Field(description="the case")
    task_id: str = Field(description="the task")
    department: str = Field(description="the department it was given to")
    title: str = Field(description="what to do")
    due_at: str | None = Field(default=None, description="when it is due")
    assignee: str = Field(default="", description="who in the department")
    status: str = Field(description="open or done")
    assigned_at: str = Field(description="when it was given")
    version: int = Field(description="the case version that assigned it")


class Queue(Paged):
    """A department's open tasks, earliest due first."""

    department: str = Field(description="the department")
    items: list[QueueItem] = Field(description="open tasks")


class WorklistItem(BaseModel):
    """A collector's next action."""

    case_id: str = Field(description="the case")
    kind: str = Field(description="case (its next action due) or task")
    id: str | None = Field(default=None, description="the task id")
    what: str = Field(description="what is due, named and dated in the business zone: `visit due 12-08`")
    due_at: str | None = Field(default=None, description="when")
    loan_id: str | None = Field(default=None, description="the case's loan")
    tier: str | None = Field(default=None, description="the case's tier")
    firm_name: str | None = Field(default=None, description="the borrower")
    days_past_due: int | None = Field(default=None, description="the case's days past due")
    next_action: NextAction | None = Field(default=None, description="the case's next person's act (case items)")


class Worklist(Paged):
    """A collector's next actions, earliest first."""

    collector: str = Field(description="the collector")
    items: list[WorklistItem] = Field(description="next actions")


class OpenDeadline(BaseModel):
    """A deadline not yet met, cancelled or expired (what the scheduler fires)."""

    case_id: str = Field(description="the case")
    deadline_id: str = Field(description="the deadline")
    kind: str = Field(description="what kind of deadline")
    due_at: str = Field(description="when it falls due")
    action: str = Field(description="what happens when it expires")
    status: str = Field(description="open")
    set_version: int = Field(description="the case version that set it")


class EnterpriseSummary(BaseModel):
    """An enterprise as a list shows it."""

    enterprise_id: str = Field(description="the enterprise (uuid5 of its credit code)")
    credit_code: str = Field(description="its unified social credit code")
    name: str = Field(description="its registered name")
    industry: str = Field(description="its industry")
    region: str = Field(description="its region")
    version: int = Field(description="its version")


class EnterpriseList(Paged):
    """A page of enterprises, by name."""

    items: list[EnterpriseSummary] = Field(description="the enterprises on this page")


class UserSummary(BaseModel):
    """Someone the database knows from assignments: a collector given cases, an assignee of tasks, a supervisor
    who assigned."""

    user_id: str = Field(description="the user")
    role: str = Field(description="the role they act in (a task assignee: their department's)")
    open_cases: int = Field(description="open cases assigned to them (collectors)")
    cases: int = Field(description="cases assigned to them, open or not")
    open_tasks: int = Field(description="open tasks assigned to them")
