"""The collection case: one aggregate per overdue loan (values, events, state, commands by concept).

Events and snapshots stored before the case became a package name their classes by the old modules
(``domain.case_events:PromiseToPayMade``, ``domain.case:CollectionCase``...); those topics are
registered here so old databases keep loading.
"""

from __future__ import annotations

import inspect

from eventsourcing.utils import register_topic

from domain.case import events, state, values
from domain.case.aggregate import CollectionCase

__all__ = ["CollectionCase"]

#: where each class lived before the case became a package
_OLD_MODULES = {
    "domain.case_events": events,
    "domain.case_state": state,
    "domain.case_values": values,
}


def _register_old_topics() -> None:
    register_topic("domain.case:CollectionCase", CollectionCase)
    for old, module in _OLD_MODULES.items():
        for name, cls in vars(module).items():
            moved_out = name in getattr(module, "__all__", ())  # lives beside now, named by the module still
            if inspect.isclass(cls) and (cls.__module__ == module.__name__ or moved_out):
                register_topic(f"{old}:{name}", cls)


_register_old_topics()
