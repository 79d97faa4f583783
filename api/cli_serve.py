"""``arrears serve``: the HTTP API under uvicorn, with the log follower, the scheduler and the key purge; on a first
start the demo portfolio is seeded first."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api import cli_users
from api.cli_output import command_name
from application.bootstrap import Container, bootstrap
from demo.seeding import DEFAULT_PORTFOLIO, assess_portfolio, seed_demo
from infrastructure.progress import progress
from infrastructure.secret_key import resolve_secret_key
from infrastructure.settings import Settings

SettingsFrom = Callable[[argparse.Namespace], Settings]


def register(commands: Any, settings_from: SettingsFrom) -> None:
    """Add ``serve`` to the CLI."""

    def cmd_serve(args: argparse.Namespace) -> int:
        """Seed the demo (first start), then run the HTTP API under uvicorn."""
        return serve(args, settings_from(args))

    command = commands.add_parser("serve", help="run the HTTP API (seeds the demo portfolio on first start)")
    command.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    command.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    command.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    command.add_argument("--no-demo", action="store_true", help="do not seed the demo portfolio")
    command.add_argument("--enterprises", type=int, default=DEFAULT_PORTFOLIO, help="demo portfolio size")
    command.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    command.add_argument("--no-access-log", dest="access_log", action="store_false", help="no per-request log lines")
    command.set_defaults(handler=cmd_serve)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Seed the demo (first start), then run the HTTP API under uvicorn."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    if args.database_url:  # worker processes read the settings from the environment
        os.environ["ARREARS_DATABASE_URL"] = args.database_url
    resolve_secret_key(settings)  # generates the dev key (and says so) before any worker starts
    if not args.no_demo:
        container = bootstrap(settings)
        try:
            if container.store.recorder.max_notification_id():  # only a first start seeds (a demo run is kept)
                print("the database holds events: no demo seeding (arrears seed adds the demo portfolio)")
            else:
                seed_and_assess(container, args.enterprises)
        finally:
            container.close()
    return serve_after_seeding(args, settings)


def seed_and_assess(container: Container, enterprises: int) -> None:
    """Seed the demo portfolio and assess it, saying what was done."""
    result = seed_demo(container.app, enterprises, lambda items, total: progress(items, "seeding demo", total))
    print(f"demo portfolio: {len(result.case_ids)} cases ({result.cases_opened} newly opened)")
    tiers = assess_portfolio(
        container.app, result.case_ids.values(), lambda items, total: progress(items, "assessing", total)
    )
    print("tiers: " + ", ".join(f"{tiers[t]} {t}" for t in ("high", "medium", "low")))


def serve_after_seeding(args: argparse.Namespace, settings: Settings) -> int:
    """Print the hints and run uvicorn."""
    import uvicorn

    from api.http_limits import GuardedHttpToolsProtocol
    from api.main import FOLLOWER_LOCK_ENV, create_app

    base = f"http://{args.host}:{args.port}"
    db = f" --database-url {args.database_url}" if args.database_url else ""
    arrears = command_name()  # as runnable from here: .venv/bin/arrears unless arrears is on PATH
    collector, open_cases = cli_users.hint_collector(settings)
    cases = f"{collector} has {open_cases} open cases" if open_cases else "no collector has an open case yet"
    print(f"arrears API on {base}  (OpenAPI docs: {base}/docs, offline; {cases}; all users: {arrears}{db} users)")
    print(f"get a token:  TOKEN=$({arrears}{db} token issue --user {collector} --role collector)")
    print(f'then:         curl -H "Authorization: Bearer $TOKEN" {base}/v1/worklist')
    sys.stdout.flush()
    if args.workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="arrears-metrics-")
    if args.workers > 1:  # one worker follows the log for all (api.main.log_follower)
        os.environ[FOLLOWER_LOCK_ENV] = str(Path(tempfile.mkdtemp(prefix="arrears-follower-")) / "follower.lock")
    server_options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": args.access_log,
        "http": GuardedHttpToolsProtocol,  # head size limit, head and body deadlines (docs/reliability.md)
        "timeout_keep_alive": settings.keep_alive_seconds,
    }
    if args.workers > 1:
        return serve_workers(args.workers, server_options)
    uvicorn.run(create_app(settings, run_scheduler=True), **server_options)  # exits 3 when the app fails to start
    return 0


def serve_workers(workers: int, options: dict[str, Any]) -> int:
    """Run uvicorn's worker processes; non-zero when one failed to start (uvicorn then stops the others, but its
    own ``run`` returns as if all was well)."""
    from uvicorn.config import STARTUP_FAILURE, Config
    from uvicorn.supervisors import Multiprocess

    config = Config("api.main:create_serving_app", factory=True, workers=workers, **options)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    failed = [process.pid for process in supervisor.processes if process.exitcode == STARTUP_FAILURE]
    if failed:
        print(f"arrears serve: worker process {', '.join(map(str, failed))} failed to start", file=sys.stderr)
        return STARTUP_FAILURE
    return 0
