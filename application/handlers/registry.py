"""Which handler runs each command, and the common shape of one: load an aggregate, decide, save.

A handler module declares its deciders with ``@on_case(Command)`` or ``@on_enterprise(Command)``: a pure
function of the aggregate, the command and the ``Act`` (who, when it happened, when it is recorded) that
calls the aggregate's methods and returns the command's result. ``prepare`` reads what a decision needs
from other aggregates before the aggregate's lock is taken (the contact policy, the enterprise's accounts).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID, uuid4

from application.commands.base import CaseCommand, Command, EnterpriseCommand, Outcome
from domain.act import Act
from domain.base import Aggregate
from domain.case import CollectionCase
from domain.enterprise import Enterprise
from domain.errors import ConflictError
from infrastructure.read_set import Reads, StaleFacts, collecting
from infrastructure.unit_of_work import RETRIES_ON_CONFLICT, Session, UnitOfWork, backoff

C = TypeVar("C", bound=Command)
A = TypeVar("A", bound=Aggregate)
Handler = Callable[[Any, UnitOfWork], Outcome[Any]]

#: attempts at a command whose facts read from other aggregates changed before it was recorded: a race lost to
#: another writer like any other, so as many attempts, with the same pauses, as a race on the aggregate itself
STALE_FACTS_ATTEMPTS = RETRIES_ON_CONFLICT
STALE_FACTS_REFUSAL = "what the command depends on kept changing while it was being recorded; try again"
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


def deciding(
    cls: type[A],
    target: Callable[[Any], UUID],
    command_type: type[C],
    prepare: Callable[[UnitOfWork, Any], Any] | None = None,
) -> Callable[[Callable[..., Any]], Any]:
    """Register ``decide(aggregate, command, act[, prepared])`` as the handler of ``command_type``."""

    def register(decide: Callable[..., Any]) -> Any:
        def prepared(command: Any, uow: UnitOfWork) -> tuple[Callable[[A, Session], Any], Reads]:
            """The decision, with the facts it needs read first (their versions noted for the insert to check)."""
            with collecting() as reads:
                facts = () if prepare is None else (prepare(uow, command),)

            def run(aggregate: A, session: Session) -> Any:
                return decide(aggregate, command, act_of(command, session), *facts)

            return run, reads

        def handle(command: Any, uow: UnitOfWork) -> Outcome[Any]:
            for attempt in range(1, STALE_FACTS_ATTEMPTS + 1):
                run, reads = prepared(command, uow)
                try:
                    changed = uow.change(cls, target(command), run, command.expected_version, reads)
                except StaleFacts:
                    uow.forget_reads(reads)  # read them again, as they are now
                    if attempt == STALE_FACTS_ATTEMPTS:
                        raise ConflictError(STALE_FACTS_REFUSAL) from None
                    time.sleep(backoff(attempt))
                    continue
                return Outcome(changed.result, changed.version)
            raise AssertionError("unreachable")

        async def handle_async(command: Any, uow: UnitOfWork) -> Outcome[Any]:
            for attempt in range(1, STALE_FACTS_ATTEMPTS + 1):
                run, reads = prepared(command, uow)
                try:
                    changed = await uow.change_async(cls, target(command), run, command.expected_version, reads)
                except StaleFacts:
                    uow.forget_reads(reads)
                    if attempt == STALE_FACTS_ATTEMPTS:
                        raise ConflictError(STALE_FACTS_REFUSAL) from None
                    await asyncio.sleep(backoff(attempt))
                    continue
                return Outcome(changed.result, changed.version)
            raise AssertionError("unreachable")

        handles(command_type)(handle)
        ASYNC_HANDLERS[command_type] = handle_async
        return decide

    return register


def on_case(
    command_type: type[CaseCommand], prepare: Callable[[UnitOfWork, Any], Any] | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """Register a decider on the command's collection case."""
    return deciding(CollectionCase, lambda command: command.case_id, command_type, prepare)


def on_enterprise(command_type: type[EnterpriseCommand]) -> Callable[[Callable[..., Any]], Any]:
    """Register a decider on the command's enterprise."""
    return deciding(Enterprise, lambda command: command.enterprise_id, command_type)


def new_id() -> str:
    """A fresh id for a promise, plan, task, deadline..."""
    return uuid4().hex
