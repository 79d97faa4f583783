"""How the case's own events read: opening and resolution, assessment and tiers, deadlines, contacts, commitments,
collaboration."""

from __future__ import annotations

from domain.case.events import (
    AgreementCompleted,
    AgreementDefaulted,
    AgreementSigned,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CollectorAssigned,
    ContactEvent,
    DeadlineCancelled,
    DeadlineExpired,
    DeadlineMet,
    DeadlineSet,
    Deescalated,
    DisputeRaised,
    DisputeResolved,
    Escalated,
    InstallmentMissed,
    LetterSent,
    NoteAdded,
    PromiseBroken,
    PromiseKept,
    PromiseToPayMade,
    RepaymentPlanProposed,
    RiskAssessed,
    SignalRecorded,
    StrategyAssigned,
    TaskAssigned,
    TaskCompleted,
    VisitScheduled,
)
from domain.case.judgement_events import ResidueWaived, ServiceBreachRecorded, TierReviewed
from domain.case.legal_events import SignalResponded
from domain.narration.dispatch import describe


@describe.register
def _(e: CaseOpened) -> str:
    return f"case opened for loan {e.loan_id}: {e.overdue_amount} {e.currency} overdue since {e.overdue_since}"


@describe.register
def _(e: CollectorAssigned) -> str:
    return f"assigned to collector {e.collector}"


@describe.register
def _(e: CaseResolved) -> str:
    return f"resolved: {e.resolution}" + (f" ({e.remark})" if e.remark else "")


@describe.register
def _(e: CaseReopened) -> str:
    return f"reopened: {e.reason}"


@describe.register
def _(e: CaseClosed) -> str:
    return "closed" + (f": {e.reason}" if e.reason else "")


@describe.register
def _(e: RiskAssessed) -> str:
    reasons = "; ".join(r.message for r in e.reasons[:3])
    return f"risk assessed {e.tier} (score {e.score}, model {e.model_version})" + (f": {reasons}" if reasons else "")


@describe.register
def _(e: StrategyAssigned) -> str:
    return f"strategy v{e.policy_version} for {e.tier} risk: {e.treatment} via {', '.join(e.channels)}"


@describe.register
def _(e: Escalated) -> str:
    fired = f" (deadline {e.deadline_id})" if e.deadline_id else ""
    rule = f" [rule {e.rule}]" if e.rule else ""
    return f"escalated {e.from_tier or 'unrated'} → {e.to_tier}{rule}: {e.reason}{fired}"


@describe.register
def _(e: Deescalated) -> str:
    rule = f" [rule {e.rule}]" if e.rule else ""
    return f"de-escalated {e.from_tier or 'unrated'} → {e.to_tier}{rule}: {e.reason}"


@describe.register
def _(e: TierReviewed) -> str:
    moved = f"moves to {e.tier} [rule {e.rule}]" if e.rule else f"stays {e.tier}"
    return f"tier reviewed ({e.trigger}): assessed {e.assessed_tier} (score {e.score}), {e.days_past_due} dpd; {moved}"


@describe.register
def _(e: ServiceBreachRecorded) -> str:
    return f"service breach ({e.responsible}): {e.summary}; the debtor's tier is unchanged"


@describe.register
def _(e: ResidueWaived) -> str:
    return f"residue of {e.amount} waived (threshold {e.threshold}), approved by {e.approved_by}: {e.reason}"


@describe.register
def _(e: DeadlineSet) -> str:
    met_by = f", met by {' or '.join(e.met_by)}" if e.met_by else ""
    return f"deadline {e.deadline_id} ({e.kind}) due {e.due_at.isoformat()}{met_by} (then {e.action})"


@describe.register
def _(e: DeadlineMet) -> str:
    return f"deadline {e.deadline_id} met" + (f" by {e.by}" if e.by else "")


@describe.register
def _(e: DeadlineCancelled) -> str:
    return f"deadline {e.deadline_id} cancelled" + (f": {e.reason}" if e.reason else "")


@describe.register
def _(e: DeadlineExpired) -> str:
    return f"deadline {e.deadline_id} passed unmet"


@describe.register
def _(e: ContactEvent) -> str:
    text = f"{e.channel} {e.direction} to {e.party}: {e.outcome}"
    if isinstance(e, LetterSent):
        text = f"{e.letter_kind} letter to {e.party}: {e.outcome}"
    for label, value in (("", e.summary), ("feedback: ", e.feedback), ("next: ", e.next_step)):
        if value:
            text += f"; {label}{value}"
    if e.party_role:
        text += f" ({e.party_role})"
    proof = [
        f"{label} {value}"
        for label, value in (("recording", e.recording_id), ("message", e.message_id), ("tracking", e.tracking_number))
        if value
    ]
    if proof:
        text += f"; proof: {', '.join(proof)}"
    if e.override_reason:
        text += f" [override of {', '.join(e.overridden_rules) or 'policy'}: {e.override_reason}]"
    if e.breached_rules:
        text += f" [breach of {', '.join(e.breached_rules)}]"
    return text


@describe.register
def _(e: SignalResponded) -> str:
    return f"signal v{e.signal_version} met response {e.rule} of policy v{e.policy_version}: {', '.join(e.actions)}"


@describe.register
def _(e: VisitScheduled) -> str:
    text = f"visit to {e.party} planned for {e.planned_at.isoformat()} by {', '.join(e.staff)}"
    if e.override_reason:
        text += f" [override of {', '.join(e.overridden_rules)}: {e.override_reason}]"
    return text


@describe.register
def _(e: PromiseToPayMade) -> str:
    return f"promised to pay {e.amount} by {e.due_on}"


@describe.register
def _(e: PromiseKept) -> str:
    return f"promise {e.promise_id} kept"


@describe.register
def _(e: PromiseBroken) -> str:
    paid = f" ({e.paid} paid towards it)" if e.paid is not None else ""
    return f"promise {e.promise_id} broken{paid}"


@describe.register
def _(e: RepaymentPlanProposed) -> str:
    return f"{e.kind} plan proposed: {e.amount} in {len(e.schedule)} instalments"


@describe.register
def _(e: AgreementSigned) -> str:
    return f"agreement signed on {e.signed_on} by {', '.join(e.signatories)}"


@describe.register
def _(e: InstallmentMissed) -> str:
    return f"instalment {e.installment_no} of {e.amount_due} due {e.due_on} missed"


@describe.register
def _(e: AgreementDefaulted) -> str:
    return f"agreement defaulted: {e.reason}"


@describe.register
def _(e: AgreementCompleted) -> str:
    return "agreement fully repaid"


@describe.register
def _(e: TaskAssigned) -> str:
    due = f", due {e.due_at.isoformat()}" if e.due_at else ""
    return f"task for {e.department}: {e.title}{due}"


@describe.register
def _(e: TaskCompleted) -> str:
    return f"task {e.task_id} done" + (f": {e.outcome}" if e.outcome else "")


@describe.register
def _(e: SignalRecorded) -> str:
    return f"{e.severity} {e.source} signal: {e.summary}"


@describe.register
def _(e: NoteAdded) -> str:
    return f"note: {e.text}"


@describe.register
def _(e: DisputeRaised) -> str:
    return f"dispute raised: {e.reason}"


@describe.register
def _(e: DisputeResolved) -> str:
    return f"dispute resolved: {e.outcome}"
