"""The legal clock: interruptions and suspensions of the limitation period recorded by hand, the end of legal
proceedings, and guarantors' guarantees with their own limitation periods."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.deps import Write, writes
from api.permissions import Permission
from api.routes.common import WRITE
from api.schemas.common import CaseWritten, PathId
from api.schemas.legal import (
    GuaranteeCreated,
    GuaranteeIn,
    GuarantorInterruptionIn,
    GuarantorInterruptionOut,
    InterruptionIn,
    InterruptionOut,
    PreservationIn,
    ProceedingsEndIn,
    ProceedingsEndOut,
    SuspensionEndIn,
    SuspensionEndOut,
    SuspensionIn,
    SuspensionOut,
)
from application.commands import (
    EndLimitationSuspension,
    EndProceedings,
    InterruptGuarantorLimitation,
    InterruptLimitation,
    PreserveGuarantee,
    RecordGuarantee,
    SuspendLimitation,
)

router = APIRouter(prefix="/v1/cases", tags=["legal clock"])


@router.post(
    "/{case_id}/limitation-interruptions",
    status_code=status.HTTP_201_CREATED,
    response_model=InterruptionOut,
    responses=WRITE,
    summary="Record an interruption of the limitation period",
)
async def interrupt_limitation(
    case_id: PathId, body: InterruptionIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """Another evidenced demand, or a circumstance with the same effect as filing suit (Civil Code art. 195):
    the period restarts from ``on``. Payments, promises, agreements, delivered demand letters and legal actions
    restart it by themselves."""
    command = InterruptLimitation(cause=body.cause, on=body.on, evidence=body.evidence, **write.on_case(case_id, body))
    outcome = await write.send(command)
    body_out = InterruptionOut(case_id=str(case_id), version=outcome.version, restarted=bool(outcome.result))
    return write.created(body_out, outcome.version)


@router.post(
    "/{case_id}/limitation-suspensions",
    status_code=status.HTTP_201_CREATED,
    response_model=SuspensionOut,
    responses=WRITE,
    summary="Record an obstacle that suspends the limitation period",
)
async def suspend_limitation(
    case_id: PathId, body: SuspensionIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """Force majeure or another obstacle of Civil Code art. 194 in the period's last six months: the period is
    suspended (its warning cancelled) until the obstacle is removed."""
    command = SuspendLimitation(
        cause=body.cause, began_on=body.began_on, evidence=body.evidence, **write.on_case(case_id, body)
    )
    outcome = await write.send(command)
    out = SuspensionOut(case_id=str(case_id), version=outcome.version, effective_from=outcome.result.isoformat())
    return write.created(out, outcome.version)


@router.post(
    "/{case_id}/limitation-suspensions/ending",
    status_code=status.HTTP_201_CREATED,
    response_model=SuspensionEndOut,
    responses=WRITE,
    summary="Record the end of a suspension of the limitation period",
)
async def end_limitation_suspension(
    case_id: PathId, body: SuspensionEndIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """The obstacle was removed: the period ends six months later (art. 194(2)), with a new warning."""
    command = EndLimitationSuspension(ended_on=body.ended_on, evidence=body.evidence, **write.on_case(case_id, body))
    outcome = await write.send(command)
    out = SuspensionEndOut(case_id=str(case_id), version=outcome.version, limitation_ends_on=outcome.result.isoformat())
    return write.created(out, outcome.version)


@router.post(
    "/{case_id}/guarantees",
    status_code=status.HTTP_201_CREATED,
    response_model=GuaranteeCreated,
    responses=WRITE,
    summary="Record a guarantee",
)
async def record_guarantee(
    case_id: PathId, body: GuaranteeIn, write: Annotated[Write, writes(Permission.LEGAL_ACTION)]
) -> Response:
    """A guarantor's guarantee with its period (agreed, else six months from the principal debt's end, Civil
    Code art. 692); legal is warned before it lapses and the guarantor is released when it ends unpreserved."""
    command = RecordGuarantee(
        guarantor=body.guarantor,
        guarantee_type=body.guarantee_type,
        principal_due_on=body.principal_due_on,
        agreed_ends_on=body.agreed_ends_on,
        **write.on_case(case_id, body),
    )
    outcome = await write.send(command)
    created = GuaranteeCreated(case_id=str(case_id), version=outcome.version, guarantee_id=outcome.result)
    return write.created(created, outcome.version)


@router.post(
    "/{case_id}/guarantees/{guarantee_id}/preservation",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseWritten,
    responses=WRITE,
    summary="Record what preserved a guarantee",
)
async def preserve_guarantee(
    case_id: PathId,
    guarantee_id: Annotated[str, Path(max_length=200, description="the guarantee's id")],
    body: PreservationIn,
    write: Annotated[Write, writes(Permission.LEGAL_ACTION)],
) -> Response:
    """A demand to a joint guarantor, or suit or arbitration against a general guarantee's debtor, within the
    period (art. 693); suit and delivered demand letters recorded here preserve by themselves."""
    command = PreserveGuarantee(
        guarantee_id=guarantee_id, by=body.by, evidence=body.evidence, on=body.on, **write.on_case(case_id, body)
    )
    return write.case_written(case_id, await write.send(command))


@router.post(
    "/{case_id}/legal-actions/{action_id}/ending",
    status_code=status.HTTP_201_CREATED,
    response_model=ProceedingsEndOut,
    responses=WRITE,
    summary="Record the end of a legal action's proceedings",
)
async def end_proceedings(
    case_id: PathId,
    action_id: Annotated[str, Path(max_length=200, description="the legal action's id")],
    body: ProceedingsEndIn,
    write: Annotated[Write, writes(Permission.LEGAL_ACTION)],
) -> Response:
    """Suit, arbitration and the measures with the same effect suspend the limitation period while pending; it
    runs anew from the day their proceedings end (Civil Code art. 195), with a new warning."""
    command = EndProceedings(
        action_id=action_id,
        outcome=body.outcome,
        ended_on=body.ended_on,
        summary=body.summary,
        performance_due_on=body.performance_due_on,
        **write.on_case(case_id, body),
    )
    outcome = await write.send(command)
    body_out = ProceedingsEndOut(case_id=str(case_id), version=outcome.version, restarted=bool(outcome.result))
    return write.created(body_out, outcome.version)


@router.post(
    "/{case_id}/guarantees/{guarantee_id}/limitation-interruptions",
    status_code=status.HTTP_201_CREATED,
    response_model=GuarantorInterruptionOut,
    responses=WRITE,
    summary="Start or interrupt a guarantor's limitation period",
)
async def interrupt_guarantor_limitation(
    case_id: PathId,
    guarantee_id: Annotated[str, Path(max_length=200, description="the guarantee's id")],
    body: GuarantorInterruptionIn,
    write: Annotated[Write, writes(Permission.LEGAL_ACTION)],
) -> Response:
    """A general guarantor's right to refuse ended (its period starts, art. 694(1)), or a demand to the guarantor,
    its payment or promise (art. 195): the guarantor's own period runs from ``on``."""
    command = InterruptGuarantorLimitation(
        guarantee_id=guarantee_id, cause=body.cause, on=body.on, evidence=body.evidence, **write.on_case(case_id, body)
    )
    outcome = await write.send(command)
    body_out = GuarantorInterruptionOut(case_id=str(case_id), version=outcome.version, restarted=bool(outcome.result))
    return write.created(body_out, outcome.version)
