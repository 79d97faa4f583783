"""Facts of a case that never change once it is opened, read once per process and remembered."""

from __future__ import annotations

from uuid import UUID

from domain.case import CollectionCase
from infrastructure.unit_of_work import UnitOfWork


def enterprise_of(uow: UnitOfWork, case_id: UUID) -> UUID:
    """The enterprise a case belongs to."""
    return uow.lasting(CollectionCase, case_id, "enterprise", lambda case: case.enterprise_id)


def currency_of(uow: UnitOfWork, case_id: UUID) -> str:
    """The currency of a case's amounts."""
    return uow.lasting(CollectionCase, case_id, "currency", lambda case: case.currency)
