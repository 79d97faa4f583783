"""Every projection of DESIGN.md §4, in one list."""

from __future__ import annotations

from projections.audit import AuditTrailView
from projections.base import View
from projections.channels import ChannelsView
from projections.compliance import ComplianceView
from projections.deadlines import DeadlinesView
from projections.enterprises import EnterprisesView
from projections.portfolio import PortfolioView
from projections.progress import CaseProgressView
from projections.queues import QueuesView
from projections.timeline import TimelineView


def all_views(audit_key: bytes | None = None, cipher: object | None = None) -> list[View]:
    """The views the runtime maintains (``cipher``: the event store's, for view text that names people)."""
    return [
        CaseProgressView(),
        TimelineView(cipher),
        AuditTrailView(audit_key),
        DeadlinesView(),
        QueuesView(),
        PortfolioView(),
        ChannelsView(),
        ComplianceView(),
        EnterprisesView(),
    ]
