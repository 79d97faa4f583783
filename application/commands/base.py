"""What every command carries: who sends it, when it happened, and the version it expects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from domain.base import Actor

R = TypeVar("R")


@dataclass(frozen=True, kw_only=True, slots=True)
class Command:
    """An act a person or the system asks for: its actor, and when it happened (default: when it is decided)."""

    actor: Actor
    occurred_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseCommand(Command):
    """A command on one collection case; ``expected_version`` (If-Match) refuses it if the case moved on."""

    case_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EnterpriseCommand(Command):
    """A command on one enterprise; ``expected_version`` refuses it if the enterprise moved on."""

    enterprise_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """What a command did: its result (an id, a schedule, an assessment...) and the new version of what it
    changed, read under the same lock as the decision (so an ETag built from it is the writer's own)."""

    result: R
    version: int
