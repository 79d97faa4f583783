"""How the ``arrears`` CLI writes: JSON alone when asked for JSON, times with their offset in the business zone,
log lines stamped the same way, and a closed pipe (``| head``) ending the command quietly."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

#: the exit status of a command whose reader went away (as a shell reports a process ended by SIGPIPE)
CLOSED_PIPE = 141


def show_time(moment: datetime | date | str | None, zone: ZoneInfo) -> str:
    """A time as a person reads it: in the business zone, with its offset (``2026-11-24 10:15 +08:00``)."""
    if moment is None:
        return "-"
    if isinstance(moment, str):
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError:
            return moment
        return show_time(parsed, zone)
    if not isinstance(moment, datetime):
        return moment.isoformat()
    if moment.tzinfo is None:  # never expected: every stored time has an offset; say so rather than guess
        return f"{moment:%Y-%m-%d %H:%M} (no offset)"
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)")


def zoned_text(text: str, zone: ZoneInfo) -> str:
    """A narration with every ISO time in it shown in the business zone with its offset (one zone per screen)."""
    return _ISO_TIME.sub(lambda match: show_time(match[0].replace("Z", "+00:00"), zone), text)


def print_json(data: Any) -> None:
    """JSON alone on stdout (nothing before or after it), so ``| jq`` reads it."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def note(text: str) -> None:
    """A line for the person at the terminal, on stderr, so it never mixes with the data on stdout."""
    print(text, file=sys.stderr)


class ZonedFormatter(logging.Formatter):
    """Log lines stamped in the business zone with their offset (``2026-11-24T10:15:00.123+08:00``)."""

    def __init__(self, zone: ZoneInfo, fmt: str = "%(asctime)s %(levelname)s %(name)s %(message)s") -> None:
        super().__init__(fmt)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds")


def configure_logging(zone: ZoneInfo, level: int = logging.INFO) -> None:
    """Log to stderr with times in the business zone (once per process)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, ZonedFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(ZonedFormatter(zone))
    root.addHandler(handler)
    root.setLevel(level)


def command_name() -> str:
    """How to run this very ``arrears`` again from where the user stands, for hints to print exactly as runnable:
    ``.venv/bin/arrears`` (a path under the current folder), its absolute path, or ``arrears`` when that is what
    the shell finds on PATH."""
    started = sys.argv[0] if sys.argv and sys.argv[0] else "arrears"
    script = os.path.abspath(started)
    if os.path.basename(script) != "arrears" or not os.path.isfile(script):  # `python -m api.cli`, or a test
        return f"{sys.executable} -m api.cli"
    on_path = shutil.which("arrears")
    if on_path is not None and os.path.realpath(on_path) == os.path.realpath(script):
        return "arrears"
    relative = os.path.relpath(script)
    return relative if not relative.startswith("..") else script


def end_quietly_on_closed_pipe() -> int:
    """After a BrokenPipeError: point stdout at /dev/null so the interpreter's last flush cannot fail again, and
    answer the exit status a shell gives a process its reader left."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it): nothing left to protect
        pass
    return CLOSED_PIPE
