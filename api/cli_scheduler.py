"""The scheduler commands of the ``arrears`` CLI: ``arrears scheduler tick [--now T]``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.cli_output import show_time
from application.bootstrap import bootstrap
from application.scheduler import TickReport
from infrastructure.clock import Clock, ManualClock
from infrastructure.settings import Settings

SettingsFrom = Callable[[argparse.Namespace], Settings]


def print_report(report: TickReport, zone: ZoneInfo) -> None:
    """One line per firing, then the totals; times in the business zone with their offset."""
    for f in report.firings:
        extra = f" ({f.detail})" if f.detail else ""
        print(f"  {f.outcome:<8} {show_time(f.due_at, zone)}  case {f.case_id}  {f.kind} -> {f.action}{extra}")
    now = show_time(report.now, zone)
    if not report.ran:
        print(f"tick at {now}: another instance holds the scheduler lock; nothing done")
        return
    print(
        f"tick at {now}: {report.count('fired')} fired, {report.count('already')} already done, "
        f"{report.count('refused')} refused ({report.seconds:.3f} s)"
    )


def cmd_tick(args: argparse.Namespace, settings_from: SettingsFrom) -> int:
    """Fire every deadline due by now (or by ``--now``: the commands are then decided at that time)."""
    clock: Clock | None = ManualClock(args.now) if args.now is not None else None
    settings = settings_from(args)
    container = bootstrap(settings, clock)
    try:
        report = container.scheduler.tick()
    finally:
        container.close()
    print_report(report, settings.zone)
    return 1 if report.count("refused") else 0


def register(commands: Any, settings_from: SettingsFrom, aware_datetime: Callable[[str], datetime]) -> None:
    """Add ``scheduler tick``."""
    scheduler = commands.add_parser("scheduler", help="the deadline scheduler")
    scheduler_commands = scheduler.add_subparsers(dest="scheduler_command", required=True)
    tick = scheduler_commands.add_parser("tick", help="fire the due deadlines once, oldest first")
    tick.add_argument("--now", type=aware_datetime, help="judge and record at this time (ISO 8601 with offset)")
    tick.set_defaults(handler=lambda a: cmd_tick(a, settings_from))
