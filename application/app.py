"""CollectionsApp: the one entry point for commands, and the queries that replay aggregates from the log."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from application.case_facts import currency_of, enterprise_of
from application.commands.arrears import ClassifyDebtor, RecordLoanSchedule, ReviewLedger
from application.commands.base import Command, Outcome
from application.commands.commitments import MissInstallment, ReceivePayment, SignAgreement
from application.commands.strategy import ClassifyCase
from application.contacts import ContactCheck, contact_check
from application.handlers import ASYNC_HANDLERS, HANDLERS
from application.policies import CurrentPolicy, current_policy, policy_terms, stored_policy
from domain.base import Actor
from domain.case import CollectionCase
from domain.case.events import CaseEvent, CaseOpened, RiskAssessed
from domain.case.values import Channel, Installment, LetterKind, PlanKind
from domain.enterprise import Enterprise
from domain.errors import DomainError, NotFoundError
from domain.ids import case_id as derive_case_id
from domain.ids import enterprise_id as derive_enterprise_id
from domain.money import Money
from domain.repayment import build_schedule
from domain.risk import RiskAssessment, RiskFeatures, score
from domain.risk_v2 import MODEL_VERSION_V2, RiskFeaturesV2, score_v2
from domain.strategy import PolicyTerms, StrategyPolicy, default_terms
from infrastructure.clock import Clock
from infrastructure.event_store import EventStore, apply_events
from infrastructure.unit_of_work import UnitOfWork

R = TypeVar("R")
log = logging.getLogger("arrears.app")
#: the commands after which a claim's category may have moved: its debtor is classified again
RECLASSIFY_DEBTOR_AFTER = (
    ReceivePayment,
    RecordLoanSchedule,
    ReviewLedger,
    ClassifyCase,
    SignAgreement,
    MissInstallment,
)


class CollectionsApp:
    """Handles every command (``handle``) and answers queries over enterprises, cases and the policy."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @property
    def store(self) -> EventStore:
        """The event store the aggregates live in."""
        return self.uow.store

    @property
    def clock(self) -> Clock:
        """The clock commands are decided by."""
        return self.uow.clock

    def handle(self, command: Command) -> Outcome[Any]:
        """Decide and record a command; the outcome carries its result and the new version of what it changed."""
        try:
            handler = HANDLERS[type(command)]
        except KeyError:
            raise TypeError(f"no handler for {type(command).__name__}") from None
        outcome = handler(command, self.uow)
        if isinstance(command, RECLASSIFY_DEBTOR_AFTER):
            self.reclassify_debtor(command.case_id)
        return outcome

    async def handle_async(self, command: Command) -> Outcome[Any]:
        """``handle`` for the event loop: a command decided on one aggregate awaits its insert while the loop goes on
        (``UnitOfWork.change_async``); any other command is handled as ``handle`` does."""
        handler = ASYNC_HANDLERS.get(type(command))
        if handler is None:
            return self.handle(command)
        outcome = await handler(command, self.uow)
        if isinstance(command, RECLASSIFY_DEBTOR_AFTER):
            self.reclassify_debtor(command.case_id)
        return outcome

    def reclassify_debtor(self, case_id: UUID) -> None:
        """A claim's figures moved: classify its debtor again across all its claims (an event only on change).
        The command that moved them is recorded already; a refusal here is logged, not raised."""
        try:
            enterprise_id = self.enterprise_of_case(case_id)
            self.handle(ClassifyDebtor(enterprise_id=enterprise_id, actor=Actor.system("classification")))
        except DomainError as error:
            log.warning("debtor of case %s not reclassified: %s", case_id, error)

    def send(self, command: Command, result_type: type[R]) -> R:
        """Handle a command and return just its result, checked to be of ``result_type`` (for clients that
        need no version, e.g. the CLI and the demo)."""
        result = self.handle(command).result
        if not isinstance(result, result_type):
            raise TypeError(f"{type(command).__name__} answered {type(result).__name__}, not {result_type.__name__}")
        return result

    # --- enterprises --------------------------------------------------------------------------------

    def get_enterprise(self, enterprise_id: UUID) -> Enterprise:
        """The enterprise now (a private copy)."""
        return self.uow.load(Enterprise, enterprise_id)

    @staticmethod
    def enterprise_id_for(credit_code: str) -> UUID:
        """The id an enterprise with this credit code has (whether or not it is registered)."""
        return derive_enterprise_id(credit_code)

    # --- cases --------------------------------------------------------------------------------------

    @staticmethod
    def case_id_for(loan_id: str) -> UUID:
        """The id of the case for a loan."""
        return derive_case_id(loan_id)

    def get_case(self, case_id: UUID) -> CollectionCase:
        """The case now (a private copy)."""
        return self.uow.load(CollectionCase, case_id)

    def contact_check(
        self,
        case_id: UUID,
        *,
        channel: Channel,
        party: str,
        at: datetime,
        staff: list[str] | None = None,
        letter_kind: LetterKind | None = None,
    ) -> ContactCheck:
        """Before acting: may an outbound contact be made on ``channel`` to ``party`` at ``at``, and if not, the
        contact-policy rules that forbid it (nothing is recorded). A lawyer's letter is a legal act."""
        return contact_check(
            self.uow, case_id, channel=channel, party=party, at=at, staff=staff, letter_kind=letter_kind
        )

    def enterprise_of_case(self, case_id: UUID) -> UUID:
        """The enterprise a case belongs to."""
        return enterprise_of(self.uow, case_id)

    def case_currency(self, case_id: UUID) -> str:
        """The currency of a case's amounts."""
        return currency_of(self.uow, case_id)

    def case_at_version(self, case_id: UUID, version: int) -> CollectionCase:
        """The case as it stood after its ``version``-th event."""
        if version < 1:
            raise NotFoundError("versions start at 1")
        case = self.uow.load(CollectionCase, case_id, version=version)
        if case.version != version:
            raise NotFoundError(f"case {case_id} has no version {version}; it is at {case.version}")
        return case

    def case_events(self, case_id: UUID) -> list[CaseEvent | CaseOpened]:
        """Every event of a case, in order."""
        events = list(self.store.events.get(case_id))
        if not events or not isinstance(events[0], CaseOpened):
            raise NotFoundError(f"no CollectionCase {case_id}")
        return cast("list[CaseEvent | CaseOpened]", events)

    def case_as_of(self, case_id: UUID, as_of: Any) -> CollectionCase:
        """The case as the bank knew it at ``as_of`` (events recorded by then)."""
        if as_of.tzinfo is None:
            raise NotFoundError("as_of must carry a time zone offset")
        version = 0
        for event in self.case_events(case_id):
            if event.timestamp > as_of:
                break
            version = event.originator_version
        if version == 0:
            raise NotFoundError(f"case {case_id} did not exist at {as_of.isoformat()}")
        return self.case_at_version(case_id, version)

    @staticmethod
    def replay(events: list[Any]) -> CollectionCase:
        """Fold events into a case (used by auditors to check a history)."""
        case = apply_events(None, events)
        if not isinstance(case, CollectionCase):
            raise NotFoundError("the events do not make a case")
        return case

    # --- the policy and the models ------------------------------------------------------------------

    def current_policy(self, max_age_seconds: float = 0.0) -> CurrentPolicy:
        """The governing version of the strategy policy."""
        return current_policy(self.uow, max_age_seconds)

    def policy_store(self) -> StrategyPolicy:
        """The policy aggregate with every published version (stored with the default v1 if none is)."""
        return stored_policy(self.uow)

    def policy_version(self, version: int) -> PolicyTerms:
        """The terms of a published version."""
        return policy_terms(self.uow, version)

    def reproduce_assessment(self, event: RiskAssessed) -> RiskAssessment:
        """Re-score a recorded assessment from its features and its policy's terms, under the model it names
        (``scorecard-1`` events, and any other name, under v1; ``scorecard-2`` under v2)."""
        terms = self.policy_version(event.policy_version) if event.policy_version else default_terms()
        if event.model_version == MODEL_VERSION_V2:
            return score_v2(RiskFeaturesV2.model_validate(event.features), terms.risk, terms.scorecard)
        return score(RiskFeatures.model_validate(event.features), terms.risk)

    @staticmethod
    def preview_plan(kind: PlanKind, amount: Money, start_on: date, parameters: dict[str, Any]) -> list[Installment]:
        """The schedule a plan of ``kind`` would have (nothing is recorded)."""
        return build_schedule(kind, amount, start_on, parameters)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()
