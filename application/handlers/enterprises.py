"""Handlers of the enterprise commands."""

from __future__ import annotations

from uuid import UUID

from application.commands.base import Outcome
from application.commands.enterprises import (
    AddContactPerson,
    AddLoanRecord,
    FileStatement,
    LiftDoNotContact,
    RegisterEnterprise,
    SetDoNotContact,
    UpdateProfile,
)
from application.handlers.registry import act_now, handles, on_enterprise
from domain.act import Act
from domain.enterprise import Enterprise
from infrastructure.unit_of_work import UnitOfWork


@handles(RegisterEnterprise)
def register_enterprise(command: RegisterEnterprise, uow: UnitOfWork) -> Outcome[UUID]:
    """Register an enterprise; its id is the uuid5 of its credit code."""
    enterprise = Enterprise.register(command.registration, list(command.contacts), act=act_now(command, uow))
    return Outcome(enterprise.id, uow.create(enterprise))


@on_enterprise(UpdateProfile)
def update_profile(enterprise: Enterprise, command: UpdateProfile, act: Act) -> None:
    enterprise.update_profile(command.registration, act=act)


@on_enterprise(FileStatement)
def file_statement(enterprise: Enterprise, command: FileStatement, act: Act) -> None:
    enterprise.file_statement(command.statement, act=act)


@on_enterprise(AddLoanRecord)
def add_loan_record(enterprise: Enterprise, command: AddLoanRecord, act: Act) -> None:
    enterprise.add_loan_record(command.record, act=act)


@on_enterprise(AddContactPerson)
def add_contact_person(enterprise: Enterprise, command: AddContactPerson, act: Act) -> None:
    enterprise.add_contact_person(command.person, act=act)


@on_enterprise(SetDoNotContact)
def set_do_not_contact(enterprise: Enterprise, command: SetDoNotContact, act: Act) -> None:
    enterprise.set_do_not_contact(command.reason, act=act)


@on_enterprise(LiftDoNotContact)
def lift_do_not_contact(enterprise: Enterprise, command: LiftDoNotContact, act: Act) -> None:
    enterprise.lift_do_not_contact(command.reason, act=act)
