"""Which handler runs each command, and the common shape of one: load an aggregate, decide, save.

A handler module declares its deciders with ``@on_case(Command)`` or ``@on_enterprise(Command)``: a pure
function of the aggregate, the command and the ``Act`` (who, when it happened, when it is recorded) that
calls the aggregate's methods and returns the command's result. ``prepare`` reads what a decision needs
from other aggregates before the aggregate's lock is taken (the contact policy, the enterprise's accounts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

from application.commands.base import CaseCommand, Command, EnterpriseCommand, Outcome
from domain.act import Act
from domain.base import Aggregate
from domain.case import CollectionCase
from domain.enterprise import Enterprise
from infrastructure.read_set import Reads, collecting
from infrastructure.unit_of_work import Session, UnitOfWork

C = TypeVar("C", bound=Command)
A = TypeVar("A", bound=Aggregate)
Handler = Callable[[Any, UnitOfWork], Outcome[Any]]

#: the handler of each command type
HANDLERS: dict[type[Command], Handler] = {}
#: for the commands decided on one aggregate: the same handler for the event loop, its insert awaited
#: (``UnitOfWork.change_async``)
ASYNC_HANDLERS: dict[type[Command], Callable[[Any, UnitOfWork], Awaitable[Outcome[Any]]]] = {}


def handles(command_type: type[C]) -> Callable[[Callable[[C, UnitOfWork], Outcome[Any]]], Any]:
    """Register a handler that does its own loading and saving (commands that create aggregates)."""

    def register(handler: Callable[[C, UnitOfWork], Outcome[Any]]) -> Any:
        if command_type in HANDLERS:
            raise TypeError(f"{command_type.__name__} already has a handler")
        HANDLERS[command_type] = handler
        return handler

    return register


def act_of(command: Command, session: Session) -> Act:
    """Who acted and when, checked once: the command's time (default: now) may not be in the future."""
    return Act.of(command.actor, command.occurred_at, session.now, session.timestamp)


def act_now(command: Command, uow: UnitOfWork) -> Act:
    """Who acted and when, for a command decided outside ``UnitOfWork.change`` (one that creates aggregates)."""
    session = uow.session()
    return Act.of(command.actor, command.occurred_at, session.now, session.timestamp)


@dataclass
class Decision:
    """A command's decision on its aggregate, with the facts it needs from other aggregates read before each try
    (``UnitOfWork.change`` calls ``read_facts``, then the decision)."""

    decide: Callable[..., Any]
    prepare: Callable[[UnitOfWork, Any], Any] | None
    command: Any
    uow: UnitOfWork
    facts: tuple[Any, ...] = ()

    def read_facts(self) -> Reads:
        """Read the facts as they are now; the versions they were read at, for the insert to check."""
        with collecting() as reads:
            self.facts = () if self.prepare is None else (self.prepare(self.uow, self.command),)
        return reads

    def __call__(self, aggregate: Any, session: Session) -> Any:
        return self.decide(aggregate, self.command, act_of(self.command, session), *self.facts)


def deciding(
    cls: type[A],
    target: Callable[[Any], UUID],
    command_type: type[C],
    prepare: Callable[[UnitOfWork, Any], Any] | None = None,
    then: Callable[[UnitOfWork], None] | None = None,
) -> Callable[[Callable[..., Any]], Any]:
    """Register ``decide(aggregate, command, act[, prepared])`` as the handler of ``command_type``; ``then`` runs
    after the change was saved (never for a refused command: a refused request writes nothing)."""

    def register(decide: Callable[..., Any]) -> Any:
        def handle(command: Any, uow: UnitOfWork) -> Outcome[Any]:
            decision = Decision(decide, prepare, command, uow)
            changed = uow.change(cls, target(command), decision, command.expected_version, decision.read_facts)
            if then is not None:
                then(uow)
            return Outcome(changed.result, changed.version)

        async def handle_async(command: Any, uow: UnitOfWork) -> Outcome[Any]:
            decision = Decision(decide, prepare, command, uow)
            changed = await uow.change_async(
                cls, target(command), decision, command.expected_version, decision.read_facts
            )
            if then is not None:
                then(uow)
            return Outcome(changed.result, changed.version)

        handles(command_type)(handle)
        ASYNC_HANDLERS[command_type] = handle_async
        return decide

    return register


def on_case(
    command_type: type[CaseCommand],
    prepare: Callable[[UnitOfWork, Any], Any] | None = None,
    then: Callable[[UnitOfWork], None] | None = None,
) -> Callable[[Callable[..., Any]], Any]:
    """Register a decider on the command's collection case (``then``: what to do once its change is saved)."""
    return deciding(CollectionCase, lambda command: command.case_id, command_type, prepare, then)


def on_enterprise(command_type: type[EnterpriseCommand]) -> Callable[[Callable[..., Any]], Any]:
    """Register a decider on the command's enterprise."""
    return deciding(Enterprise, lambda command: command.enterprise_id, command_type)


def new_id() -> str:
    """A fresh id for a promise, plan, task, deadline..."""
    return uuid4().hex
