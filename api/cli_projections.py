"""The projection commands of the ``arrears`` CLI: rebuild, status, audit verify, worker."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable
from typing import Any
from uuid import UUID

from api.cli_output import configure_logging, note, print_json
from application.bootstrap import Container
from infrastructure.scheduling import PeriodicRunner
from projections.heartbeat import Heartbeat

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
        runtime = container.projections
        before = runtime.position("audit")
        report = container.read_model.verify(args.case, catch_up=args.catch_up)
        head = runtime.head()
    finally:
        container.close()
    behind = max(0, head - report.audit_position)
    if args.catch_up:
        caught = report.audit_position - before
        progress = f"the audit view chained {caught} new event(s) first" if caught else "the audit view was up to date"
    else:
        progress = (
            f"the audit view is {behind} event(s) behind the log (position {report.audit_position} of {head}): "
            "events recorded since show as INSERTED until a worker or a verify without --no-catch-up chains them"
            if behind
            else "the audit view is up to date"
        )
    if args.json:
        print_json({**report.model_dump(exclude={"problems"}), "log_head": head, "audit_behind": behind})
        note(f"audit verify: {progress}")
        return 0 if report.ok else 1
    for m in report.mismatches:
        where = (m.case_id or "(the log)") + (f" v{m.version}" if m.version is not None else "")
        at = f" at log position {m.position}" if m.position is not None else ""
        print(f"  {m.kind.upper():<13} {where}{at}: {m.detail}")
    verdict = "OK" if report.ok else f"{len(report.mismatches)} MISMATCH(ES)"
    if report.tree_leaves is not None:
        witnessed = (
            f"witnessed checkpoint of {report.witnessed_size} leaves"
            if report.witnessed_size is not None
            else "no witnessed checkpoint yet"
        )
        progress = f"tree of {report.tree_leaves} leaves against the {witnessed}; {progress}"
    print(
        f"audit verify: {verdict} — {report.checked_events} events, {report.chains} chains, "
        f"{'sealed' if report.sealed else 'unsealed (set ARREARS_AUDIT_KEY)'}; {progress}"
    )
    return 0 if report.ok else 1


def cmd_worker(args: argparse.Namespace, build: Build) -> int:
    """Follow the log and keep every projection up to date until SIGTERM/SIGINT."""
    container = build(args)
    configure_logging(container.settings.zone)
    runtime = container.projections
    heartbeat = Heartbeat(runtime.status, container.settings.worker_log_seconds)
    ticker = scheduler_runner(container, heartbeat)
    checkpoints = container.checkpoint_runner()
    signal.signal(signal.SIGTERM, lambda *_: runtime.stop())
    heartbeat.log.info("worker started: following %d views; a line every %gs", len(runtime.views), heartbeat.every)
    heartbeat.start()
    try:
        if ticker is not None:
            ticker.start()
        if checkpoints is not None:
            checkpoints.start()
        runtime.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if ticker is not None:
            ticker.stop()
        if checkpoints is not None:
            checkpoints.stop()
        heartbeat.stop()
        heartbeat.log.info("worker stopped")
        container.close()
    return 0


def scheduler_runner(container: Container, heartbeat: Heartbeat) -> PeriodicRunner | None:
    """The runner that ticks the deadline scheduler every ``scheduler_tick_seconds`` (None when it is 0); the
    heartbeat's lines count the ticks and what they fired."""
    seconds = container.settings.scheduler_tick_seconds
    if seconds <= 0:
        return None

    def tick() -> None:
        report = container.scheduler.tick()
        heartbeat.count("scheduler ticks")
        for outcome in ("fired", "already", "refused"):
            if report.count(outcome):
                heartbeat.count(f"deadlines {outcome}", report.count(outcome))

    return PeriodicRunner(tick, seconds)


def register(commands: Any, build: Build) -> None:
    """Add the projection subcommands to the CLI's parser."""
    projections = commands.add_parser("projections", help="rebuild projections or show their lag")
    sub = projections.add_subparsers(dest="projections_command", required=True)
    rebuild = sub.add_parser("rebuild", help="drop and rebuild projections from the log (all, or NAME...)")
    rebuild.add_argument(
        "names", nargs="*", metavar="NAME", help="a projection's name, as `projections status` lists it"
    )
    rebuild.set_defaults(handler=lambda a: cmd_rebuild(a, build))
    retry = sub.add_parser("retry", help="resume a projection stopped by a failing event, at that event")
    retry.add_argument("name", metavar="NAME", help="a projection, as `projections status` names it")
    retry.set_defaults(handler=lambda a: cmd_retry(a, build))
    status = sub.add_parser("status", help="position, lag and failures of every projection")
    status.set_defaults(handler=lambda a: cmd_status(a, build))

    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="recompute every hash chain and name altered/deleted/inserted events")
    verify.add_argument("--case", type=UUID, metavar="ID", help="only this case id or enterprise id (a UUID)")
    verify.add_argument("--json", action="store_true", help="print only the report, as JSON (notes go to stderr)")
    verify.add_argument(
        "--no-catch-up",
        dest="catch_up",
        action="store_false",
        help="compare the audit view as it stands (default: chain what was recorded since it last ran, first)",
    )
    verify.set_defaults(handler=lambda a: cmd_verify(a, build))

    worker = commands.add_parser(
        "worker", help="follow the log, keep the projections up to date and fire due deadlines"
    )
    worker.set_defaults(handler=lambda a: cmd_worker(a, build))
