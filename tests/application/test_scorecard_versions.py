"""New assessments name scorecard v2; assessments recorded under v1 still reproduce under v1 (both stores)."""

from __future__ import annotations

from application.app import CollectionsApp
from application.commands import AssessRisk, RecordAssessment
from application.handlers.strategy import Assessment
from domain.case.events import RiskAssessed
from domain.case.values import Tier
from domain.risk import MODEL_VERSION, RiskFeatures, RiskThresholds, score
from domain.risk_v2 import MODEL_VERSION_V2
from tests.application.test_assessment import RISK, of_type, seeded


def test_new_assessments_name_scorecard_2_and_old_v1_events_still_reproduce_under_v1(app: CollectionsApp) -> None:
    case_id = seeded(app, "manufacturer")
    new = app.send(AssessRisk(case_id=case_id, actor=RISK), Assessment)
    assert new.model_version == MODEL_VERSION_V2
    # an assessment recorded before v2: v1's features (no v2 fields), v1's score
    v1_features = RiskFeatures(days_past_due=406, overdue_fen=100, period="2025", debt_to_asset_bp=4000)
    v1_result = score(v1_features, RiskThresholds())
    app.handle(
        RecordAssessment(
            case_id=case_id,
            actor=RISK,
            model_version=MODEL_VERSION,
            score=v1_result.score,
            tier=v1_result.tier,
            reasons=tuple(v1_result.reasons),
            features=v1_features.model_dump(mode="json"),
        )
    )
    recorded_v2, recorded_v1 = of_type(app, case_id, RiskAssessed)
    again_v1 = app.reproduce_assessment(recorded_v1)
    assert (again_v1.model_version, again_v1.score, again_v1.tier) == (MODEL_VERSION, v1_result.score, Tier.LOW)
    again_v2 = app.reproduce_assessment(recorded_v2)
    assert (again_v2.model_version, again_v2.score, again_v2.tier) == (MODEL_VERSION_V2, new.score, new.tier)
    assert again_v2.reasons == recorded_v2.reasons
