"""`arrears export` and `arrears restore`: the event log as JSON Lines with its audit chain heads, and back."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import IO, Any

from api.cli_projections import Build
from infrastructure.signed_note import NoteError, Verifier
from infrastructure.witness import WitnessAlarm
from projections.archive import ArchiveError, check_heads, export_log, restore_log
from projections.archive_proof import ForgedArchive, Trust
from projections.transparency import TransparencyError


def cmd_export(args: argparse.Namespace, build: Build) -> int:
    """Write the log (to --out, or standard output) with each chain's head, checked against the audit trail."""
    container = build(args)
    try:
        container.projections.catch_up(["audit"])  # the heads are checked against the source's audit trail
        with contextlib.ExitStack() as stack:
            out: IO[bytes] = stack.enter_context(args.out.open("wb")) if args.out else sys.stdout.buffer
            report = export_log(container.store, container.projections.store, out, tlog=container.tlog)
    except (WitnessAlarm, TransparencyError) as error:
        print(f"arrears: error: no export: {error}", file=sys.stderr)
        return 1
    finally:
        container.close()
    where = args.out or "standard output"
    print(
        f"exported {report.events} events, {report.heads} chain heads and {report.checkpoints} checkpoint(s) "
        f"to {where}",
        file=sys.stderr,
    )
    if report.mismatched:
        print(
            f"arrears: warning: {len(report.mismatched)} chain(s) differ from the audit trail (first: "
            f"{report.mismatched[0]}); run `arrears audit verify`",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_restore(args: argparse.Namespace, build: Build) -> int:
    """Load an export into an empty database, rebuild every view and check the chain heads."""
    if not args.file.is_file():
        print(
            f"arrears restore: error: {args.file}: no such file (give an export written by `arrears export`)",
            file=sys.stderr,
        )
        return 2
    container = build(args)
    try:
        keys = [Verifier.parse(vkey) if vkey else None for vkey in (args.log_key, args.witness_key)]
        trust = Trust(keys[0] or container.tlog.verifier, keys[1])
        with args.file.open("rb") as source:
            report = restore_log(container.store, container.projections.store, source, trust=trust)
        container.projections.catch_up()
        mismatched = check_heads(container.projections.store, report.chain_heads)
    except (ForgedArchive, NoteError) as error:
        print(f"arrears: error: {error}", file=sys.stderr)
        return 1
    except ArchiveError as error:
        print(f"arrears: error: {error}", file=sys.stderr)
        return 2
    finally:
        container.close()
    if mismatched:
        print(f"arrears: error: {len(mismatched)} rebuilt chain(s) differ from the export (first: {mismatched[0]})")
        return 1
    proven = (
        f"{report.checkpoints} signed checkpoint(s) match the events and are kept"
        if report.checkpoints
        else "the file carries no checkpoint: nothing but its own chains vouches for it"
    )
    print(f"restored {report.events} events; views rebuilt; {report.heads} chain heads equal the export's; {proven}")
    return 0


def register(commands: Any, build: Build) -> None:
    """Add the export and restore subcommands to the CLI's parser."""
    export = commands.add_parser("export", help="write the event log with its audit chain heads (JSON Lines)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(handler=lambda a: cmd_export(a, build))
    restore = commands.add_parser("restore", help="load an export into an empty database and rebuild the views")
    restore.add_argument("file", type=Path, metavar="FILE", help="an export written by `arrears export`")
    restore.add_argument(
        "--log-key",
        metavar="VKEY",
        help="the log key its checkpoints must be signed with (default: this installation's)",
    )
    restore.add_argument("--witness-key", metavar="VKEY", help="a witness whose cosignature they must carry")
    restore.set_defaults(handler=lambda a: cmd_restore(a, build))
