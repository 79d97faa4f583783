"""Bulk import of enterprises, financial statements and loan records from CSV or JSON Lines.

All or nothing per file: every row is applied to in-memory aggregates first and every bad row is
reported (line, field, reason); only a file without bad rows is saved, in one transaction.
Re-importing the same file records nothing (idempotent by credit code, period and loan id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.core import AppPart
from application.import_rows import (
    FIELDS,
    ImportFormat,
    ImportKind,
    Row,
    RowError,
    RowProblem,
    detect_format,
    is_existing_file,
    read_rows,
    required_value,
    to_loan,
    to_registration,
    to_statement,
)
from domain.act import Act
from domain.base import Actor
from domain.enterprise import Enterprise
from domain.enterprise.values import ContactPerson, Registration
from domain.errors import ConflictError, DomainError, NotFoundError
from domain.ids import enterprise_id as derive_enterprise_id
from domain.ids import normalise_credit_code

Progress = Callable[[Iterable[Any], int], Iterable[Any]]

__all__ = ["ImportCommands", "ImportFormat", "ImportKind", "ImportResult", "RowError"]


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


class ImportCommands(AppPart):
    """Mixed into CollectionsApp: ``import_file`` and ``import_text``."""

    def import_file(
        self,
        path_or_text: str | Path,
        format: str | None = None,
        *,
        kind: str | None = None,
        actor: Actor | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import a CSV or JSON Lines file (a path, or the text itself); all or nothing, idempotent."""
        app = self._app
        if isinstance(path_or_text, Path) or is_existing_file(path_or_text):
            path = Path(path_or_text)
            text = path.read_text(encoding="utf-8-sig")
            name = path.name
        else:
            text, name = str(path_or_text), ""
        fmt = ImportFormat(format) if format else detect_format(name, text)
        return app.import_text(text, fmt, kind=kind, actor=actor, progress=progress)

    def import_text(
        self,
        text: str,
        format: ImportFormat | str,
        *,
        kind: str | None = None,
        actor: Actor | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import the text of a CSV or JSON Lines file; all or nothing, idempotent."""
        app = self._app
        actor = actor or Actor.system("import")
        default_kind = ImportKind(kind) if kind else None
        rows, errors = read_rows(text, ImportFormat(format), default_kind)
        result = ImportResult(rows=len(rows) + len(errors), errors=errors)
        staged: dict[UUID, Enterprise] = {}
        now = app.clock.now()
        seen_keys: dict[str, tuple[str, int]] = {}
        ordered = sorted(rows, key=lambda r: (r.kind is not ImportKind.ENTERPRISES, r.line))
        seen_codes: dict[str, int] = {}
        track = progress or (lambda items, _total: items)
        for row in track(ordered, len(ordered)):
            try:
                app._apply_row(row, staged, seen_codes, seen_keys, result, actor, now)
            except RowProblem as problem:
                result.errors.append(RowError(row.line, problem.field_name, problem.reason))
            except DomainError as error:
                result.errors.append(RowError(row.line, field_of(str(error), row.data), str(error)))
        result.errors.sort(key=lambda e: e.line)
        if result.errors:
            return result
        changed = [a for a in staged.values() if a.pending_events]
        if changed:
            try:
                app.save(*changed)  # one transaction: every change of the file, or none
            except IntegrityError:
                raise ConflictError("an enterprise changed while importing; nothing was written, retry") from None
        return result

    def _apply_row(
        self,
        row: Row,
        staged: dict[UUID, Enterprise],
        seen_codes: dict[str, int],
        seen_keys: dict[str, tuple[str, int]],
        result: ImportResult,
        actor: Actor,
        now: datetime,
    ) -> None:
        app = self._app
        code = normalise_credit_code(str(required_value(row.data, "credit_code")))
        enterprise_id = derive_enterprise_id(code)
        if row.kind is ImportKind.ENTERPRISES:
            if code in seen_codes:
                raise RowProblem("credit_code", f"{code} is already on line {seen_codes[code]}")
            seen_codes[code] = row.line
            registration, contacts = to_registration(row.data)
            app._stage_enterprise(enterprise_id, registration, contacts, set(row.data), staged, result, actor, now)
            return
        statement = to_statement(row.data) if row.kind is ImportKind.STATEMENTS else None
        record = to_loan(row.data) if row.kind is ImportKind.LOANS else None
        enterprise = staged.get(enterprise_id) or app._existing(enterprise_id)
        if enterprise is None:
            raise RowProblem("credit_code", f"no enterprise {code}: register it first (or in the same file)")
        staged[enterprise_id] = enterprise
        if statement is not None:
            key = f"{code}/{statement.period}"
            if key in seen_keys:
                raise RowProblem("period", f"{statement.period} of {code} is already on line {seen_keys[key][1]}")
            seen_keys[key] = (code, row.line)
            filed = enterprise.file_statement(statement, act=Act.of(actor, now, now))
            result.statements_filed += filed
            result.unchanged += not filed
        if record is not None:
            owner = seen_keys.get(record.loan_id)
            if owner is not None:
                raise RowProblem("loan_id", f"{record.loan_id} is already on line {owner[1]}")
            seen_keys[record.loan_id] = (code, row.line)
            added = enterprise.add_loan_record(record, act=Act.of(actor, now, now))
            result.loans_added += added
            result.unchanged += not added

    def _existing(self, enterprise_id: UUID) -> Enterprise | None:
        app = self._app
        try:
            return app.get_enterprise(enterprise_id)
        except NotFoundError:
            return None

    def _stage_enterprise(
        self,
        enterprise_id: UUID,
        registration: Registration,
        contacts: list[ContactPerson],
        present_fields: set[str],
        staged: dict[UUID, Enterprise],
        result: ImportResult,
        actor: Actor,
        now: datetime,
    ) -> None:
        app = self._app
        existing = app._existing(enterprise_id)
        if existing is None:
            staged[enterprise_id] = Enterprise.register(registration, contacts, act=Act.of(actor, now, now))
            result.enterprises_registered += 1
            return
        staged[enterprise_id] = existing
        before = len(existing.pending_events)
        present = {name: getattr(registration, name) for name in present_fields if name in Registration.model_fields}
        existing.update_profile(existing.registration.model_copy(update=present), act=Act.of(actor, now, now))
        changed = len(existing.pending_events) > before
        result.enterprises_updated += changed
        for person in contacts:
            if existing.find_contact(person.name) is None:
                existing.add_contact_person(person, act=Act.of(actor, now, now))
                result.contacts_added += 1
                changed = True
        result.unchanged += not changed
