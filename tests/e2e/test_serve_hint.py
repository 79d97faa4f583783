"""`arrears serve`'s startup hint runs exactly as printed: the token command and then the curl command; its token is
for a collector who has cases, so the worklist it fetches is not empty."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_serve import ROOT, free_port


def run_the_hint(tmp_path: Path, *serve_options: str) -> tuple[dict[str, str], dict[str, object]]:
    """Start `arrears serve` with these options, run its printed token and curl commands in a shell as a new user
    would; the hint's lines and what the curl command fetched."""
    arrears = Path(sys.executable).parent / "arrears"
    if not arrears.exists():
        pytest.skip("the arrears console script is not installed next to this Python")
    port = free_port()
    env = {**os.environ, "ARREARS_DATABASE_URL": f"sqlite:///{tmp_path / 'hint.db'}", "ARREARS_SECRET_KEY": "k" * 40}
    command = [str(arrears), "serve", *serve_options, "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    try:
        assert server.stdout is not None
        hint = {}
        for line in server.stdout:
            label, _, rest = line.partition(":")
            hint[label.strip()] = rest.strip()
            if label == "then":
                break
        assert "token issue" in hint["get a token"]
        out = tmp_path / "out.json"
        retry = f"for i in $(seq 100); do {hint['then']} -sf -o {out} && break; sleep 0.2; done"
        # as a new user's shell after the README's two commands: the virtualenv is not on PATH
        path = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != arrears.parent)
        shell = {**env, "PATH": path}
        done = subprocess.run(["bash", "-ec", f"{hint['get a token']}\n{retry}"], cwd=ROOT, env=shell, timeout=60)
        assert done.returncode == 0
        return hint, json.loads(out.read_text())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


needs_a_shell = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl"
)


@needs_a_shell
def test_the_printed_token_and_curl_commands_work_as_printed(tmp_path: Path) -> None:
    hint, worklist = run_the_hint(tmp_path, "--no-demo")
    assert worklist["items"] == [] and worklist["total"] == 0  # an empty database: nobody has cases yet
    assert "no collector has an open case yet" in hint["arrears API on http"]


@needs_a_shell
def test_the_hint_token_is_for_a_collector_whose_worklist_is_not_empty(tmp_path: Path) -> None:
    hint, worklist = run_the_hint(tmp_path, "--enterprises", "7")
    assert "--user wang.collector --role collector" in hint["get a token"]  # the seeded portfolio's collector
    assert worklist["collector"] == "wang.collector"
    assert worklist["total"] == 7 and len(worklist["items"]) == 7  # type: ignore[arg-type]
