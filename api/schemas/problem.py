"""RFC 9457 problem details."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    """One invalid input: where it is and why it is wrong."""

    field: str = Field(description="path of the input, e.g. `body.amount` or `query.limit`")
    reason: str = Field(description="why the value was refused")


class Problem(BaseModel):
    """An error, as `application/problem+json` (RFC 9457)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="URI naming the kind of problem")
    title: str = Field(description="short summary of the kind of problem")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(default="", description="what went wrong with this request, readable")
    instance: str | None = Field(default=None, description="the request path")
    errors: list[FieldError] = Field(default_factory=list, description="per-field errors of invalid input")
    rule_id: str | None = Field(default=None, description="the contact-policy rule a contact broke")
