"""The handler of every command, registered in ``registry.HANDLERS`` as each module is imported."""

from application import importing
from application.handlers import arrears, collaboration, commitments, contacts, enterprises, legal, lifecycle, strategy
from application.handlers.registry import HANDLERS

__all__ = [
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
