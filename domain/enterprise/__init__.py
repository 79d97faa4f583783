"""The enterprise: one aggregate per unified social credit code (values, events, checks, aggregate).

Events and snapshots stored before the enterprise became a package name their classes by the old
module (``domain.enterprise:EnterpriseRegistered``, ``domain.enterprise:Enterprise``...); those
topics are registered here so old databases keep loading.
"""

from __future__ import annotations

import inspect

from eventsourcing.utils import register_topic

from domain.enterprise import aggregate, events, values
from domain.enterprise.aggregate import Enterprise

__all__ = ["Enterprise"]


def _register_old_topics() -> None:
    for module in (values, events, aggregate):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                register_topic(f"domain.enterprise:{name}", cls)


_register_old_topics()
