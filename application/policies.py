"""The strategy policy as commands read it: the governing version, a published version, the stored aggregate."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from domain.act import Act
from domain.base import Actor
from domain.errors import DuplicateError, NotFoundError
from domain.strategy import POLICY_ID, PolicyTerms, StrategyPolicy, default_terms
from infrastructure.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CurrentPolicy:
    """The governing version of the strategy policy."""

    version: int
    terms: PolicyTerms


def current_policy(uow: UnitOfWork, max_age_seconds: float = 0.0) -> CurrentPolicy:
    """The governing policy (the default v1 until the first assessment or publication stores it).

    With ``max_age_seconds``, a policy read from the store that recently is used as it is (the contact
    checks on every call use this; a publication in this process shows at once).
    """
    return uow.read(
        StrategyPolicy,
        POLICY_ID,
        lambda p: CurrentPolicy(version=p.current_version, terms=p.current),
        max_age_seconds=max_age_seconds,
        purpose="policy",
        if_missing=lambda: CurrentPolicy(version=1, terms=default_terms()),
    )


def ensure_stored(uow: UnitOfWork) -> None:
    """Store the policy with the default v1 if no policy is stored yet (so a version a case names can be read back).

    Whether it is stored is remembered for a minute: once stored, a policy is never removed.
    """
    stored = uow.read(
        StrategyPolicy, POLICY_ID, lambda _: True, max_age_seconds=60.0, purpose="stored", if_missing=lambda: False
    )
    if not stored:
        session = uow.session()
        act = Act.of(Actor.system("policy"), None, session.now, session.timestamp)
        policy = StrategyPolicy.create(default_terms(), act=act)
        with contextlib.suppress(DuplicateError):  # another process stored it first
            uow.create(policy)


def stored_policy(uow: UnitOfWork) -> StrategyPolicy:
    """A copy of the policy aggregate with every published version (stored first with the default v1 if need be)."""
    ensure_stored(uow)
    return uow.load(StrategyPolicy, POLICY_ID)


def policy_terms(uow: UnitOfWork, version: int) -> PolicyTerms:
    """The terms of a published version."""
    ensure_stored(uow)
    terms = uow.read(StrategyPolicy, POLICY_ID, lambda p: p.versions.get(version))
    if terms is None:
        raise NotFoundError(f"no policy version {version}")
    return terms


@dataclass(frozen=True)
class PolicyBook:
    """Every published version of the policy, to find the one that governs a case."""

    current: int
    versions: dict[int, PolicyTerms]

    def governing(self, policy_version: int | None) -> CurrentPolicy:
        """The version a case names (the current one when it names none)."""
        version = policy_version if policy_version in self.versions else self.current
        return CurrentPolicy(version=version, terms=self.versions[version])


#: how stale the book of versions may be: a published version never changes, so only a version published in
#: another process within these seconds can be missing (a case naming it is then treated under the book's current)
BOOK_MAX_AGE_SECONDS = 2.0


def policy_book(uow: UnitOfWork, _command: object = None) -> PolicyBook:
    """Every published version (read before a case's lock is taken; a publication in this process shows at once).

    Nothing is stored here: a command that is refused writes nothing. The commands that may name the policy's
    version store it once their change is saved (``on_case(..., then=ensure_stored)``).
    """
    return uow.read(
        StrategyPolicy,
        POLICY_ID,
        lambda p: PolicyBook(current=p.current_version, versions=dict(p.versions)),
        max_age_seconds=BOOK_MAX_AGE_SECONDS,
        purpose="book",
        if_missing=lambda: PolicyBook(current=1, versions={1: default_terms()}),
    )
