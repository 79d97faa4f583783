"""Shared field types: decimal-string amounts, offset-carrying times, write results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

EARLIEST = datetime(1900, 1, 1).date()
LATEST = datetime(2200, 12, 31).date()


def _sane_datetime(value: datetime) -> datetime:
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError("times must lie between 1900 and 2200")
    return value


def _sane_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError("dates must lie between 1900 and 2200")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except Exception:
        raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") from None
    return value


Amount = Annotated[
    str,
    Field(
        pattern=r"^\d{1,15}(\.\d{1,2})?$",
        description="a non-negative decimal amount with at most 2 decimals, as a string",
        examples=["12500.00"],
    ),
]
SignedAmount = Annotated[
    str,
    Field(
        pattern=r"^-?\d{1,15}(\.\d{1,2})?$",
        description="a decimal amount (may be negative) with at most 2 decimals, as a string",
        examples=["-320000.00"],
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code", examples=["CNY"])]
Time = Annotated[AwareDatetime, AfterValidator(_sane_datetime)]
Day = Annotated[date, AfterValidator(_sane_date)]
TimeZone = Annotated[str, AfterValidator(_zone)]
Text = Annotated[str, Field(max_length=4000)]
ShortText = Annotated[str, Field(max_length=200)]


class ApiModel(BaseModel):
    """Base of request bodies: unknown fields are refused; text must be encodable (no lone surrogates)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _encodable(cls, data: Any) -> Any:
        try:
            orjson.dumps(data, default=str)
        except TypeError:
            raise ValueError("the body holds text that is not valid Unicode") from None
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
