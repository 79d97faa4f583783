"""Where a projection stands: its position in the log, its lag and the failure that stopped it, if any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProjectionStatus:
    """Where one projection stands."""

    name: str
    position: int
    head: int
    lag: int
    failed_position: int | None
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for /readyz and /metrics."""
        return dict(self.__dict__)
