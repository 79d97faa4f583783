"""Deterministic ids, so imports and retries are idempotent."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

ENTERPRISE_NAMESPACE = uuid5(NAMESPACE_URL, "arrears:enterprise")
CASE_NAMESPACE = uuid5(NAMESPACE_URL, "arrears:case")


def normalise_credit_code(credit_code: str) -> str:
    """Unified social credit codes are 18 upper-case characters; spaces are noise."""
    return credit_code.replace(" ", "").upper()


def enterprise_id(credit_code: str) -> UUID:
    """The enterprise's id: uuid5 of its unified social credit code."""
    return uuid5(ENTERPRISE_NAMESPACE, normalise_credit_code(credit_code))


def case_id(loan_id: str) -> UUID:
    """The case's id: uuid5 of the overdue loan's id."""
    return uuid5(CASE_NAMESPACE, loan_id.strip())
