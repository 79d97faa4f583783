"""The one write pipeline's steps and its retry budget (``UnitOfWork.change`` and ``change_async``).

A command is decided and stored by one sequence of steps, written once (``UnitOfWork._steps``): read the facts the
decision needs, take the aggregate's turn, decide on it, save it, and on a lost race or stale facts pause and go
again. The sequence only *asks* for what waits (taking the turn, saving, pausing); a driver does it: ``change``
blocks its thread, ``change_async`` awaits on the event loop (the turn awaited, the insert handed to the insert
thread, the pause an ``asyncio.sleep``). So the two paths differ only in how they wait, never in what they decide.

One budget covers every reason to go again (a version taken by another writer, facts read that moved on): a
command is tried at most ``ATTEMPTS`` times, with a random pause doubling from 1 ms up to ``MAX_BACKOFF_SECONDS``
between tries, then refused with a ConflictError that says which.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from domain.base import Aggregate

R = TypeVar("R")

#: tries at a command in all (lost races and stale facts together; at most about 2 s of pauses)
ATTEMPTS = 40
#: the longest pause before another try (random, doubling from 1 ms): two processes writing one aggregate in a
#: tight loop otherwise meet in lockstep, the loser reloading while the winner writes its next command
MAX_BACKOFF_SECONDS = 0.05


def backoff(attempts: int) -> float:
    """How long to pause before the next try at a command that went wrong ``attempts`` times (none after one)."""
    return random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.001 * 2**attempts)) if attempts > 1 else 0.0


@dataclass(frozen=True, slots=True)
class TakeTurn:
    """Hold the aggregate's turn (its lock stripe; on the loop, with no insert of it in flight) until ``LeaveTurn``."""


@dataclass(frozen=True, slots=True)
class LeaveTurn:
    """Give the aggregate's turn back."""


@dataclass(frozen=True, slots=True)
class Save:
    """Insert the decided aggregate's new events (and the new aggregates decided with it) in one transaction; a
    failure is thrown back into the steps where they asked."""

    aggregates: tuple[Aggregate, ...]


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait before the next try."""

    seconds: float


Step = TakeTurn | LeaveTurn | Save | Pause
TAKE_TURN = TakeTurn()
LEAVE_TURN = LeaveTurn()
Steps = Generator[Step, None, R]


@dataclass(frozen=True, slots=True)
class Done(Generic[R]):
    """The write is over: its result."""

    result: R


def _advance(steps: Steps[R], failure: BaseException | None) -> Step | Done[R]:
    """The next step a write asks for (the failure of the last one thrown back into it), or else its result."""
    try:
        return steps.throw(failure) if failure is not None else steps.send(None)
    except StopIteration as done:
        return Done(done.value)


def drive(steps: Steps[R], take_turn: Callable[[], Any], leave_turn: Callable[[], Any], save: Callable[..., Any]) -> R:
    """Do the steps on this thread, blocking while each waits; the write's result."""
    holding = False
    failure: BaseException | None = None
    try:
        while True:
            step, failure = _advance(steps, failure), None
            if isinstance(step, Done):
                return step.result
            if isinstance(step, TakeTurn):
                take_turn()
                holding = True
            elif isinstance(step, LeaveTurn):
                leave_turn()
                holding = False
            elif isinstance(step, Pause):
                time.sleep(step.seconds)
            else:
                try:
                    save(*step.aggregates)
                except BaseException as error:  # thrown back into the steps, where the save was asked for
                    failure = error
    finally:
        if holding:
            leave_turn()


async def drive_on_loop(
    steps: Steps[R],
    take_turn: Callable[[], Awaitable[Any]],
    leave_turn: Callable[[], Any],
    save: Callable[..., Awaitable[Any]],
) -> R:
    """Do the steps on the event loop, awaiting while each waits (the loop goes on meanwhile); the write's result."""
    holding = False
    failure: BaseException | None = None
    try:
        while True:
            step, failure = _advance(steps, failure), None
            if isinstance(step, Done):
                return step.result
            if isinstance(step, TakeTurn):
                await take_turn()
                holding = True
            elif isinstance(step, LeaveTurn):
                leave_turn()
                holding = False
            elif isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            else:
                try:
                    await save(*step.aggregates)
                except BaseException as error:  # thrown back into the steps, where the save was asked for
                    failure = error
    finally:
        if holding:
            leave_turn()
