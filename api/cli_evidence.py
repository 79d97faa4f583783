"""``arrears evidence``: make a self-verifying evidence pack of a case or a period, and check one offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from api.cli_output import command_name, show_time
from application.bootstrap import Container
from infrastructure.settings import Settings
from infrastructure.signed_note import NoteError, Verifier
from projections.evidence import build_pack, cases_in_period
from projections.evidence_verify import verify_pack

Build = Callable[[argparse.Namespace], Container]


def cmd_evidence(args: argparse.Namespace, build: Build, case_or_loan: Callable[[str], UUID | str]) -> int:
    """Make a pack (a case, or every case with an event in [--from, --to)), or check one (``verify DIR``)."""
    if args.target == "verify":
        if args.directory is None:
            print("arrears evidence verify: error: name the pack's folder: evidence verify DIR", file=sys.stderr)
            return 2
        return verify(Path(args.directory), args.log_key, args.witness_key)
    period = args.start is not None or args.end is not None
    if (args.target is None) == (not period) or (period and (args.start is None or args.end is None)):
        print("arrears evidence: error: give CASE_ID|LOAN_ID, or --from T --to T (not both)", file=sys.stderr)
        return 2
    if args.directory is not None:
        print(f"arrears evidence: error: unexpected {args.directory!r} (use --out DIR)", file=sys.stderr)
        return 2
    if args.out is not None and not usable_folder(args.out):
        print(
            f"arrears evidence: error: --out {args.out} is not a folder (a pack goes into a new folder)",
            file=sys.stderr,
        )
        return 2
    container = build(args)
    try:
        now, zone = container.clock.now(), container.settings.zone
        if period:
            if args.end <= args.start:
                print("arrears evidence: error: --to must be after --from", file=sys.stderr)
                return 2
            case_ids = cases_in_period(container.read_model, args.start, args.end)
            scope: dict[str, Any] = {"kind": "period", "from": args.start.isoformat(), "to": args.end.isoformat()}
            name = f"evidence-{args.start:%Y%m%d}-{args.end:%Y%m%d}"
        else:
            chosen = case_or_loan(args.target)
            case_id = chosen if isinstance(chosen, UUID) else container.app.case_id_for(chosen)
            case_ids, scope, name = [case_id], {"kind": "case", "case_id": str(case_id)}, f"evidence-{case_id}"
        bundle = build_pack(container.read_model, case_ids, now, zone, scope)
    finally:
        container.close()
    try:
        out = bundle.write(args.out or Path(f"{name}-{now.astimezone(zone):%Y%m%dT%H%M%S}"))
    except OSError as error:
        print(
            f"arrears evidence: error: cannot write the pack: {error.strerror or error} ({error.filename})",
            file=sys.stderr,
        )
        return 1
    judged = Counter(
        r["status"] for c in bundle.manifest["cases"] for r in _compliance(bundle.files)[c]["requirements"]
    )
    counts = ", ".join(f"{n} {status}" for status, n in sorted(judged.items())) or "none"
    print(f"evidence pack of {len(case_ids)} case(s), made {show_time(now, zone)}, in {out}")
    print(f"  required contacts: {counts}; heads {'sealed' if bundle.manifest['sealed'] else 'NOT sealed'}")
    print(f"  open {out / 'report.html'} to read or print it; check it: {command_name()} evidence verify {out}")
    return 0


def usable_folder(path: Path) -> bool:
    """A path a pack can be written into: nothing there yet, or a folder (a file or a dangling link is not)."""
    if path.is_symlink() and not path.exists():
        return False
    return not path.exists() or path.is_dir()


def _compliance(files: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files["compliance.json"])
    return data


def verify(directory: Path, log_key: str | None = None, witness_key: str | None = None) -> int:
    """Check a pack from its files alone (and the public keys given); exit 1 naming each change."""
    if not directory.is_dir():
        print(f"arrears evidence verify: error: {directory} is not a folder", file=sys.stderr)
        return 2
    settings = Settings()
    key = settings.audit_key.get_secret_value().encode() if settings.audit_key is not None else None
    try:
        keys = [Verifier.parse(vkey) if vkey else None for vkey in (log_key, witness_key)]
    except NoteError as error:
        print(f"arrears evidence verify: error: {error}", file=sys.stderr)
        return 2
    check = verify_pack(directory, key, *keys)
    for problem in check.problems:
        print(f"  CHANGED  {problem}")
    seals = "seals checked" if check.seals_checked else "seals NOT checked (set ARREARS_AUDIT_KEY to check them)"
    compliance = "judgement recomputed" if check.compliance_checked else "judgement not recomputed (encrypted events)"
    verdict = "OK" if check.ok else f"{len(check.problems)} CHANGE(S)"
    tlog = check.tlog or "no transparency-log proofs in the pack"
    print(f"evidence verify: {verdict} — {check.cases} case(s), {check.events} events; {seals}; {compliance}; {tlog}")
    return 0 if check.ok else 1


def register(commands: Any, build: Build, case_or_loan: Callable[[str], UUID | str], when: Any) -> None:
    """Add ``evidence`` to the CLI's parser."""
    evidence = commands.add_parser(
        "evidence",
        help="a self-verifying evidence pack of a case (CASE_ID|LOAN_ID) or a period (--from/--to); `verify DIR`",
        description="Make a pack: `evidence CASE_ID|LOAN_ID [--out DIR]` or `evidence --from T --to T [--out DIR]`. "
        "Check one offline, without the database: `evidence verify DIR`.",
    )
    evidence.add_argument(
        "target", nargs="?", metavar="CASE_ID|LOAN_ID|verify", help="a case id (UUID) or loan id; or `verify`"
    )
    evidence.add_argument("directory", nargs="?", metavar="DIR", help="with verify: the pack's folder")
    evidence.add_argument("--from", dest="start", type=when, metavar="T", help="period start (ISO 8601 with offset)")
    evidence.add_argument("--to", dest="end", type=when, metavar="T", help="period end, exclusive")
    evidence.add_argument("--out", type=Path, metavar="DIR", help="a new folder for the pack (default: named here)")
    evidence.add_argument("--log-key", metavar="VKEY", help="with verify: the log's public key (`arrears log keys`)")
    evidence.add_argument("--witness-key", metavar="VKEY", help="with verify: the witness's public key")
    evidence.set_defaults(handler=lambda a: cmd_evidence(a, build, case_or_loan))
