"""Shared field types: decimal-string amounts, offset-carrying times, text without control characters, write
results. Every request field uses one of them, so the input rules live here once."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

EARLIEST = datetime(1900, 1, 1).date()
LATEST = datetime(2200, 12, 31).date()
#: C0 control characters and DEL, except tab and line breaks: never in free text
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: every C0 control character and DEL: never in names, ids and other one-line values
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
#: ISO 8601 date-time with an offset (the shape only; pydantic then checks the values)
_ISO_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"
)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: a UUID written the canonical way (8-4-4-4-12 hex digits) or as 32 hex digits
UUID_PATTERN = r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$"
_UUID = re.compile(UUID_PATTERN)


def _sane_datetime(value: datetime) -> datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError("times must lie between 1900 and 2200")
    return value


def _sane_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError("dates must lie between 1900 and 2200")
    return value


def _plain_uuid(value: object) -> object:
    """A path id must be spelled as a plain UUID: hyphenated 8-4-4-4-12, or 32 hex digits."""
    if isinstance(value, str) and not _UUID.match(value):
        raise ValueError(
            "ids are UUIDs written as 8-4-4-4-12 hex digits or as 32 hex digits (a case by its loan id: "
            "GET /v1/cases/by-loan/{loan_id}; by loan id, firm name or credit code: GET /v1/cases?q=)"
        )
    return value


def _iso_time(value: Any) -> Any:
    if isinstance(value, datetime):  # built in Python (the CLI, tests): already a time
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value):
        raise ValueError("times are ISO 8601 strings with an offset, e.g. 2026-11-02T10:00:00+08:00")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("dates are ISO 8601 strings, YYYY-MM-DD")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except Exception:
        raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") from None
    return value


def _refuse(found: re.Match[str] | None, where: str) -> None:
    if found is not None:
        raise ValueError(f"control character U+{ord(found.group()):04X} is not allowed in {where}")


def free_text(value: str) -> str:
    """Free text: any character but C0 controls and DEL (tab, line feed and carriage return are fine)."""
    _refuse(_CONTROL_IN_TEXT.search(value), "text (only tab and line breaks are)")
    return value


def one_line(value: str) -> str:
    """A name, id or other one-line value: no C0 control character (not even tab or a line break) and no DEL."""
    _refuse(_CONTROL_IN_LINE.search(value), "a one-line value")
    return value


def _free_json(value: Any) -> Any:
    """Every key and string inside free-form JSON is free text."""
    if isinstance(value, str):
        free_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            free_text(str(key))
            _free_json(item)
    elif isinstance(value, list):
        for item in value:
            _free_json(item)
    return value


#: a JSON string escape of a C0 control character or DEL, other than \t \n \r (not itself escaped: an even run of
#: backslashes before it)
_ESCAPED_CONTROL = re.compile(r"(?<!\\)(?:\\\\)*\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")


def control_in_file(text: str, json_escapes: bool) -> tuple[int, str] | None:
    """The line and character of the first control character an import file may not carry (C0 but tab and line
    breaks, and DEL; also written as ``\\u00XX`` escapes in JSON Lines), or None."""
    found = _CONTROL_IN_TEXT.search(text)
    escaped = _ESCAPED_CONTROL.search(text) if json_escapes else None
    if escaped is not None and (found is None or escaped.start() < found.start()):
        code = escaped.group()[-6:]
        return text.count("\n", 0, escaped.start()) + 1, f"U+{code[2:].upper()} (written {code})"
    if found is not None:
        return text.count("\n", 0, found.start()) + 1, f"U+{ord(found.group()):04X}"
    return None


_TEXT_SCHEMA = {"pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"}
_LINE_SCHEMA = {"pattern": "^[^\\u0000-\\u001f\\u007f]*$"}

Amount = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$",
        description="a non-negative decimal amount with at most 2 decimals (ASCII digits), as a string",
        examples=["12500.00"],
    ),
]
SignedAmount = Annotated[
    str,
    Field(
        pattern=r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$",
        description="a decimal amount (may be negative) with at most 2 decimals (ASCII digits), as a string",
        examples=["-320000.00"],
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code", examples=["CNY"])]
Time = Annotated[AwareDatetime, BeforeValidator(_iso_time), AfterValidator(_sane_datetime)]
Day = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_sane_date)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(one_line), AfterValidator(_zone)]
#: free text (notes, summaries, reasons): tab and line breaks allowed, other control characters not
Text = Annotated[str, Field(max_length=4000, json_schema_extra=_TEXT_SCHEMA), AfterValidator(free_text)]
#: names, ids and references: one line, no control characters
ShortText = Annotated[str, Field(max_length=200, json_schema_extra=_LINE_SCHEMA), AfterValidator(one_line)]
#: a UUID in a body (canonical 8-4-4-4-12 or 32 hex digits)
UuidText = Annotated[
    str, Field(pattern=UUID_PATTERN, description="a UUID", examples=["0c9d2f4e-1b7a-5c3d-9e8f-a1b2c3d4e5f6"])
]
#: a UUID in a path (canonical 8-4-4-4-12 or 32 hex digits; not ``{...}`` nor ``urn:uuid:...``, which UUID accepts)
PathId = Annotated[
    UUID, BeforeValidator(_plain_uuid), WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
]
#: free-form JSON (a plan kind's parameters): every string and key in it is free text
JsonObject = Annotated[dict[str, Any], AfterValidator(_free_json)]


#: arrays and objects nested deeper than this are refused (a plan's parameters need three or four levels)
MAX_DEPTH = 32
#: integers a body may carry: what a 64-bit column, and orjson, can hold
MIN_INT, MAX_INT = -(2**63), 2**64 - 1


def unstorable(data: Any) -> str | None:
    """Why a parsed JSON body cannot be stored as it is (nested too deep, a number out of range, text that is not
    valid Unicode), or None. Walked without recursion, so any depth is judged, not crashed on."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return f"the body nests arrays and objects too deep: at most {MAX_DEPTH} levels"
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if isinstance(key, str):
                    pending.append((key, depth))
                pending.append((item, depth + 1))
        elif isinstance(value, int) and not isinstance(value, bool):
            if not MIN_INT <= value <= MAX_INT:
                return "a number is out of range: integers must fit in 64 bits"
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "the body holds text that is not valid Unicode"
    return None


class ApiModel(BaseModel):
    """Base of request bodies: unknown fields are refused; text must be encodable (no lone surrogates)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _encodable(cls, data: Any) -> Any:
        problem = unstorable(data)
        if problem is not None:
            raise ValueError(problem)
        return data


class Attributed(ApiModel):
    """Fields every case write accepts."""

    occurred_at: Time | None = Field(
        default=None, description="when it happened in the world (ISO 8601 with offset); default: now"
    )


class CaseWritten(BaseModel):
    """A write to a case was recorded."""

    case_id: str = Field(description="the case")
    version: int = Field(description="the case's new version (also in the ETag header)")
