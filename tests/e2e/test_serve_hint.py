"""`arrears serve`'s startup hint runs exactly as printed: the token command and then the curl command."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_serve import ROOT, free_port


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs bash and curl")
def test_the_printed_token_and_curl_commands_work_as_printed(tmp_path: Path) -> None:
    arrears = Path(sys.executable).parent / "arrears"
    if not arrears.exists():
        pytest.skip("the arrears console script is not installed next to this Python")
    port = free_port()
    env = {**os.environ, "ARREARS_DATABASE_URL": f"sqlite:///{tmp_path / 'hint.db'}", "ARREARS_SECRET_KEY": "k" * 40}
    command = [str(arrears), "serve", "--no-demo", "--port", str(port), "--log-level", "warning"]
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
        assert out.read_text().startswith("{")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
