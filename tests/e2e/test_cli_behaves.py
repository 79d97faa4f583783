"""The CLI as a pipe's end and a service's log: quiet on a closed pipe, zoned times, clear errors, steady log lines."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.cli import duration, main, parser
from api.cli_output import CLOSED_PIPE, show_time, zoned_text
from projections.heartbeat import Heartbeat
from projections.status import ProjectionStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone (``| head -1`` after its line)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_the_command_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["--database-url", f"sqlite:///{tmp_path / 'p.db'}", "projections", "status"]) == CLOSED_PIPE
    assert "Traceback" not in capsys.readouterr().err


def test_times_show_their_offset_in_the_business_zone() -> None:
    utc = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert show_time(utc, SHANGHAI) == "2026-11-24 09:00 +08:00"
    assert show_time(utc, ZoneInfo("Europe/London")) == "2026-11-24 01:00 +00:00"
    assert show_time(datetime(2026, 11, 24, 9, tzinfo=timezone(timedelta(hours=8))), SHANGHAI).endswith("+08:00")
    assert (
        zoned_text("due 2026-12-03T03:11:51.124055+00:00 (then x)", SHANGHAI) == "due 2026-12-03 11:11 +08:00 (then x)"
    )


def test_a_zero_ttl_says_it_is_zero_and_a_word_says_what_a_duration_is() -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="is zero: a token must live for some time"):
        duration("0s")
    with pytest.raises(argparse.ArgumentTypeError, match="a number and a unit"):
        duration("soon")


def test_replay_names_the_ids_it_takes_and_refuses_version_with_a_time(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["replay", "--help"])
    assert "CASE_ID|LOAN_ID" in capsys.readouterr().out
    assert main(["replay", "L-1", "--version", "2", "--as-of", "2026-11-24T09:00:00+08:00"]) == 2
    assert "--version cannot be combined with --as-of or --known-at" in capsys.readouterr().err
    assert main(["replay", "L-1", "--version", "2", "--known-at", "2026-11-24T09:00:00+08:00"]) == 2


def test_every_command_names_what_its_arguments_are(capsys: pytest.CaptureFixture[str]) -> None:
    """Each positional argument and each option taking a value carries a help text."""
    import argparse

    def walk(p: argparse.ArgumentParser) -> list[str]:
        missing = []
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    missing += walk(sub)
            elif action.dest not in ("help", "handler", "database_url") and not action.help:
                missing.append(f"{p.prog} {action.dest}")
        return missing

    assert walk(parser()) == []


def test_the_worker_heartbeat_names_views_lag_and_ticks(caplog: pytest.LogCaptureFixture) -> None:
    positions = {"audit": 10, "timeline": 7}
    status = lambda: [ProjectionStatus(n, p, 10, 10 - p, None, None) for n, p in positions.items()]  # noqa: E731
    beat = Heartbeat(status, every=60, logger=logging.getLogger("test.worker"))
    with caplog.at_level(logging.INFO, logger="test.worker"):
        beat.beat()
        positions["timeline"] = 10
        beat.count("scheduler ticks", 2)
        beat.beat()
        beat.beat()
    assert [r.getMessage() for r in caplog.records] == [
        "log head 10; timeline lag 3",
        "read 3 events; log head 10; all 2 views caught up; scheduler ticks: 2",
        "read 0 events; log head 10; all 2 views caught up",
    ]
