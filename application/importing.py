"""Bulk import of enterprises, financial statements and loan records from CSV or JSON Lines.

All or nothing per file: every row is applied to in-memory aggregates first and every bad row is
reported (line, field, reason); only a file without bad rows is saved, in one transaction.
Re-importing the same file records nothing (idempotent by credit code, period and loan id).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import orjson
from eventsourcing.persistence import IntegrityError
from pydantic import ValidationError

from application.core import AppPart
from domain.base import Actor
from domain.enterprise import ContactPerson, Enterprise, FinancialStatement, LoanRecord, LoanStatus, Registration
from domain.errors import ConflictError, DomainError, NotFoundError
from domain.ids import enterprise_id as derive_enterprise_id
from domain.ids import normalise_credit_code
from domain.money import Money, MoneyError

T = TypeVar("T")
Progress = Callable[[Iterable[Any], int], Iterable[Any]]


class ImportKind(StrEnum):
    """What a row describes."""

    ENTERPRISES = "enterprises"
    STATEMENTS = "statements"
    LOANS = "loans"


class ImportFormat(StrEnum):
    """File formats ``import_file`` reads."""

    CSV = "csv"
    JSONL = "jsonl"


_KIND_NAMES = {
    "enterprise": ImportKind.ENTERPRISES,
    "enterprises": ImportKind.ENTERPRISES,
    "statement": ImportKind.STATEMENTS,
    "statements": ImportKind.STATEMENTS,
    "financial_statement": ImportKind.STATEMENTS,
    "loan": ImportKind.LOANS,
    "loans": ImportKind.LOANS,
    "loan_record": ImportKind.LOANS,
}
STATEMENT_MONEY = [
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
    "inventory",
    "cash",
    "revenue",
    "operating_profit",
    "net_profit",
    "interest_expense",
    "operating_cash_flow",
]
FIELDS: dict[ImportKind, set[str]] = {
    ImportKind.ENTERPRISES: {
        "credit_code",
        "name",
        "registered_capital",
        "business_scope",
        "legal_representative",
        "industry",
        "region",
        "established_on",
        "timezone",
        "contacts",
        "contact_name",
        "contact_role",
        "contact_phone",
        "contact_email",
    },
    ImportKind.STATEMENTS: {"credit_code", "period", *STATEMENT_MONEY},
    ImportKind.LOANS: {
        "credit_code",
        "loan_id",
        "amount",
        "start_on",
        "maturity_on",
        "overdue_episodes",
        "max_days_past_due",
        "status",
    },
}


@dataclass(frozen=True)
class RowError:
    """A bad row: its line in the file, the field at fault ("" for the whole row) and why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


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


@dataclass(frozen=True)
class Row:
    """One parsed row and where it came from."""

    line: int
    kind: ImportKind
    data: dict[str, Any]


class RowProblem(Exception):
    """A field of a row is bad."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason


# --- reading ------------------------------------------------------------------------------------


def detect_format(name: str, text: str) -> ImportFormat:
    """From the file name's suffix, else from the first character (``{`` means JSON Lines)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return ImportFormat.JSONL
    if suffix == ".csv":
        return ImportFormat.CSV
    return ImportFormat.JSONL if text.lstrip().startswith("{") else ImportFormat.CSV


def infer_kind(keys: Iterable[str]) -> ImportKind | None:
    """A row's kind from its fields: a period means a statement, a loan id a loan, a name an enterprise."""
    present = set(keys)
    if "period" in present:
        return ImportKind.STATEMENTS
    if "loan_id" in present:
        return ImportKind.LOANS
    if "name" in present:
        return ImportKind.ENTERPRISES
    return None


def _row_kind(data: dict[str, Any], default: ImportKind | None) -> ImportKind | None:
    named = data.pop("kind", None)
    if named not in (None, ""):
        return _KIND_NAMES.get(str(named).strip().lower())
    return default or infer_kind(data)


def read_rows(text: str, fmt: ImportFormat, kind: ImportKind | None) -> tuple[list[Row], list[RowError]]:
    """Parse the file into rows (kind resolved) and the lines that could not be parsed."""
    rows: list[Row] = []
    errors: list[RowError] = []
    if fmt is ImportFormat.JSONL:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                errors.append(RowError(number, "", f"not valid JSON: {error}"))
                continue
            if not isinstance(data, dict):
                errors.append(RowError(number, "", "each line must be a JSON object"))
                continue
            _add_row(rows, errors, number, data, kind)
    else:
        reader = csv.DictReader(io.StringIO(text))
        for data in reader:
            number = reader.line_num
            if None in data:
                errors.append(RowError(number, "", "more values than header columns"))
                continue
            cleaned = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k}
            if not any(cleaned.values()):
                continue
            _add_row(rows, errors, number, {k: v for k, v in cleaned.items() if v not in ("", None)}, kind)
    return rows, errors


def _add_row(
    rows: list[Row], errors: list[RowError], number: int, data: dict[str, Any], kind: ImportKind | None
) -> None:
    resolved = _row_kind(data, kind)
    if resolved is None:
        errors.append(RowError(number, "kind", "cannot tell whether this is an enterprise, statement or loan"))
        return
    unknown = sorted(set(data) - FIELDS[resolved])
    if unknown:
        errors.append(RowError(number, unknown[0], f"unknown field for {resolved}"))
        return
    rows.append(Row(number, resolved, data))


def is_existing_file(text: str) -> bool:
    """True when ``text`` names a file rather than being a file's contents."""
    if "\n" in text or len(text) > 4096:
        return False
    try:
        return Path(text).is_file()
    except OSError:  # e.g. a one-line JSON text too long to be a file name
        return False


# --- turning rows into domain values --------------------------------------------------------------


def _required(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowProblem(name, "is required")
    return value


def _money(data: dict[str, Any], name: str, required: bool = True) -> Money:
    value = _required(data, name) if required else data.get(name, "0")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RowProblem(name, 'must be a decimal string such as "12500.00" (never a float)')
    try:
        return Money.parse(value)
    except MoneyError as error:
        raise RowProblem(name, str(error)) from None


def _date(data: dict[str, Any], name: str, required: bool = True) -> date | None:
    value = _required(data, name) if required else data.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RowProblem(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name, 0)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RowProblem(name, f"{value!r} is not a whole number") from None
    if isinstance(value, float) or number < 0:
        raise RowProblem(name, "must be a non-negative whole number")
    return number


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise RowProblem(name, "must be text")
    return value


def to_registration(data: dict[str, Any]) -> tuple[Registration, list[ContactPerson]]:
    """An enterprise row as a registration and its contact persons."""
    values: dict[str, Any] = {
        "credit_code": normalise_credit_code(str(_required(data, "credit_code"))),
        "name": _required(data, "name"),
        "registered_capital": _money(data, "registered_capital"),
        "established_on": _date(data, "established_on", required=False),
    }
    for name in ("business_scope", "legal_representative", "industry", "region", "timezone"):
        if name in data:
            values[name] = _text(data, name)
    contacts_data = data.get("contacts", [])
    if not isinstance(contacts_data, list):
        raise RowProblem("contacts", "must be a list of {name, role, phone, email}")
    if "contact_name" in data:
        contacts_data = [*contacts_data, {k[len("contact_") :]: v for k, v in data.items() if k.startswith("contact_")}]
    try:
        contacts = [ContactPerson.model_validate(c) for c in contacts_data]
        return Registration(**values), contacts
    except ValidationError as error:
        raise _problem(error) from None


def to_statement(data: dict[str, Any]) -> FinancialStatement:
    """A statement row as the domain's value."""
    values: dict[str, Any] = {"period": str(_required(data, "period"))}
    for name in STATEMENT_MONEY:
        values[name] = _money(data, name)
    return FinancialStatement(**values)


def to_loan(data: dict[str, Any]) -> LoanRecord:
    """A loan row as the domain's value."""
    status = str(data.get("status", "current"))
    if status not in {s.value for s in LoanStatus}:
        raise RowProblem("status", f"must be one of {', '.join(s.value for s in LoanStatus)}")
    return LoanRecord(
        loan_id=str(_required(data, "loan_id")).strip(),
        amount=_money(data, "amount"),
        start_on=_date(data, "start_on"),
        maturity_on=_date(data, "maturity_on"),
        overdue_episodes=_int(data, "overdue_episodes"),
        max_days_past_due=_int(data, "max_days_past_due"),
        status=LoanStatus(status),
    )


def _problem(error: ValidationError) -> RowProblem:
    first = error.errors()[0]
    return RowProblem(".".join(str(p) for p in first["loc"]), first["msg"])


def _field_of(message: str, data: dict[str, Any]) -> str:
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
                result.errors.append(RowError(row.line, _field_of(str(error), row.data), str(error)))
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
        code = normalise_credit_code(str(_required(row.data, "credit_code")))
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
            filed = enterprise.file_statement(statement, actor, now, now)
            result.statements_filed += filed
            result.unchanged += not filed
        if record is not None:
            owner = seen_keys.get(record.loan_id)
            if owner is not None:
                raise RowProblem("loan_id", f"{record.loan_id} is already on line {owner[1]}")
            seen_keys[record.loan_id] = (code, row.line)
            added = enterprise.add_loan_record(record, actor, now, now)
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
            staged[enterprise_id] = Enterprise.register(registration, contacts, actor, now, now)
            result.enterprises_registered += 1
            return
        staged[enterprise_id] = existing
        before = len(existing.pending_events)
        present = {name: getattr(registration, name) for name in present_fields if name in Registration.model_fields}
        existing.update_profile(existing.registration.model_copy(update=present), actor, now, now)
        changed = len(existing.pending_events) > before
        result.enterprises_updated += changed
        for person in contacts:
            if existing.find_contact(person.name) is None:
                existing.add_contact_person(person, actor, now, now)
                result.contacts_added += 1
                changed = True
        result.unchanged += not changed
