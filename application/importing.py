"""Bulk import of enterprises, financial statements and loan records from CSV or JSON Lines.

All or nothing per file: every row is applied to in-memory aggregates first and every bad row is
reported (line, field, reason); only a file without bad rows is saved, in one transaction.
Re-importing the same file records nothing (idempotent by credit code, period and loan id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from application.commands.base import Outcome
from application.commands.imports import ImportRecords
from application.handlers.registry import act_now, handles
from application.import_rows import (
    FIELDS,
    Faults,
    ImportFormat,
    ImportKind,
    Row,
    RowError,
    RowProblem,
    credit_code,
    detect_format,
    is_existing_file,
    read_rows,
    to_loan,
    to_registration,
    to_statement,
)
from domain.act import Act
from domain.enterprise import Enterprise
from domain.enterprise.values import ContactPerson, Registration
from domain.errors import DomainError, NotFoundError
from domain.ids import enterprise_id as derive_enterprise_id
from infrastructure.unit_of_work import UnitOfWork

__all__ = ["ImportFormat", "ImportKind", "ImportResult", "RowError", "import_command", "import_records"]


@dataclass
class ImportResult:
    """What an import did (or, with errors, would have done: nothing was written)."""

    rows: int = 0
    enterprises_registered: int = 0
    enterprises_updated: int = 0
    contacts_added: int = 0
    statements_filed: int = 0
    loans_added: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no bad row and was applied."""
        return not self.errors

    @property
    def events_recorded(self) -> int:
        """How many changes were recorded."""
        if self.errors:
            return 0
        return (
            self.enterprises_registered
            + self.enterprises_updated
            + self.contacts_added
            + self.statements_filed
            + self.loans_added
        )


def field_of(message: str, data: dict[str, Any]) -> str:
    """Domain messages start with the field they are about, when they are about one."""
    head = message.split(" ", 1)[0]
    return head if head in data or head in FIELDS[ImportKind.STATEMENTS] | FIELDS[ImportKind.LOANS] else ""


# --- the command ------------------------------------------------------------------------------------


def import_command(path_or_text: str | Path, format: str | None = None, **fields: Any) -> ImportRecords:
    """The import of a file (a path) or of the text itself; ``fields`` are the command's other fields."""
    if isinstance(path_or_text, Path) or is_existing_file(path_or_text):
        path = Path(path_or_text)
        return ImportRecords(text=path.read_text(encoding="utf-8-sig"), format=format, name=path.name, **fields)
    return ImportRecords(text=str(path_or_text), format=format, **fields)


@handles(ImportRecords)
def import_records(command: ImportRecords, uow: UnitOfWork) -> Outcome[ImportResult]:
    """Apply every row to copies of the enterprises; save them in one transaction only if no row is bad.

    An import changes many enterprises, so its outcome names no version (0).
    """
    fmt = ImportFormat(command.format) if command.format else detect_format(command.name, command.text)
    rows, errors = read_rows(command.text, fmt, ImportKind(command.kind) if command.kind else None)
    staging = Staging(uow, act_now(command, uow), ImportResult(rows=len(rows) + len(errors), errors=errors))
    ordered = sorted(rows, key=lambda r: (r.kind is not ImportKind.ENTERPRISES, r.line))
    track = command.progress or (lambda items, _total: items)
    for row in track(ordered, len(ordered)):
        try:
            staging.apply(row)
        except RowProblem as problem:  # every fault of the row, so one round of fixes is enough
            staging.result.errors.extend(RowError(row.line, name, reason) for name, reason in problem.problems)
        except DomainError as error:
            staging.result.errors.append(RowError(row.line, field_of(str(error), row.data), str(error)))
    result = staging.result
    result.errors.sort(key=lambda e: e.line)
    if not result.errors:
        changed = [a for a in staging.staged.values() if a.pending_events]
        if changed:
            uow.save_together(changed)  # one transaction: every change of the file, or none
    return Outcome(result, 0)


class Staging:
    """The enterprises an import changes, as private copies, and what each row did to them."""

    def __init__(self, uow: UnitOfWork, act: Act, result: ImportResult) -> None:
        self.uow = uow
        self.act = act
        self.result = result
        self.staged: dict[UUID, Enterprise] = {}
        self.seen_codes: dict[str, int] = {}
        self.seen_keys: dict[str, tuple[str, int]] = {}

    def apply(self, row: Row) -> None:
        """Apply one row, or raise RowProblem / DomainError saying what is wrong with it."""
        act, result = self.act, self.result
        if row.kind is ImportKind.ENTERPRISES:
            registration, contacts = to_registration(row.data)  # every bad field at once
            code = registration.credit_code
            if code in self.seen_codes:
                raise RowProblem("credit_code", f"{code} is already on line {self.seen_codes[code]}")
            self.seen_codes[code] = row.line
            self.stage_enterprise(derive_enterprise_id(code), registration, contacts, set(row.data))
            return
        faults = Faults()
        code = faults.take(credit_code, row.data) or ""
        statement = faults.take(to_statement, row.data) if row.kind is ImportKind.STATEMENTS else None
        record = faults.take(to_loan, row.data) if row.kind is ImportKind.LOANS else None
        faults.check()
        enterprise_id = derive_enterprise_id(code)
        enterprise = self.staged.get(enterprise_id) or self.existing(enterprise_id)
        if enterprise is None:
            raise RowProblem("credit_code", f"no enterprise {code}: register it first (or in the same file)")
        self.staged[enterprise_id] = enterprise
        if statement is not None:
            key = f"{code}/{statement.period}"
            if key in self.seen_keys:
                raise RowProblem("period", f"{statement.period} of {code} is already on line {self.seen_keys[key][1]}")
            self.seen_keys[key] = (code, row.line)
            filed = enterprise.file_statement(statement, act=act)
            result.statements_filed += filed
            result.unchanged += not filed
        if record is not None:
            owner = self.seen_keys.get(record.loan_id)
            if owner is not None:
                raise RowProblem("loan_id", f"{record.loan_id} is already on line {owner[1]}")
            self.seen_keys[record.loan_id] = (code, row.line)
            added = enterprise.add_loan_record(record, act=act)
            result.loans_added += added
            result.unchanged += not added

    def existing(self, enterprise_id: UUID) -> Enterprise | None:
        """A private copy of a registered enterprise, or None."""
        try:
            return self.uow.load(Enterprise, enterprise_id)
        except NotFoundError:
            return None

    def stage_enterprise(
        self, enterprise_id: UUID, registration: Registration, contacts: list[ContactPerson], present_fields: set[str]
    ) -> None:
        """Register a new enterprise, or update the fields the row gives and add contact persons it lacks."""
        act, result = self.act, self.result
        existing = self.existing(enterprise_id)
        if existing is None:
            self.staged[enterprise_id] = Enterprise.register(registration, contacts, act=act)
            result.enterprises_registered += 1
            return
        self.staged[enterprise_id] = existing
        before = len(existing.pending_events)
        present = {name: getattr(registration, name) for name in present_fields if name in Registration.model_fields}
        existing.update_profile(existing.registration.model_copy(update=present), act=act)
        changed = len(existing.pending_events) > before
        result.enterprises_updated += changed
        for person in contacts:
            if existing.find_contact(person.name) is None:
                existing.add_contact_person(person, act=act)
                result.contacts_added += 1
                changed = True
        result.unchanged += not changed
