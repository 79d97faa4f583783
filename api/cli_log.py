"""`arrears log ...` (checkpoints, proofs, leaves, keys) and `arrears witness` (a round, or a witness server)."""

from __future__ import annotations

import argparse
import base64
import contextlib
import logging
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import orjson

from api.cli_output import configure_logging, print_json
from api.cli_projections import Build
from application.bootstrap import Container
from infrastructure.merkle import ProofError
from infrastructure.settings import Settings
from infrastructure.signed_note import NoteError, Verifier, open_checkpoint
from infrastructure.witness import LocalWitness, WitnessAlarm, WitnessConflict
from infrastructure.witness_http import serve
from projections.transparency import TransparencyError

log = logging.getLogger("arrears.witness")


def _error(text: str) -> int:
    print(f"arrears: error: {text}", file=sys.stderr)
    return 1


def cmd_log(args: argparse.Namespace, build: Build) -> int:
    """Checkpoints, proofs and leaves of the transparency log, from the database."""
    container = build(args)
    try:
        return _log(args, container)
    except (TransparencyError, WitnessAlarm, NoteError) as error:
        return _error(str(error))
    finally:
        container.close()


def _log(args: argparse.Namespace, container: Container) -> int:
    tlog = container.tlog
    what = args.log_command
    if what == "checkpoint":
        note = tlog.publish() if args.publish else tlog.newest()
        if note is None:
            return _error("no checkpoint published yet: `arrears log checkpoint --publish`")
        sys.stdout.write(note)
    elif what == "inclusion":
        _print_hashes(tlog.inclusion(args.index, args.size))
    elif what == "consistency":
        _print_hashes(tlog.consistency(args.old, args.new))
    elif what == "leaves":
        print_json(tlog.leaves(args.start, args.end))
    elif what == "keys":
        witness = tlog.witness
        print(f"log     {tlog.verifier.vkey if tlog.verifier else '(no log key configured)'}")
        print(f"witness {witness.verifier.vkey if witness is not None else '(no witness configured)'}")
    return 0


def _print_hashes(hashes: list[bytes]) -> None:
    for hashed in hashes:
        print(base64.b64encode(hashed).decode())


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def cmd_witness(args: argparse.Namespace, build: Build) -> int:
    """One witness round: fetch the newest checkpoint, check it extends the last one cosigned, cosign it; exit 1 and
    alarm on a fork or a shrink. Or (`serve`) answer a log's checkpoints over HTTP."""
    if args.witness_command == "serve":
        configure_logging(Settings().zone)
        witness = LocalWitness(args.state, Verifier.parse(args.log_key), args.name)
        server = serve(witness, args.host, args.port)
        print(f"witness {witness.verifier.vkey} serving on http://{args.host}:{server.server_port}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        return 0
    if args.log:
        return _remote_round(args)
    container = build(args)
    try:
        if container.tlog.witness is None:
            return _error("no witness configured: set ARREARS_WITNESS_DIR (or ARREARS_WITNESS_URL)")
        newest = container.tlog.newest()
        note = container.tlog.publish() if newest is None else container.tlog.witness_checkpoint(newest)
    except WitnessAlarm as alarm:
        return _error(str(alarm))
    except (TransparencyError, NoteError) as error:
        return _error(str(error))
    finally:
        container.close()
    sys.stdout.write(note)
    return 0


def _remote_round(args: argparse.Namespace) -> int:
    """Pull the newest checkpoint of a log served over HTTP (and the consistency proof) and cosign it."""
    if not args.log_key or args.state is None:
        return _error("witnessing a log over HTTP needs --log-key VKEY and --state DIR")
    witness = LocalWitness(args.state, Verifier.parse(args.log_key), args.name)
    base = args.log.rstrip("/") + "/v1/log"
    try:
        note = _get(base + "/checkpoint").decode()
        checkpoint, _ = open_checkpoint(note, witness.log_key)
        old = witness.size()
        proof: list[bytes] = []
        if 0 < old < checkpoint.size:
            query = urllib.parse.urlencode({"from": old, "to": checkpoint.size})
            body: dict[str, Any] = orjson.loads(_get(f"{base}/proofs/consistency?{query}"))
            proof = [base64.b64decode(h) for h in body["proof"]]
        line = witness.add_checkpoint(old, proof, note)
    except WitnessAlarm as alarm:
        return _error(str(alarm))
    except (NoteError, WitnessConflict, ProofError, OSError, ValueError, KeyError) as error:
        return _error(f"witness round failed: {error}")
    sys.stdout.write(line)
    return 0


def register(commands: Any, build: Build) -> None:
    """Add `log` and `witness` to the CLI's parser."""
    tlog = commands.add_parser("log", help="the transparency log: checkpoints, proofs, leaves, public keys")
    sub = tlog.add_subparsers(dest="log_command", required=True)
    checkpoint = sub.add_parser("checkpoint", help="print the newest signed checkpoint (with its cosignatures)")
    checkpoint.add_argument("--publish", action="store_true", help="publish one of the tree as it is now, witnessed")
    inclusion = sub.add_parser("inclusion", help="the inclusion proof of leaf INDEX in the tree of SIZE leaves")
    inclusion.add_argument("index", type=int, help="the leaf's index (0-based)")
    inclusion.add_argument("size", type=int, help="the tree's size (a checkpoint's)")
    consistency = sub.add_parser("consistency", help="the consistency proof from tree size OLD to NEW")
    consistency.add_argument("old", type=int, help="the older tree size")
    consistency.add_argument("new", type=int, help="the newer tree size")
    leaves = sub.add_parser("leaves", help="leaves [START, END): index, position, leaf hash and leaf bytes (JSON)")
    leaves.add_argument("start", type=int, help="the first leaf's index")
    leaves.add_argument("end", type=int, help="one past the last leaf's index")
    sub.add_parser("keys", help="the log's and the witness's public keys (vkeys), for auditors")
    tlog.set_defaults(handler=lambda a: cmd_log(a, build))

    witness = commands.add_parser(
        "witness",
        help="cosign the log's newest checkpoint if it extends the last one cosigned (exit 1 on a fork or shrink)",
        description="Without --log: the configured witness (ARREARS_WITNESS_DIR; on SQLite <db>-witness) witnesses "
        "this database's log. With --log URL: pull from an arrears API over HTTP into --state DIR.",
    )
    witness.add_argument("--log", metavar="URL", help="an arrears API's base URL (http://host:port)")
    witness.add_argument("--log-key", metavar="VKEY", help="the log's verifier key (`arrears log keys`)")
    witness.add_argument("--state", type=Path, metavar="DIR", help="the witness's own state directory")
    witness.add_argument(
        "--name", default="arrears-witness", help="the witness's key name when its key is generated (a URL-like name)"
    )
    wsub = witness.add_subparsers(dest="witness_command")
    server = wsub.add_parser("serve", help="a C2SP tlog-witness over HTTP (POST /add-checkpoint, GET /checkpoint)")
    server.add_argument("--state", type=Path, required=True, metavar="DIR", help="its state directory")
    server.add_argument("--log-key", required=True, metavar="VKEY", help="the log's verifier key")
    server.add_argument(
        "--name", default="arrears-witness", help="the witness's key name when its key is generated (a URL-like name)"
    )
    server.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    server.add_argument("--port", type=int, default=8008, help="the port to listen on (0: any free one)")
    witness.set_defaults(handler=lambda a: cmd_witness(a, build), witness_command=None)
