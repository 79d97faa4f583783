"""The read side the API serves from: a small protocol, implemented over the projections' views by
``api/projection_reads.py`` (chosen in ``api/services.py``).

Every method returns plain JSON-ready dicts whose keys are DESIGN.md §6's field names.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

Json = dict[str, Any]


class CursorError(ValueError):
    """A paging cursor that this server did not hand out."""


class CaseReads(Protocol):
    """Queries over cases, answered from the store (interim) or the projections."""

    def case_progress(self, case_id: UUID) -> Json:
        """The progress view of one case (raises NotFoundError for an unknown id)."""
        ...

    def list_cases(
        self,
        tier: str | None,
        status: str | None,
        collector: str | None,
        department: str | None,
        cursor: str | None,
        limit: int,
    ) -> Json:
        """``{"items": [progress...], "next_cursor": str | None}``, oldest case first."""
        ...

    def timeline(self, case_id: UUID, cursor: str | None, limit: int) -> Json:
        """``{"items": [...], "next_cursor": ...}``, in occurred_at order."""
        ...

    def audit(self, case_id: UUID) -> Json:
        """``{"case_id", "items": [{"version", "type", "recorded_at", "hash", "prev_hash"}]}``."""
        ...

    def department_queue(self, department: str) -> Json:
        """Open tasks of a department, earliest due first."""
        ...

    def worklist(self, collector: str) -> Json:
        """A collector's next actions (open deadlines and tasks of their cases), earliest first."""
        ...

    def portfolio_report(self) -> Json:
        """Portfolio KPIs."""
        ...

    def channel_report(self) -> Json:
        """Attempts and right-party contacts per channel."""
        ...

    def compliance_report(self) -> Json:
        """Contacts made under a supervisor's override, and the policy gaps known so far."""
        ...

    def verify_audit(self) -> Json:
        """Recompute every case's chain from the store and name what does not check out."""
        ...
