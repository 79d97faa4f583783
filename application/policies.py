"""The strategy policy as commands read it: the governing version, a published version, the stored aggregate."""

from __future__ import annotations

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


def stored_policy(uow: UnitOfWork) -> StrategyPolicy:
    """A copy of the policy aggregate, stored first with the default v1 when none exists yet."""
    try:
        return uow.load(StrategyPolicy, POLICY_ID)
    except NotFoundError:
        act = Act.of(Actor.system("policy"), None, uow.clock.now())
        policy = StrategyPolicy.create(default_terms(), act=act)
        try:
            uow.create(policy)
        except DuplicateError:
            return uow.load(StrategyPolicy, POLICY_ID)
        return policy


def policy_terms(uow: UnitOfWork, version: int) -> PolicyTerms:
    """The terms of a published version."""
    terms = stored_policy(uow).versions.get(version)
    if terms is None:
        raise NotFoundError(f"no policy version {version}")
    return terms
