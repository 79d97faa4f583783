"""CollectionsApp's assessment commands: the strategy policy store, risk assessment, legal clock, classification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.core import AppPart
from domain.act import Act
from domain.base import Actor
from domain.case import CollectionCase
from domain.case.events import RiskAssessed
from domain.case.values import Reason, Tier
from domain.errors import DuplicateError, NotFoundError
from domain.risk import RiskAssessment, RiskFeatures, assess, score
from domain.rules import local_date
from domain.strategy import POLICY_ID, PolicyTerms, StrategyPolicy, apply_treatment, default_terms


@dataclass(frozen=True)
class CurrentPolicy:
    """The governing version of the strategy policy."""

    version: int
    terms: PolicyTerms


@dataclass(frozen=True)
class AssessmentResult:
    """What ``assess_case`` did: the model's answer and the case's new version."""

    case_id: UUID
    version: int
    model_version: str
    score: int
    tier: Tier
    reasons: list[Reason]
    features: dict[str, Any]
    policy_version: int
    strategy_assigned: bool


class AssessmentCommands(AppPart):
    """Mixed into CollectionsApp: policy publishing, assessment, legal clock and classification."""

    def current_policy(self, max_age_seconds: float = 0.0) -> CurrentPolicy:
        """The governing policy (the default v1 until the first assessment or publication stores it).

        With ``max_age_seconds``, a policy read from the store that recently is used as it is (the
        contact checks on every call use this; a publication in this process shows at once).
        """
        return self._app._read(
            StrategyPolicy,
            POLICY_ID,
            lambda p: CurrentPolicy(version=p.current_version, terms=p.current),
            max_age_seconds=max_age_seconds,
            purpose="policy",
            if_missing=lambda: CurrentPolicy(version=1, terms=default_terms()),
        )

    def policy_version(self, version: int) -> PolicyTerms:
        """The terms of a published version."""
        app = self._app
        terms = app.policy_store().versions.get(version)
        if terms is None:
            raise NotFoundError(f"no policy version {version}")
        return terms

    def policy_store(self) -> StrategyPolicy:
        """The policy aggregate, created with the default v1 when none exists yet."""
        app = self._app
        try:
            return app._load(StrategyPolicy, POLICY_ID)
        except NotFoundError:
            now = app.clock.now()
            policy = StrategyPolicy.create(default_terms(), act=Act.of(Actor.system("policy"), now, now))
            try:
                app._save_new(policy)
            except DuplicateError:
                return app._load(StrategyPolicy, POLICY_ID)
            return policy

    def publish_policy(
        self,
        terms: PolicyTerms,
        note: str,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Publish a new policy version (supervisor or admin); returns its number."""
        app = self._app
        app.policy_store()
        published: list[int] = []
        app._change(
            StrategyPolicy,
            POLICY_ID,
            lambda p, now: published.append(p.publish(terms, note, act=Act.of(actor, occurred_at, now))),
            expected_version,
        )
        return published[-1]

    def assess_case(
        self,
        case_id: UUID,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> AssessmentResult:
        """Run the risk model; record RiskAssessed, then the policy's strategy, deadlines, tasks and legal clock."""
        app = self._app
        app.policy_store()
        policy = app.current_policy()
        # read before the command locks the case: a load inside decide could wait on the same lock stripe
        enterprise = app.get_enterprise(app.get_case(case_id).enterprise_id)
        outcome: dict[str, Any] = {}

        def decide(case: CollectionCase, now: datetime) -> None:
            when = occurred_at or now
            as_of = local_date(now, case.timezone)
            assessment = assess(
                enterprise.statements_in_order(),
                list(enterprise.loans.values()),
                industry=enterprise.registration.industry,
                overdue_since=case.overdue_since,
                overdue_fen=case.overdue_amount.fen,
                as_of=as_of,
                thresholds=policy.terms.risk,
            )
            case.record_assessment(
                model_version=assessment.model_version,
                score=assessment.score,
                tier=assessment.tier,
                reasons=assessment.reasons,
                features=assessment.features.model_dump(mode="json"),
                policy_version=policy.version,
                act=Act.of(actor, when, now),
            )
            treatment = policy.terms.treatment_for(assessment.tier)
            outcome["assessment"] = assessment
            outcome["assigned"] = apply_treatment(case, policy.version, treatment, act=Act.of(actor, when, now))
            app._start_legal_clock(case, policy.terms, actor, when, now)
            case.review_legal_clock(act=Act.of(actor, when, now))
            case.classify(as_of, act=Act.of(actor, when, now))

        version = app._change(CollectionCase, case_id, decide, expected_version)
        assessment: RiskAssessment = outcome["assessment"]
        return AssessmentResult(
            case_id=case_id,
            version=version,
            model_version=assessment.model_version,
            score=assessment.score,
            tier=assessment.tier,
            reasons=assessment.reasons,
            features=assessment.features.model_dump(mode="json"),
            policy_version=policy.version,
            strategy_assigned=outcome["assigned"],
        )

    def reproduce_assessment(self, event: RiskAssessed) -> RiskAssessment:
        """Re-score a recorded assessment from its features and its policy's thresholds."""
        app = self._app
        terms = app.policy_version(event.policy_version) if event.policy_version else default_terms()
        return score(RiskFeatures.model_validate(event.features), terms.risk)

    def _start_legal_clock(
        self, case: CollectionCase, terms: PolicyTerms, actor: Actor, when: datetime, now: datetime
    ) -> None:
        if case.limitation_ends_on is None:
            case.set_limitation_period(
                starts_on=case.overdue_since,
                years=terms.legal_clock.limitation_years,
                warn_days=terms.legal_clock.warn_days_before,
                basis=f"repayment due {case.overdue_since}",
                act=Act.of(actor, when, now),
            )

    def review_legal_clock(
        self,
        case_id: UUID,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Start the limitation clock if needed; give legal a task when it nears its end (once per end date)."""
        app = self._app
        terms = app.current_policy().terms

        def decide(case: CollectionCase, now: datetime) -> None:
            when = occurred_at or now
            app._start_legal_clock(case, terms, actor, when, now)
            case.review_legal_clock(act=Act.of(actor, when, now))

        return app._change(CollectionCase, case_id, decide, expected_version)

    def classify_case(
        self,
        case_id: UUID,
        actor: Actor,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> int:
        """Recompute days past due, bucket and five-category classification (an event only on change)."""
        app = self._app
        return app._change(
            CollectionCase,
            case_id,
            lambda c, now: c.classify(local_date(now, c.timezone), act=Act.of(actor, occurred_at, now)),
            expected_version,
        )
