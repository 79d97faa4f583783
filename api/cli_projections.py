"""The projection commands of the ``arrears`` CLI: rebuild, status, audit verify, worker."""

from __future__ import annotations

import argparse
import json
import logging
import signal
from collections.abc import Callable
from typing import Any
from uuid import UUID

from application.bootstrap import Container
from infrastructure.scheduling import PeriodicRunner

Build = Callable[[argparse.Namespace], Container]


def cmd_rebuild(args: argparse.Namespace, build: Build) -> int:
    """Drop and rebuild projections (all, or the named ones) from the log, with a progress bar."""
    container = build(args)
    try:
        events = container.projections.rebuild(args.names or None)
        print(f"rebuilt {', '.join(args.names) or 'all projections'} from {events} events")
        return _print_status(container)
    finally:
        container.close()


def cmd_retry(args: argparse.Namespace, build: Build) -> int:
    """Let a stopped projection resume at the event that stopped it (after the cause is fixed)."""
    container = build(args)
    try:
        container.projections.retry(args.name)
        container.projections.catch_up([args.name])
        return _print_status(container)
    finally:
        container.close()


def cmd_status(args: argparse.Namespace, build: Build) -> int:
    """Position, lag and failure of every projection; non-zero when one has failed."""
    container = build(args)
    try:
        return _print_status(container)
    finally:
        container.close()


def _print_status(container: Container) -> int:
    failed = 0
    for s in container.projections.status():
        state = f"FAILED at event {s.failed_position}: {s.error}" if s.failed_position is not None else "ok"
        print(f"  {s.name:<11} position {s.position:>9}  lag {s.lag:>7}  {state}")
        failed += s.failed_position is not None
    return 1 if failed else 0


def cmd_verify(args: argparse.Namespace, build: Build) -> int:
    """Recompute the audit hash chains from the store; exit 1 naming every altered, deleted or inserted event."""
    container = build(args)
    try:
        report = container.read_model.verify(args.case)
    finally:
        container.close()
    for m in report.mismatches:
        print(f"  {m.kind.upper():<13} case {m.case_id} v{m.version}: {m.detail}")
    verdict = "OK" if report.ok else f"{len(report.mismatches)} MISMATCH(ES)"
    print(
        f"audit verify: {verdict} — {report.checked_events} events, {report.chains} chains, "
        f"{'sealed' if report.sealed else 'unsealed (set ARREARS_AUDIT_KEY)'}"
    )
    if args.json:
        print(json.dumps(report.model_dump(exclude={"problems"}), indent=2))
    return 0 if report.ok else 1


def cmd_worker(args: argparse.Namespace, build: Build) -> int:
    """Follow the log and keep every projection up to date until SIGTERM/SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    container = build(args)
    runtime = container.projections
    ticker = scheduler_runner(container)
    signal.signal(signal.SIGTERM, lambda *_: runtime.stop())
    try:
        if ticker is not None:
            ticker.start()
        runtime.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if ticker is not None:
            ticker.stop()
        container.close()
    return 0


def scheduler_runner(container: Container) -> PeriodicRunner | None:
    """The runner that ticks the deadline scheduler every ``scheduler_tick_seconds`` (None when it is 0)."""
    seconds = container.settings.scheduler_tick_seconds
    return PeriodicRunner(container.scheduler.tick, seconds) if seconds > 0 else None


def register(commands: Any, build: Build) -> None:
    """Add the projection subcommands to the CLI's parser."""
    projections = commands.add_parser("projections", help="rebuild projections or show their lag")
    sub = projections.add_subparsers(dest="projections_command", required=True)
    rebuild = sub.add_parser("rebuild", help="drop and rebuild projections from the log (all, or NAME...)")
    rebuild.add_argument("names", nargs="*", metavar="NAME")
    rebuild.set_defaults(handler=lambda a: cmd_rebuild(a, build))
    retry = sub.add_parser("retry", help="resume a projection stopped by a failing event, at that event")
    retry.add_argument("name", metavar="NAME")
    retry.set_defaults(handler=lambda a: cmd_retry(a, build))
    status = sub.add_parser("status", help="position, lag and failures of every projection")
    status.set_defaults(handler=lambda a: cmd_status(a, build))

    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute every hash chain and name altered/deleted/inserted events")
    verify.add_argument("--case", type=UUID, help="only this case (or enterprise)")
    verify.add_argument("--json", action="store_true", help="also print the report as JSON")
    verify.set_defaults(handler=lambda a: cmd_verify(a, build))

    worker = commands.add_parser(
        "worker", help="follow the log, keep the projections up to date and fire due deadlines"
    )
    worker.set_defaults(handler=lambda a: cmd_worker(a, build))
