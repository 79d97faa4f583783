"""A loan's schedule, its ledger as of a day, and the classification by the 2023 rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Amount, ApiModel, Attributed, Day, ShortText, Text

Rate = Annotated[
    str,
    Field(
        pattern=r"^0(\.[0-9]{1,8})?$|^1(\.0{1,8})?$", description="an annual rate as a decimal fraction, e.g. 0.0653"
    ),
]


class DueIn(ApiModel):
    """One contractual due of the loan."""

    number: int = Field(strict=True, ge=1, le=10_000, description="1, 2, ... in the contract's order")
    due_on: Day = Field(description="the day it falls due")
    principal: Amount = Field(description="principal falling due")
    interest: Amount = Field(default="0.00", description="contractual interest falling due")


class TermsIn(ApiModel):
    """The contract's rates, as it states them."""

    interest_rate: Rate = Field(description="annual contract interest rate")
    penalty_rate: Rate = Field(description="annual penalty interest rate (罚息), e.g. the contract rate + 50%")
    compound: bool = Field(default=True, strict=True, description="overdue interest bears penalty interest too (复利)")
    day_basis: int = Field(default=360, strict=True, description="daily rate = annual rate / day_basis (360 or 365)")


class ScheduleIn(Attributed):
    """Record the loan's dues and rates (before any penalty interest is recorded)."""

    dues: list[DueIn] = Field(min_length=1, max_length=600, description="the loan's dues")
    terms: TermsIn = Field(description="the contract's rates")


class CostIn(Attributed):
    """A cost of enforcing the claim the debtor owes (art. 561: paid before interest and principal)."""

    cost_id: ShortText = Field(min_length=1, description="your id for it (once per case)")
    kind: Literal["court_fee", "preservation", "enforcement", "lawyer_fee", "notary", "other"] = Field(
        description="what kind of cost"
    )
    amount: Amount = Field(description="what it cost")
    incurred_on: Day = Field(description="the day it was incurred (owed from then)")
    description: Text = Field(min_length=1, description="what it was, e.g. the court's receipt number")


class AccelerationIn(Attributed):
    """Declare the whole loan due (宣布提前到期)."""

    on: Day = Field(description="the day the loan is declared due")
    clause: ShortText = Field(min_length=1, description="the contract clause that allows it, e.g. '第12.3条'")
    reason: Text = Field(min_length=1, description="why: the event of default")


class PayoffOut(BaseModel):
    """What settles the loan on a day, to the fen."""

    case_id: str = Field(description="the case")
    on: str = Field(description="the day")
    payoff: str = Field(description="costs + penalty accrued through the day + interest earned + principal - paid")
    costs: str = Field(description="unpaid costs")
    penalty: str = Field(description="unpaid penalty interest accrued through the day (booked or not yet)")
    interest: str = Field(description="unpaid interest owed that day (of periods not yet run: none, art. 677)")
    principal: str = Field(description="unpaid principal, fallen due or not")


class DueOut(BaseModel):
    """One due and what is left of it."""

    number: int = Field(description="the due's number")
    due_on: str | None = Field(description="None: the part of the principal with no date of its own")
    replaced_by: str | None = Field(default=None, description="the agreement that rescheduled it, if one did")
    principal: str = Field(description="its principal")
    interest: str = Field(description="its contractual interest")
    penalty: str = Field(description="penalty interest recorded on it")
    unpaid: str = Field(description="principal, interest and penalty unpaid")
    settled_on: str | None = Field(description="the day its principal and interest were paid in full")


class LedgerOut(BaseModel):
    """The loan as of the end of a day: balance, arrears, days past due and the category by the 2023 rules."""

    case_id: str = Field(description="the case")
    as_of: str = Field(description="the day (its end) the figures are as of")
    principal: str = Field(description="principal of every due")
    interest: str = Field(description="contractual interest of every due")
    penalty: str = Field(description="penalty interest accrued through the day (daily, from the day after each due)")
    booked_penalty: str = Field(default="0.00", description="of it, booked for the calendar months ended by then")
    costs: str = Field(default="0.00", description="enforcement costs recorded by then")
    paid: str = Field(description="payments whose value date is on or before the day")
    outstanding: str = Field(description="principal + interest + penalty + costs - paid")
    payoff: str = Field(default="0.00", description="what settles the loan that day (GET .../payoff)")
    overdue_amount: str = Field(description="unpaid of the dues fallen due, penalty included")
    overdue_since: str | None = Field(description="the oldest fallen-due date with principal or interest unpaid")
    days_past_due: int = Field(description="as_of - overdue_since; 0 when nothing is past due")
    category: str = Field(description="the claim's own category by the 2023 rules (README 'Classification')")
    rule_ids: list[str] = Field(description="the rules that set the category")
    reason: str = Field(description="why, in words")
    dues: list[DueOut] = Field(description="every due and what is left of it")


class DebtorOut(BaseModel):
    """The enterprise as a debtor across all its claims at the bank (2023 rules, art. 7's 10% rule)."""

    enterprise_id: str = Field(description="the enterprise")
    version: int = Field(description="its version")
    category: str | None = Field(description="the debtor's category (its worst claim's); None until classified")
    rule_ids: list[str] = Field(description="the rules that set it, e.g. debtor-10pct")
    reason: str = Field(description="why, in words")
    as_of: str | None = Field(description="the day it was classified")
    claims: dict[str, str] = Field(description="each claim's (case id's) category after the debtor's rules")
