"""Reports: portfolio KPIs, channel effectiveness, compliance, and the audit tamper check."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query

from api.auth import Principal
from api.deps import ReadsDep, require
from api.permissions import Permission
from api.routes.common import AUTH, READ_ONE
from projections.models import AuditVerification
from projections.reports import ChannelReport, ComplianceReport, PortfolioReport
from simulation.figures import CASE_STUDY_CACHE, CaseStudyFigures

router = APIRouter(prefix="/v1", tags=["reports"])
Reporter = Annotated[Principal, Depends(require(Permission.READ_REPORTS))]
Auditor = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]


@router.get("/reports/portfolio", responses=AUTH, summary="Portfolio KPIs")
def portfolio(reads: ReadsDep, _who: Reporter) -> PortfolioReport:
    """Cases by status and tier, balances, recovery and promise-kept rates."""
    return reads.portfolio_report()


@router.get("/reports/channels", responses=AUTH, summary="Channel effectiveness")
def channels(reads: ReadsDep, _who: Reporter) -> ChannelReport:
    """Attempts and right-party contacts per channel."""
    return reads.channel_report()


@router.get("/reports/compliance", responses=AUTH, summary="Compliance report")
def compliance(reads: ReadsDep, _who: Reporter) -> ComplianceReport:
    """Contacts made under an override, violations and gaps, with evidence."""
    return reads.compliance_report()


@router.get("/reports/case-study", responses=AUTH, summary="The portfolio report of the simulated case study")
def case_study(reads: ReadsDep, _who: Reporter) -> CaseStudyFigures:
    """The figures ``arrears demo`` and ``arrears report`` print, recomputed from the event log: tiers, overdue
    balance at start and end, outcomes by tier, breaches, channel mix before and after learning, champion and
    challenger, the scorecards' KS and Gini, penalty interest, debtors' 2023 categories. Cached by the log's
    position (its last notification id): a repeated request is answered at once, a new event recomputes."""
    return CASE_STUDY_CACHE.get(reads.events)


@router.get("/audit/verify", responses=READ_ONE, summary="Verify the audit trail")
def verify(
    reads: ReadsDep,
    _who: Auditor,
    case_id: Annotated[UUID | None, Query(description="only this case's (or enterprise's) events")] = None,
) -> AuditVerification:
    """Recompute the transparency log's tree from the events table and compare it with the newest witnessed
    checkpoint, and every audit chain; name what was altered, removed, inserted or reordered. With ``case_id``:
    only that aggregate's events (each equal to its leaf and in the witnessed tree; a deleted event of the case is
    named while its audit trail row remains; the whole-log check names it in any case)."""
    report = reads.verify(case_id, catch_up=True)
    if case_id is not None and report.checked_events == 0 and report.ok:
        raise HTTPException(status_code=404, detail=f"no case or enterprise {case_id} has events")
    return report
