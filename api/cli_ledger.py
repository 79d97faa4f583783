"""`arrears payoff` and `arrears ledger`: what settles a loan on a day, and its position on a day (docs/ledger.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from api.cli_projections import Build
from application.history import case_on
from domain.money import Money
from domain.rules import local_date


def _case_and_day(args: argparse.Namespace, build: Build) -> tuple[Any, date]:
    container = build(args)
    try:
        app = container.app
        case_id = args.case if isinstance(args.case, UUID) else app.case_id_for(args.case)
        events = app.case_events(case_id)
        day = args.on or local_date(app.clock.now(), app.get_case(case_id).timezone)
        return case_on(events, day), day
    finally:
        container.close()


def cmd_payoff(args: argparse.Namespace, build: Build) -> int:
    """Print exactly what settles the loan if paid on the day, and its parts."""
    case, day = _case_and_day(args, build)
    now = case.position_as_of(day)
    live = [b for b in now.balances if b.replaced_by is None]
    penalty = sum(b.unpaid_penalty for b in live)
    principal = sum(b.unpaid_principal for b in live)
    interest = now.payoff_fen - now.unpaid_costs_fen - penalty - principal
    print(f"payoff of loan {case.loan_id} on {day}: {Money.of(now.payoff_fen, case.currency)}")
    for name, fen in (("costs", now.unpaid_costs_fen), ("penalty", penalty), ("interest", interest)):
        print(f"  {name:<9} {Money.of(fen, case.currency)}")
    print(f"  {'principal':<9} {Money.of(principal, case.currency)}")
    return 0


def cmd_ledger(args: argparse.Namespace, build: Build) -> int:
    """Print the loan's position on the day, due by due."""
    case, day = _case_and_day(args, build)
    now = case.position_as_of(day)
    judged = case.judge(day)

    def money(fen: int) -> str:
        return str(Money.of(fen, case.currency))

    print(
        f"loan {case.loan_id} as of {day}: outstanding {money(now.outstanding_fen)} (principal "
        f"{money(now.principal_fen)} + interest {money(now.interest_fen)} + penalty {money(now.penalty_fen)} + costs "
        f"{money(now.costs_fen)} - paid {money(now.paid_fen)}); overdue {money(now.overdue_fen)} since "
        f"{now.overdue_since or '-'}, {now.days_past_due} days past due; {judged.category} {list(judged.rule_ids)}"
    )
    for b in now.balances:
        replaced = f" replaced by {b.replaced_by}" if b.replaced_by else ""
        print(
            f"  due {b.due.number:<3} {b.due_on or 'no date':<10} principal {money(b.principal)} interest "
            f"{money(b.interest)} penalty {money(b.penalty)} unpaid {money(b.unpaid)}{replaced}"
        )
    return 0


def register(commands: Any, build: Build, case_or_loan: Callable[[str], Any]) -> None:
    """Add the payoff and ledger subcommands to the CLI's parser."""
    for name, handler, text in (
        ("payoff", cmd_payoff, "what settles a loan (by case or loan id) if paid on a day"),
        ("ledger", cmd_ledger, "a loan's position on a day, due by due"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("case", type=case_or_loan, metavar="CASE_ID|LOAN_ID", help="the case's id or its loan id")
        sub.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD", help="the day (default: today)")
        sub.set_defaults(handler=lambda a, h=handler: h(a, build))
