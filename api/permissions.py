"""Who may do what: one permission per kind of route, and the roles that hold it.

The README's permission matrix is generated from this table (``python -m api.permissions``).
"""

from __future__ import annotations

from enum import StrEnum

from domain.base import Role

R = Role
ALL = frozenset({R.COLLECTOR, R.SUPERVISOR, R.RISK, R.CREDIT, R.LEGAL, R.CRM, R.COMPLIANCE, R.AUDITOR, R.ADMIN})
#: everyone who works cases (auditors and compliance officers only read)
WORKERS = frozenset({R.COLLECTOR, R.SUPERVISOR, R.RISK, R.CREDIT, R.LEGAL, R.CRM, R.ADMIN})


class Permission(StrEnum):
    """What a route needs."""

    READ = "read"
    READ_AUDIT = "read_audit"
    WRITE_ENTERPRISE = "write_enterprise"
    IMPORT = "import"
    OPEN_CASE = "open_case"
    ASSESS = "assess"
    LOG_CONTACT = "log_contact"
    OVERRIDE_CONTACT_POLICY = "override_contact_policy"
    PROMISE = "promise"
    PLAN = "plan"
    SIGN_AGREEMENT = "sign_agreement"
    RECORD_PAYMENT = "record_payment"
    ESCALATE = "escalate"
    ASSIGN_TASK = "assign_task"
    COMPLETE_TASK = "complete_task"
    RECORD_SIGNAL = "record_signal"
    ADD_NOTE = "add_note"
    RESOLVE = "resolve"
    ASSIGN_COLLECTOR = "assign_collector"
    READ_REPORTS = "read_reports"
    MANAGE_DEADLINES = "manage_deadlines"
    DEESCALATE = "deescalate"
    DISPUTE = "dispute"
    LEGAL_ACTION = "legal_action"
    DO_NOT_CONTACT = "do_not_contact"
    PUBLISH_POLICY = "publish_policy"


MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.READ: ALL,
    Permission.READ_AUDIT: frozenset({R.SUPERVISOR, R.COMPLIANCE, R.AUDITOR, R.ADMIN}),
    Permission.READ_REPORTS: frozenset({R.SUPERVISOR, R.RISK, R.COMPLIANCE, R.AUDITOR, R.ADMIN}),
    Permission.WRITE_ENTERPRISE: frozenset({R.SUPERVISOR, R.RISK, R.CREDIT, R.ADMIN}),
    Permission.IMPORT: frozenset({R.SUPERVISOR, R.CREDIT, R.ADMIN}),
    Permission.OPEN_CASE: frozenset({R.SUPERVISOR, R.CREDIT, R.ADMIN}),
    Permission.ASSESS: frozenset({R.SUPERVISOR, R.RISK, R.ADMIN}),
    Permission.LOG_CONTACT: frozenset({R.COLLECTOR, R.SUPERVISOR, R.LEGAL, R.CRM, R.ADMIN}),
    Permission.OVERRIDE_CONTACT_POLICY: frozenset({R.SUPERVISOR}),
    Permission.PROMISE: frozenset({R.COLLECTOR, R.SUPERVISOR, R.ADMIN}),
    Permission.PLAN: frozenset({R.COLLECTOR, R.SUPERVISOR, R.CREDIT, R.ADMIN}),
    Permission.SIGN_AGREEMENT: frozenset({R.SUPERVISOR, R.LEGAL, R.ADMIN}),
    Permission.RECORD_PAYMENT: frozenset({R.COLLECTOR, R.SUPERVISOR, R.CREDIT, R.ADMIN}),
    Permission.ESCALATE: frozenset({R.SUPERVISOR, R.RISK, R.ADMIN}),
    Permission.ASSIGN_TASK: WORKERS,
    Permission.COMPLETE_TASK: WORKERS,
    Permission.RECORD_SIGNAL: WORKERS,
    Permission.ADD_NOTE: WORKERS,
    Permission.RESOLVE: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.ASSIGN_COLLECTOR: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.MANAGE_DEADLINES: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.DEESCALATE: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.DISPUTE: frozenset({R.COLLECTOR, R.SUPERVISOR, R.LEGAL, R.ADMIN}),
    Permission.LEGAL_ACTION: frozenset({R.SUPERVISOR, R.LEGAL, R.ADMIN}),
    Permission.DO_NOT_CONTACT: frozenset({R.SUPERVISOR, R.ADMIN}),
    Permission.PUBLISH_POLICY: frozenset({R.SUPERVISOR, R.ADMIN}),
}
assert set(MATRIX) == set(Permission)
assert all(R.AUDITOR not in roles and R.COMPLIANCE not in roles for p, roles in MATRIX.items() if "read" not in p)


def allowed(permission: Permission, role: Role) -> bool:
    """True when the role holds the permission."""
    return role in MATRIX[permission]
