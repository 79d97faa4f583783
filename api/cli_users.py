"""Who can log in to something: ``arrears users`` lists the users the database knows from assignments (collectors
with cases, task assignees, the people who assigned them) and their roles; the ``serve`` hint's token is for the
collector with the most open cases."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from api.cli_output import command_name, note, print_json
from application.bootstrap import Container, bootstrap
from infrastructure.outage import DatabaseUnavailable
from infrastructure.settings import Settings

#: whom the serve hint names when no collector has an open case yet (an empty database)
FALLBACK_COLLECTOR = "wang.collector"


def token_command(user: str, role: str, db: str = "") -> str:
    """The command that prints a token for a user in a role, as runnable from here."""
    return f"{command_name()}{db} token issue --user {user} --role {role}"


def hint_collector(settings: Settings) -> tuple[str, int]:
    """The collector the serve hint issues a token for: the one with the most open cases (on the demo database one
    of ``sim.high.N``, ``sim.medium.N``, ``sim.low.N``; on the seeded portfolio ``wang.collector``), and how many;
    ``wang.collector`` with 0 when no case has a collector, or when the database cannot be reached now (the server
    then says so as it starts)."""
    try:
        container = bootstrap(settings)
    except DatabaseUnavailable:
        return FALLBACK_COLLECTOR, 0
    try:
        busiest = container.read_model.busiest_collector()
    except DatabaseUnavailable:
        busiest = None
    finally:
        container.close()
    return busiest or (FALLBACK_COLLECTOR, 0)


def cmd_users(args: argparse.Namespace, build_container: Callable[[argparse.Namespace], Container]) -> int:
    """Print the users the database knows from assignments with their roles, open cases and open tasks."""
    container = build_container(args)
    try:
        users = container.read_model.users()
    finally:
        container.close()
    if args.json:
        print_json([u.model_dump() for u in users])
        return 0
    if not users:
        note("no user is known yet: no case has a collector and no task an assignee (arrears seed adds some)")
        return 0
    print(f"{'user':<24} {'role':<11} {'open cases':>10} {'cases':>6} {'open tasks':>10}")
    for u in users:
        print(f"{u.user_id:<24} {u.role:<11} {u.open_cases:>10} {u.cases:>6} {u.open_tasks:>10}")
    db = f" --database-url {args.database_url}" if args.database_url else ""
    first = users[0]
    note(f"a token for {first.user_id}:  TOKEN=$({token_command(first.user_id, first.role, db)})")
    return 0


def register(commands: Any, build_container: Callable[[argparse.Namespace], Container]) -> None:
    """Add ``users``."""
    users = commands.add_parser("users", help="the users the database knows (from assignments), roles, open cases")
    users.add_argument("--json", action="store_true", help="print JSON (a list of users) instead of a table")
    users.set_defaults(handler=lambda a: cmd_users(a, build_container))
