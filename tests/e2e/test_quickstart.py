"""The manual's quick start runs exactly as printed: its shell block, in a fresh directory beside the virtualenv (the
checkout a newcomer is in, with a new ./arrears.db), on a free port; the answers are the ones it promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_serve import ROOT, free_port

QUICKSTART = ROOT / "docs" / "quickstart.md"
CASE_ID = re.compile(r'"case_id": "([0-9a-f-]{36})"')


def quickstart_block() -> str:
    """The shell block under the page's ``<!-- quickstart -->`` marker."""
    text = QUICKSTART.read_text(encoding="utf-8")
    after = text.split("<!-- quickstart -->", 1)[1]
    return after.split("```sh\n", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("bash", "curl", "jq")), reason="the quick start needs bash, curl, jq"
)
def test_the_quick_start_runs_as_printed_and_finds_its_case_again(tmp_path: Path) -> None:
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "arrears").exists():
        pytest.skip("the arrears console script is not installed in this virtualenv")
    (tmp_path / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARREARS_")}  # as a newcomer's shell has it
    env["PORT"] = str(free_port())
    script = "set -euo pipefail\n" + quickstart_block()
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    out = done.stdout
    assert done.returncode == 0, f"exit {done.returncode}\n{out[-3000:]}\n{done.stderr[-3000:]}"
    assert "HTTP/1.1 201" in out  # the call pinned to the version it saw was recorded
    timeline = [line for line in out.splitlines() if re.match(r"^v\d+ ", line)]
    types = [line.split()[3].rstrip(":") for line in timeline]  # v17 <occurred_at> <user> PaymentReceived: ...
    assert types.count("PaymentReceived") == 1, "\n".join(timeline)  # the retried payment was recorded once
    assert "CallLogged" in types and "VisitCompleted" in types
    assert "HD-2026-001 Hengda Precision Machinery Co., Ltd." in out  # found by the firm's name, case-insensitively
    case_ids = set(CASE_ID.findall(out))
    assert len(case_ids) == 1  # the case found by its loan id is the one opened
