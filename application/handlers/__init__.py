"""The handler of every command, registered in ``registry.HANDLERS`` as each module is imported."""

from application import importing
from application.handlers import arrears, collaboration, commitments, contacts, enterprises, legal, lifecycle, strategy
from application.handlers.registry import ASYNC_HANDLERS, HANDLERS

__all__ = [
    "ASYNC_HANDLERS",
    "HANDLERS",
    "arrears",
    "collaboration",
    "commitments",
    "contacts",
    "enterprises",
    "importing",
    "legal",
    "lifecycle",
    "strategy",
]
