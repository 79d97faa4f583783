"""Domain errors: every broken rule raises one of these, never a bare exception."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the domain; nothing was recorded."""

    code = "domain-error"


class InvariantError(DomainError):
    """A command's input contradicts an invariant of the aggregate (e.g. a zero payment)."""

    code = "invariant-violated"


class IllegalTransitionError(DomainError):
    """The command is not allowed in the case's current state (e.g. contact on a closed case)."""

    code = "illegal-transition"


class DuplicateError(DomainError):
    """The thing already exists (e.g. a deadline id or a case for the same loan)."""

    code = "duplicate"


class NotFoundError(DomainError):
    """An unknown id: enterprise, case, deadline, promise, plan, task..."""

    code = "not-found"


class ConflictError(DomainError):
    """Someone else changed the aggregate first: reload and retry."""

    code = "version-conflict"


class PermissionDeniedError(DomainError):
    """The actor's role may not do this (e.g. only a supervisor overrides the contact policy)."""

    code = "forbidden"


class FutureEventError(InvariantError):
    """occurred_at lies in the future."""

    code = "occurred-in-future"


class ContactPolicyError(DomainError):
    """A contact breaks a rule of the contact policy; ``rule_id`` names it."""

    code = "contact-policy"

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(f"{rule_id}: {message}")
        self.rule_id = rule_id


class BeforeOpeningError(InvariantError):
    """An act is dated before the case it is recorded on was opened."""

    code = "before-case-opened"
