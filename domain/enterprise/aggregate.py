"""The Enterprise aggregate: registration, financial statements, loan history, contact persons."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel

from domain.act import Act
from domain.base import Aggregate, applies
from domain.classification import Claim, classify_debtor
from domain.enterprise.checks import check_contact_person, check_loan_record, check_registration, check_statement
from domain.enterprise.events import (
    ContactPersonAdded,
    DebtorClassified,
    DoNotContactLifted,
    DoNotContactSet,
    EnterpriseRegistered,
    FinancialStatementFiled,
    LoanRecordAdded,
    LoanReferredToCollections,
    ProfileUpdated,
)
from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, Registration
from domain.errors import DuplicateError, InvariantError
from domain.ids import enterprise_id, normalise_credit_code
from domain.rules import check_not_blank


class EnterpriseFields:
    """Every field of an enterprise's state, declared once: the aggregate carries them, ``EnterpriseState`` keeps them.

    The fields without a default come from the ``EnterpriseRegistered`` event.
    """

    registration: Registration
    contacts: list[ContactPerson]
    statements: dict[str, FinancialStatement] = {}
    loans: dict[str, LoanRecord] = {}
    do_not_contact: bool = False
    do_not_contact_reason: str = ""
    case_ids: list[UUID] = []
    #: the debtor's classification across its claims at the bank (2023 rules), None until first classified
    debtor_category: str | None = None
    debtor_rule_ids: list[str] = []
    debtor_reason: str = ""
    debtor_claims: dict[str, str] = {}
    debtor_as_of: date | None = None


class EnterpriseState(BaseModel, EnterpriseFields):
    """The enterprise's state, as snapshots keep it."""


class Enterprise(Aggregate, EnterpriseFields):
    """An enterprise with overdue loans, and everything the bank knows of it."""

    state_model: ClassVar[type[BaseModel]] = EnterpriseState

    @classmethod
    def register(cls, registration: Registration, contacts: list[ContactPerson], *, act: Act) -> Enterprise:
        """Register an enterprise; its id is derived from the credit code."""
        registration = registration.model_copy(update={"credit_code": normalise_credit_code(registration.credit_code)})
        check_registration(registration)
        names = [p.name for p in contacts]
        if len(set(names)) != len(names):
            raise DuplicateError("contact person names must be unique")
        for person in contacts:
            check_contact_person(person)
        return cls._create(
            EnterpriseRegistered,
            id=enterprise_id(registration.credit_code),
            registration=registration,
            contacts=contacts,
            **act.attribution(),
        )

    @property
    def credit_code(self) -> str:
        """The unified social credit code."""
        return self.registration.credit_code

    def update_profile(self, registration: Registration, *, act: Act) -> None:
        """Replace the registration details (the credit code cannot change)."""
        if normalise_credit_code(registration.credit_code) != self.credit_code:
            raise InvariantError("credit_code cannot change; it is the enterprise's identity")
        registration = registration.model_copy(update={"credit_code": self.credit_code})
        check_registration(registration)
        if registration != self.registration:
            self.trigger_event(ProfileUpdated, registration=registration, **act.attribution())

    def file_statement(self, statement: FinancialStatement, *, act: Act) -> bool:
        """File a period's statements; returns False when the same statement is already filed."""
        check_statement(statement)
        if self.statements.get(statement.period) == statement:
            return False
        self.trigger_event(FinancialStatementFiled, statement=statement, **act.attribution())
        return True

    def add_loan_record(self, record: LoanRecord, *, act: Act) -> bool:
        """Add a loan to the history; returns False when the same record is already there."""
        check_loan_record(record)
        if self.loans.get(record.loan_id) == record:
            return False
        self.trigger_event(LoanRecordAdded, record=record, **act.attribution())
        return True

    def add_contact_person(self, person: ContactPerson, *, act: Act) -> None:
        """Add a contact person; names are unique within the enterprise."""
        check_contact_person(person)
        if self.find_contact(person.name) is not None:
            raise DuplicateError(f"contact person {person.name!r} is already known")
        self.trigger_event(ContactPersonAdded, person=person, **act.attribution())

    def set_do_not_contact(self, reason: str, *, act: Act) -> None:
        """Forbid contact with the enterprise."""
        check_not_blank(reason, "reason")
        self.trigger_event(DoNotContactSet, reason=reason, **act.attribution())

    def lift_do_not_contact(self, reason: str, *, act: Act) -> None:
        """Allow contact again."""
        check_not_blank(reason, "reason")
        if not self.do_not_contact:
            raise InvariantError("the enterprise is not marked do-not-contact")
        self.trigger_event(DoNotContactLifted, reason=reason, **act.attribution())

    def refer_loan(self, case_id: UUID, loan_id: str, *, act: Act) -> None:
        """Record that a loan of the enterprise became a collection case (one case per loan)."""
        if case_id in self.case_ids:
            raise DuplicateError(f"loan {loan_id!r} already has a collection case")
        self.trigger_event(LoanReferredToCollections, case_id=case_id, loan_id=loan_id, **act.attribution())

    def classify_debtor(self, claims: list[Claim], as_of: date, *, act: Act) -> bool:
        """Classify the debtor across its claims (art. 7's 10% rule); an event only when anything changed."""
        category, rules, reason, final = classify_debtor(claims)
        by_case = {case_id: str(c) for case_id, c in final.items()}
        if (str(category), list(rules), by_case) == (self.debtor_category, self.debtor_rule_ids, self.debtor_claims):
            return False
        self.trigger_event(
            DebtorClassified,
            as_of=as_of,
            category=str(category),
            rule_ids=list(rules),
            reason=reason,
            claims=by_case,
            previous_category=self.debtor_category,
            **act.attribution(),
        )
        return True

    def known_parties(self) -> frozenset[str]:
        """Whom the bank may contact: the contact persons and the legal representative."""
        names = {p.name for p in self.contacts} | {self.registration.legal_representative}
        return frozenset(name for name in names if name)

    def party_roles(self) -> dict[str, str]:
        """Each known party's role for the contact policy: the legal representative's, then each person's own."""
        roles = {self.registration.legal_representative: "legal_representative"}
        roles.update({p.name: str(p.party_role) for p in self.contacts})
        return {name: role for name, role in roles.items() if name}

    def find_contact(self, name: str) -> ContactPerson | None:
        """The contact person of that name, if known."""
        return next((p for p in self.contacts if p.name == name), None)

    def statements_in_order(self) -> list[FinancialStatement]:
        """Statements oldest first."""
        return sorted(self.statements.values(), key=FinancialStatement.sort_key)

    @applies
    def _(self, event: EnterpriseRegistered) -> None:
        self.restore(EnterpriseState(registration=event.registration, contacts=list(event.contacts)))

    @applies
    def _(self, event: LoanReferredToCollections) -> None:
        self.case_ids.append(event.case_id)

    @applies
    def _(self, event: ProfileUpdated) -> None:
        self.registration = event.registration

    @applies
    def _(self, event: FinancialStatementFiled) -> None:
        self.statements[event.statement.period] = event.statement

    @applies
    def _(self, event: LoanRecordAdded) -> None:
        self.loans[event.record.loan_id] = event.record

    @applies
    def _(self, event: ContactPersonAdded) -> None:
        self.contacts.append(event.person)

    @applies
    def _(self, event: DoNotContactSet) -> None:
        self.do_not_contact = True
        self.do_not_contact_reason = event.reason

    @applies
    def _(self, event: DoNotContactLifted) -> None:
        self.do_not_contact = False
        self.do_not_contact_reason = ""

    @applies
    def _(self, event: DebtorClassified) -> None:
        self.debtor_category = event.category
        self.debtor_rule_ids = list(event.rule_ids)
        self.debtor_reason = event.reason
        self.debtor_claims = dict(event.claims)
        self.debtor_as_of = event.as_of
