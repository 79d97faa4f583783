"""The ``arrears`` command line: one subcommand per job; each builds the process via bootstrap()."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from pydantic import ValidationError

from api import (
    cli_archive,
    cli_demo,
    cli_evidence,
    cli_ledger,
    cli_log,
    cli_projections,
    cli_scheduler,
    cli_serve,
    cli_users,
)
from api.cli_output import end_quietly_on_closed_pipe, note, show_time, zoned_text
from application.bootstrap import Container, bootstrap
from application.commands import AssessRisk
from application.handlers.strategy import Assessment
from application.history import case_then
from application.importing import ImportFormat, ImportKind, ImportResult, import_command
from demo.seeding import DEFAULT_PORTFOLIO, assess_portfolio, seed_demo
from domain.base import Actor, Role
from domain.case.events import RiskAssessed
from domain.errors import DomainError
from domain.narration import describe
from infrastructure.database_url import DatabaseUrlError
from infrastructure.environment import CipherKeyError
from infrastructure.gc_tuning import tune_gc
from infrastructure.progress import progress
from infrastructure.secret_key import SecretKeyError, resolve_secret_key
from infrastructure.settings import Settings

Handler = Callable[[argparse.Namespace], int]


def build_container(args: argparse.Namespace) -> Container:
    """The process, from env vars, with --database-url taking precedence."""
    return bootstrap(settings_from(args))


def print_timeline(container: Container, case_id: UUID) -> None:
    """Every event of a case, one readable line each, its time in the business zone with its offset."""
    zone = container.settings.zone
    for event in container.app.case_events(case_id):
        actor = getattr(event, "actor", "")
        when = show_time(event.occurred_at, zone)
        print(f"  v{event.originator_version:<3} {when} {actor!s:<28} {zoned_text(describe(event), zone)}")


def cmd_seed(args: argparse.Namespace) -> int:
    """Seed the demo portfolio (what serve does on first start) and print the manufacturer's timeline."""
    container = build_container(args)
    try:
        result = seed_demo(container.app, args.enterprises, lambda items, total: progress(items, "seeding demo", total))
        print(f"demo portfolio: {len(result.case_ids)} cases ({result.cases_opened} newly opened)")
        tiers = assess_portfolio(
            container.app, result.case_ids.values(), lambda items, total: progress(items, "assessing", total)
        )
        print("tiers: " + ", ".join(f"{tiers[t]} {t}" for t in ("high", "medium", "low")))
        for key in ("manufacturer", "service", "logistics"):
            events = container.app.case_events(result.case_ids[key])
            assessed = [e for e in events if isinstance(e, RiskAssessed)][-1]
            print(f"\n{key}: {describe(assessed).split(':')[0]}")
            for reason in assessed.reasons:
                print(f"  [{reason.code}] {reason.message}")
        case_id = result.case_ids["manufacturer"]
        case = container.app.get_case(case_id)
        print(f"\ncase {case_id} (loan {case.loan_id}), outstanding {case.outstanding} {case.currency}:")
        print_timeline(container, case_id)
    finally:
        container.close()
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Print a case as it stood at a past business time (--as-of), as the bank knew it (--known-at), or both; or
    after its N-th event (--version)."""
    if args.version is not None and (args.as_of is not None or args.known_at is not None):
        print("arrears replay: error: --version cannot be combined with --as-of or --known-at", file=sys.stderr)
        return 2
    container = build_container(args)
    try:
        app = container.app
        case_id = args.case if isinstance(args.case, UUID) else app.case_id_for(args.case)
        events = app.case_events(case_id)
        if args.version is not None:
            case = app.case_at_version(case_id, args.version)
            shown = events[: case.version]
        else:
            then = case_then(events, as_of=args.as_of, known_at=args.known_at)
            case, shown = then.case, then.events
        zone = container.settings.zone
        asked = [f"as of {show_time(args.as_of, zone)}" if args.as_of else "", ""]
        asked[1] = f"as known at {show_time(args.known_at, zone)}" if args.known_at else ""
        heading = ", ".join(a for a in asked if a) or f"at version {case.version}"
        print(f"case {case.id} {heading}: status {case.status}, tier {case.tier or 'unrated'}")
        print(f"  outstanding {case.outstanding}, paid {case.paid}, contacts {case.contact_counts}")
        print(f"  {len(shown)} of {len(events)} events, in business-time order (happened · recorded):")
        for event in shown:
            happened, recorded = show_time(event.occurred_at, zone), show_time(event.timestamp, zone)
            print(f"  v{event.originator_version:<3} {happened} · {recorded}  {zoned_text(describe(event), zone)}")
    finally:
        container.close()
    return 0


def cmd_token_issue(args: argparse.Namespace) -> int:
    """Print a signed bearer token for a user acting in a role."""
    from api.auth import TokenCodec  # the API's modules load only for the commands that need them

    settings = settings_from(args)
    ttl = args.ttl if args.ttl is not None else timedelta(seconds=settings.token_ttl_seconds)
    try:
        token = TokenCodec(resolve_secret_key(settings)).issue(args.user, args.role, ttl)
    except ValueError as error:
        print(f"arrears token issue: error: --user {args.user!r}: {error}", file=sys.stderr)
        return 2
    print(token)
    return 0


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with --database-url taking precedence."""
    overrides = {"database_url": args.database_url} if getattr(args, "database_url", None) else {}
    return Settings(**overrides)


def duration(text: str) -> timedelta:
    """argparse type: 3600, 90s, 30m, 8h or 7d (more than zero)."""
    match = re.fullmatch(r"(\d+)([smhd]?)", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: a number and a unit, e.g. 90s, 30m, 8h, 7d")
    if int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is zero: a token must live for some time, e.g. 30m, 8h or 7d")
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    return timedelta(seconds=int(match[1]) * unit)


def print_assessment(case_id: UUID, result: Assessment) -> None:
    """An assessment as a collector reads it."""
    print(
        f"case {case_id}: {result.tier} risk, score {result.score} (model {result.model_version}, "
        f"policy v{result.policy_version})"
    )
    for reason in result.reasons:
        print(f"  [{reason.code}] {reason.message}")


def cmd_assess(args: argparse.Namespace) -> int:
    """Assess a case (by id or loan id) and print its score, tier and reasons."""
    container = build_container(args)
    try:
        app = container.app
        case_id = args.case if isinstance(args.case, UUID) else app.case_id_for(args.case)
        assessment = app.send(AssessRisk(case_id=case_id, actor=Actor(user_id=args.user, role=Role.RISK)), Assessment)
        print_assessment(case_id, assessment)
    finally:
        container.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a CSV or JSON Lines file; a file with any bad row changes nothing."""
    container = build_container(args)
    try:
        command = import_command(
            args.file,
            args.format,
            kind=args.kind,
            actor=Actor(user_id=args.user, role=Role.ADMIN),
            progress=lambda items, total: progress(items, f"importing {args.file.name}", total),
        )
        result = container.app.send(command, ImportResult)
    finally:
        container.close()
    if not result.ok:
        print(f"{args.file}: {len(result.errors)} bad row(s); nothing was imported", file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(
        f"{args.file}: {result.rows} rows: {result.enterprises_registered} enterprises registered, "
        f"{result.enterprises_updated} updated, {result.contacts_added} contacts added, "
        f"{result.statements_filed} statements filed, {result.loans_added} loans added, {result.unchanged} unchanged"
    )
    return 0


def cmd_policy_show(args: argparse.Namespace) -> int:
    """Print the governing strategy policy (or a published version) as JSON."""
    container = build_container(args)
    try:
        app = container.app
        current = app.current_policy()
        version = args.version or current.version
        terms = app.policy_version(version) if args.version else current.terms
        note(f"strategy policy v{version}" + (" (governing)" if version == current.version else ""))  # stderr
        print(terms.model_dump_json(indent=2))  # stdout holds only the JSON
    finally:
        container.close()
    return 0


def aware_datetime(text: str) -> datetime:
    """argparse type: an ISO 8601 time with an offset."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone offset, e.g. 2026-11-01T09:00:00+08:00")
    return moment


def case_or_loan(text: str) -> UUID | str:
    """argparse type: a case id, or the loan id the case is derived from."""
    try:
        return UUID(text)
    except ValueError:
        return text


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    root = argparse.ArgumentParser(prog="arrears", description="Corporate overdue-loan collections, event-sourced.")
    root.add_argument("--database-url", help="overrides ARREARS_DATABASE_URL (default sqlite:///./arrears.db)")
    commands = root.add_subparsers(dest="command", required=True)

    seed = commands.add_parser("seed", help="seed the demo portfolio (as serve does) and print a case's timeline")
    seed.add_argument("--enterprises", type=int, default=DEFAULT_PORTFOLIO, help="portfolio size (default 500)")
    seed.set_defaults(handler=cmd_seed)

    replay = commands.add_parser("replay", help="a case (by case or loan id) as it stood at a past time or version")
    replay.add_argument(
        "case", type=case_or_loan, metavar="CASE_ID|LOAN_ID", help="the case's id (UUID) or its loan id"
    )
    replay.add_argument(
        "--as-of", type=aware_datetime, metavar="T", help="business time (ISO 8601 with offset): what had happened"
    )
    replay.add_argument(
        "--known-at", type=aware_datetime, metavar="T", help="recording time: what the bank had recorded by then"
    )
    replay.add_argument("--version", type=int, help="the case after its N-th event (not with --as-of/--known-at)")
    replay.set_defaults(handler=cmd_replay)

    token = commands.add_parser("token", help="API bearer tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    issue = token_commands.add_parser("issue", help="print a signed token for a user in a role")
    issue.add_argument("--user", required=True, help="the user id the token names")
    issue.add_argument(
        "--role", required=True, choices=[r.value for r in Role if r is not Role.SYSTEM], help="what the user may do"
    )
    issue.add_argument("--ttl", type=duration, help="lifetime, e.g. 30m, 8h, 7d (default ARREARS_TOKEN_TTL_SECONDS)")
    issue.set_defaults(handler=cmd_token_issue)
    assess = commands.add_parser("assess", help="run the risk model on a case and print score, tier and reasons")
    assess.add_argument(
        "case", type=case_or_loan, metavar="CASE_ID|LOAN_ID", help="the case's id (UUID) or its loan id"
    )
    assess.add_argument("--user", default="cli.risk", help="who is assessing (recorded on the event)")
    assess.set_defaults(handler=cmd_assess)

    importing = commands.add_parser("import", help="import enterprises, statements or loans (CSV or JSON Lines)")
    importing.add_argument(
        "file", type=Path, metavar="FILE", help="a .csv or .jsonl file (rows name enterprises by credit code)"
    )
    importing.add_argument("--format", choices=[f.value for f in ImportFormat], help="default: from the suffix")
    importing.add_argument("--kind", choices=[k.value for k in ImportKind], help="default: per row, from its fields")
    importing.add_argument("--user", default="cli.import", help="who is importing (recorded on the events)")
    importing.set_defaults(handler=cmd_import)

    policy = commands.add_parser("policy", help="the strategy policy")
    policy_commands = policy.add_subparsers(dest="policy_command", required=True)
    show = policy_commands.add_parser("show", help="print the governing policy (or --version N)")
    show.add_argument("--version", type=int, help="a published policy version number (default: the governing one)")
    show.set_defaults(handler=cmd_policy_show)

    cli_demo.register(commands, policy_commands, settings_from, build_container, aware_datetime)
    cli_projections.register(commands, build_container)
    cli_evidence.register(commands, build_container, case_or_loan, aware_datetime)
    cli_scheduler.register(commands, settings_from, aware_datetime)
    cli_archive.register(commands, build_container)
    cli_users.register(commands, build_container)
    cli_serve.register(commands, settings_from)
    cli_ledger.register(commands, build_container, case_or_loan)
    cli_log.register(commands, build_container)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``arrears`` console script."""
    try:
        args = parser().parse_args(argv)
        handler: Handler = args.handler
        try:
            status = handler(args)
        except (DomainError, DatabaseUrlError, CipherKeyError, SecretKeyError, ValidationError, ValueError) as error:
            print(f"arrears: error: {error}", file=sys.stderr)
            return 2
        sys.stdout.flush()  # inside the guard: a reader gone before the last flush ends quietly too
        return status
    except BrokenPipeError:  # `arrears ... | head -1`: the reader has what it wanted
        return end_quietly_on_closed_pipe()


def console_main() -> int:
    """The ``arrears`` console script: a process of its own, whose collector is set for long runs (tests call
    ``main`` in their own process, which keeps Python's defaults)."""
    tune_gc()
    return main()


if __name__ == "__main__":
    sys.exit(console_main())
