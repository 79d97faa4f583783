"""Reading CSV and JSON Lines import files into typed rows, and rows into domain values, with per-field problems."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from domain.enterprise.values import ContactPerson, FinancialStatement, LoanRecord, LoanStatus, Registration
from domain.ids import normalise_credit_code
from domain.money import Money, MoneyError

T = TypeVar("T")


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
        "outstanding",
        "days_past_due",
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


@dataclass(frozen=True)
class Row:
    """One parsed row and where it came from."""

    line: int
    kind: ImportKind
    data: dict[str, Any]


class RowProblem(Exception):
    """A field of a row is bad (or several are: ``problems`` lists every (field, reason) of the row)."""

    def __init__(self, field_name: str, reason: str, more: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason
        self.problems: list[tuple[str, str]] = [(field_name, reason), *more]


class Faults:
    """Every fault of one row, collected so the row is reported whole instead of one fault per attempt."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def take(self, read: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``read(*args)``, or None with its problem(s) noted."""
        try:
            return read(*args, **kwargs)
        except RowProblem as problem:
            self.found.extend(problem.problems)
            return None
        except ValidationError as error:
            self.found.extend(_problems(error))
            return None

    def check(self) -> None:
        """Raise one RowProblem naming every fault noted."""
        if self.found:
            first, *rest = self.found
            raise RowProblem(*first, more=rest)


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


#: the longest CSV field read, in characters: the API's default body limit (``ARREARS_MAX_BODY_BYTES``, 1 MiB),
#: so no field of a body the API accepts is refused for its length alone (the csv module's own default is 131,072)
CSV_FIELD_LIMIT = 1024 * 1024


def csv_problem(error: csv.Error) -> str:
    """What a CSV reader's error means to the person who sent the file."""
    if "field larger than field limit" in str(error):
        return f"a field is longer than {CSV_FIELD_LIMIT:,} characters; nothing after it was read"
    return f"not valid CSV: {error}; nothing after it was read"


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
        csv.field_size_limit(CSV_FIELD_LIMIT)  # the module's one setting (per process): the same value everywhere
        while True:
            try:
                data = next(reader)
            except StopIteration:
                break
            except csv.Error as error:  # a field past the limit, a NUL...: the row is refused, and so the file
                errors.append(RowError(reader.line_num + 1, "", csv_problem(error)))  # the line it stopped on
                break
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
        errors.extend(RowError(number, name, f"unknown field for {resolved}") for name in unknown)
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


def required_value(data: dict[str, Any], name: str) -> Any:
    """The value of a required field; a missing or blank one is a problem."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowProblem(name, "is required")
    return value


def _money(data: dict[str, Any], name: str, required: bool = True) -> Money:
    value = required_value(data, name) if required else data.get(name, "0")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RowProblem(name, 'must be a decimal string such as "12500.00" (never a float)')
    try:
        return Money.parse(value)
    except MoneyError as error:
        raise RowProblem(name, str(error)) from None


def _date(data: dict[str, Any], name: str, required: bool = True) -> date | None:
    value = required_value(data, name) if required else data.get(name)
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


def credit_code(data: dict[str, Any]) -> str:
    """A row's unified social credit code, normalised."""
    return normalise_credit_code(str(required_value(data, "credit_code")))


def to_registration(data: dict[str, Any]) -> tuple[Registration, list[ContactPerson]]:
    """An enterprise row as a registration and its contact persons; every bad field is named at once."""
    faults = Faults()
    values: dict[str, Any] = {
        "credit_code": faults.take(credit_code, data),
        "name": faults.take(required_value, data, "name"),
        "registered_capital": faults.take(_money, data, "registered_capital"),
        "established_on": faults.take(_date, data, "established_on", required=False),
    }
    for name in ("business_scope", "legal_representative", "industry", "region", "timezone"):
        if name in data:
            values[name] = faults.take(_text, data, name)
    contacts_data = data.get("contacts", [])
    if not isinstance(contacts_data, list):
        faults.found.append(("contacts", "must be a list of {name, role, phone, email}"))
        contacts_data = []
    if "contact_name" in data:
        contacts_data = [*contacts_data, {k[len("contact_") :]: v for k, v in data.items() if k.startswith("contact_")}]
    taken = [faults.take(_contact, person, index) for index, person in enumerate(contacts_data)]
    contacts = [person for person in taken if person is not None]
    faults.check()
    try:
        return Registration(**values), contacts
    except ValidationError as error:
        faults.found.extend(_problems(error))
        faults.check()
        raise


def _contact(data: Any, index: int) -> ContactPerson:
    try:
        return ContactPerson.model_validate(data)
    except ValidationError as error:
        where = f"contacts.{index}"
        problems = [(f"{where}.{name}" if name else where, why) for name, why in _problems(error)]
        raise RowProblem(*problems[0], more=problems[1:]) from None


def to_statement(data: dict[str, Any]) -> FinancialStatement:
    """A statement row as the domain's value; every bad field is named at once."""
    faults = Faults()
    values: dict[str, Any] = {"period": faults.take(lambda: str(required_value(data, "period")))}
    for name in STATEMENT_MONEY:
        values[name] = faults.take(_money, data, name)
    faults.check()
    try:
        return FinancialStatement(**values)
    except ValidationError as error:
        faults.found.extend(_problems(error))
        faults.check()
        raise


def to_loan(data: dict[str, Any]) -> LoanRecord:
    """A loan row as the domain's value; every bad field is named at once."""
    faults = Faults()
    status = str(data.get("status", "current"))
    if status not in {s.value for s in LoanStatus}:
        faults.found.append(("status", f"must be one of {', '.join(s.value for s in LoanStatus)}"))
    values = {
        "loan_id": faults.take(lambda: str(required_value(data, "loan_id")).strip()),
        "amount": faults.take(_money, data, "amount"),
        "start_on": faults.take(_date, data, "start_on"),
        "maturity_on": faults.take(_date, data, "maturity_on"),
        "overdue_episodes": faults.take(_int, data, "overdue_episodes"),
        "max_days_past_due": faults.take(_int, data, "max_days_past_due"),
    }
    # today's figures, for the debtor rule (optional)
    if str(data.get("outstanding") or "").strip():
        values["outstanding"] = faults.take(_money, data, "outstanding")
    if str(data.get("days_past_due") if data.get("days_past_due") is not None else "").strip():
        values["days_past_due"] = faults.take(_int, data, "days_past_due")
    faults.check()
    try:
        return LoanRecord(**values, status=LoanStatus(status))
    except ValidationError as error:
        faults.found.extend(_problems(error))
        faults.check()
        raise


def _problems(error: ValidationError) -> list[tuple[str, str]]:
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()]
