"""The strategy policy (read any version; publish a new one) and the enterprise's contact persons and
do-not-contact flag. Each write builds one command."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import ValidationError

from api.auth import Principal
from api.deps import AppDep, Write, require, writes
from api.errors import ApiError
from api.permissions import Permission
from api.routes.common import READ_ONE, WRITE, set_etag
from api.schemas.acts import ContactPersonAddIn, PolicyIn, PolicyOut, ReasonIn
from api.schemas.common import PathId
from api.schemas.enterprises import EnterpriseWritten
from application.commands import AddContactPerson, LiftDoNotContact, PublishPolicy, SetDoNotContact
from domain.enterprise.values import ContactPerson
from domain.strategy import PolicyTerms

router = APIRouter(tags=["policy"])
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.get("/v1/policy", responses=READ_ONE, summary="Read the strategy policy")
def read_policy(
    app: AppDep,
    _who: Reader,
    response: Response,
    version: Annotated[int | None, Query(ge=1, le=1_000_000, description="a published version")] = None,
) -> PolicyOut:
    """The governing version (or ``?version=N``): risk thresholds, each tier's treatment, the legal clock,
    the contact rules and the commitments' grace periods. The ETag is the policy store's version."""
    current = app.current_policy()
    wanted = version or current.version
    terms = current.terms if wanted == current.version else app.policy_version(wanted)
    set_etag(response, app.policy_store().version)
    return PolicyOut.of(wanted, wanted == current.version, terms)


@router.post(
    "/v1/policy",
    status_code=status.HTTP_201_CREATED,
    response_model=PolicyOut,
    responses=WRITE,
    summary="Publish a new policy version",
)
async def publish_policy(body: PolicyIn, write: Annotated[Write, writes(Permission.PUBLISH_POLICY)]) -> Response:
    """Publish new terms (supervisors and admins); they govern assignments from now on, while every case
    keeps showing the version that governs it."""
    try:
        terms = PolicyTerms.model_validate(body.terms)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'terms'}: {e['msg']}" for e in error.errors())
        raise ApiError(422, f"invalid policy terms: {problems}", code="invalid_policy") from None
    command = PublishPolicy(terms=terms, note=body.note, actor=write.who.actor, expected_version=write.expected_version)
    outcome = await write.send(command)
    return write.created(PolicyOut.of(outcome.result, True, terms), outcome.version)


@router.post(
    "/v1/enterprises/{enterprise_id}/contact-persons",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="Add a contact person",
)
async def add_contact_person(
    enterprise_id: PathId, body: ContactPersonAddIn, write: Annotated[Write, writes(Permission.WRITE_ENTERPRISE)]
) -> Response:
    """Someone at the enterprise the bank may now contact."""
    person = ContactPerson(
        name=body.name, role=body.role, phone=body.phone, email=body.email, party_role=body.party_role
    )
    outcome = await write.send(AddContactPerson(person=person, **write.on_enterprise(enterprise_id, body)))
    return write.enterprise_written(enterprise_id, outcome)


@router.post(
    "/v1/enterprises/{enterprise_id}/do-not-contact",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="Forbid contact with the enterprise",
)
async def set_do_not_contact(
    enterprise_id: PathId, body: ReasonIn, write: Annotated[Write, writes(Permission.DO_NOT_CONTACT)]
) -> Response:
    """No contact of any channel until it is lifted (e.g. under court protection)."""
    outcome = await write.send(SetDoNotContact(reason=body.reason, **write.on_enterprise(enterprise_id, body)))
    return write.enterprise_written(enterprise_id, outcome)


@router.post(
    "/v1/enterprises/{enterprise_id}/do-not-contact/lifting",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterpriseWritten,
    responses=WRITE,
    summary="Allow contact with the enterprise again",
)
async def lift_do_not_contact(
    enterprise_id: PathId, body: ReasonIn, write: Annotated[Write, writes(Permission.DO_NOT_CONTACT)]
) -> Response:
    """Contact is allowed again."""
    outcome = await write.send(LiftDoNotContact(reason=body.reason, **write.on_enterprise(enterprise_id, body)))
    return write.enterprise_written(enterprise_id, outcome)
