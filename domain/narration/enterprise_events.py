"""How an enterprise's and the policy's events read."""

from __future__ import annotations

from domain.enterprise.events import (
    ContactPersonAdded,
    DebtorClassified,
    DoNotContactLifted,
    DoNotContactSet,
    EnterpriseRegistered,
    FinancialStatementFiled,
    LoanRecordAdded,
    ProfileUpdated,
)
from domain.narration.dispatch import describe
from domain.strategy import PolicyPublished


@describe.register
def _(e: PolicyPublished) -> str:
    risk = e.terms.risk
    return f"strategy policy v{e.version} published (medium from {risk.medium_from}, high from {risk.high_from})" + (
        f": {e.note}" if e.note else ""
    )


@describe.register
def _(e: EnterpriseRegistered) -> str:
    return f"enterprise {e.registration.name} registered ({e.registration.credit_code})"


@describe.register
def _(e: ProfileUpdated) -> str:
    return "registration details updated"


@describe.register
def _(e: FinancialStatementFiled) -> str:
    return f"financial statements for {e.statement.period} filed"


@describe.register
def _(e: LoanRecordAdded) -> str:
    return f"loan {e.record.loan_id} of {e.record.amount} added to history"


@describe.register
def _(e: ContactPersonAdded) -> str:
    return f"contact person {e.person.name} added"


@describe.register
def _(e: DoNotContactSet) -> str:
    return f"do-not-contact set: {e.reason}"


@describe.register
def _(e: DoNotContactLifted) -> str:
    return f"do-not-contact lifted: {e.reason}"


@describe.register
def _(e: DebtorClassified) -> str:
    rules = f" [{', '.join(e.rule_ids)}]" if e.rule_ids else ""
    return f"debtor classified {e.category}{rules}: {e.reason}"
