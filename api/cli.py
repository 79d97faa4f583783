"""The ``arrears`` command line: one subcommand per job; each builds the process via bootstrap()."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from api import cli_projections
from application.bootstrap import Container, bootstrap
from application.demo import DEFAULT_PORTFOLIO, seed_demo
from application.narration import describe
from domain.errors import DomainError
from infrastructure.database_url import DatabaseUrlError
from infrastructure.environment import CipherKeyError
from infrastructure.progress import progress
from infrastructure.settings import Settings

Handler = Callable[[argparse.Namespace], int]


def build_container(args: argparse.Namespace) -> Container:
    """The process, from env vars, with --database-url taking precedence."""
    overrides = {"database_url": args.database_url} if getattr(args, "database_url", None) else {}
    return bootstrap(Settings(**overrides))


def print_timeline(container: Container, case_id: UUID) -> None:
    """Every event of a case, one readable line each."""
    for event in container.app.case_events(case_id):
        actor = getattr(event, "actor", "")
        print(f"  v{event.originator_version:<3} {event.occurred_at:%Y-%m-%d %H:%M} {actor!s:<28} {describe(event)}")


def cmd_demo(args: argparse.Namespace) -> int:
    """Seed the demo portfolio and print the manufacturer's timeline."""
    container = build_container(args)
    try:
        result = seed_demo(container.app, args.enterprises, lambda items, total: progress(items, "seeding demo", total))
        print(f"demo portfolio: {len(result.case_ids)} cases ({result.cases_opened} newly opened)")
        case_id = result.case_ids["manufacturer"]
        case = container.app.get_case(case_id)
        print(f"\ncase {case_id} (loan {case.loan_id}), outstanding {case.outstanding} {case.currency}:")
        print_timeline(container, case_id)
    finally:
        container.close()
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Print a case as it stood at a past moment or version."""
    container = build_container(args)
    try:
        app = container.app
        if args.version is not None:
            case = app.case_at_version(args.case_id, args.version)
        elif args.as_of is not None:
            case = app.case_as_of(args.case_id, args.as_of)
        else:
            case = app.get_case(args.case_id)
        print(f"case {case.id} at version {case.version}: status {case.status}, tier {case.tier or 'unrated'}")
        print(f"  outstanding {case.outstanding}, paid {case.paid}, contacts {case.contact_counts}")
        for event in app.case_events(args.case_id)[: case.version]:
            print(f"  v{event.originator_version:<3} {event.occurred_at:%Y-%m-%d %H:%M} {describe(event)}")
    finally:
        container.close()
    return 0


def aware_datetime(text: str) -> datetime:
    """argparse type: an ISO 8601 time with an offset."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone offset, e.g. 2026-11-01T09:00:00+08:00")
    return moment


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    root = argparse.ArgumentParser(prog="arrears", description="Corporate overdue-loan collections, event-sourced.")
    root.add_argument("--database-url", help="overrides ARREARS_DATABASE_URL (default sqlite:///./arrears.db)")
    commands = root.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed the demo portfolio and print a sample case's timeline")
    demo.add_argument("--enterprises", type=int, default=DEFAULT_PORTFOLIO, help="portfolio size (default 500)")
    demo.set_defaults(handler=cmd_demo)

    replay = commands.add_parser("replay", help="show a case as it stood at a past time or version")
    replay.add_argument("case_id", type=UUID)
    replay.add_argument("--as-of", type=aware_datetime, help="ISO 8601 time with offset")
    replay.add_argument("--version", type=int)
    replay.set_defaults(handler=cmd_replay)

    cli_projections.register(commands, build_container)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``arrears`` console script."""
    args = parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (DomainError, DatabaseUrlError, CipherKeyError, ValidationError, ValueError) as error:
        print(f"arrears: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
