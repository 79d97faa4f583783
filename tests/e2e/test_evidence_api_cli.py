"""The evidence pack as its users get it: a zip from GET /v1/cases/{id}/evidence (both stores), and a folder from
`arrears evidence`, checked by `arrears evidence verify` without the database."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.cli import main
from projections.evidence_verify import verify_pack
from tests.e2e.conftest import CALL, open_case


def test_the_api_hands_an_auditor_a_pack_that_verifies(client, as_role, tmp_path: Path) -> None:
    case_id = open_case(client, as_role("admin"))
    assert client.post(f"/v1/cases/{case_id}/contacts", json=CALL, headers=as_role("collector")).status_code == 201
    response = client.get(f"/v1/cases/{case_id}/evidence", headers=as_role("auditor"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path / "pack")
    assert verify_pack(tmp_path / "pack").ok
    assert client.get(f"/v1/cases/{case_id}/evidence", headers=as_role("collector")).status_code == 403
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/v1/cases/{unknown}/evidence", headers=as_role("auditor")).status_code == 404


def test_the_cli_makes_a_pack_by_loan_id_or_period_and_verify_names_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database-url", f"sqlite:///{tmp_path / 'e.db'}"]
    assert main([*db, "seed", "--enterprises", "7"]) == 0
    out = tmp_path / "pack"
    assert main([*db, "evidence", "HD-2024-03", "--out", str(out)]) == 0
    assert "evidence pack of 1 case(s)" in capsys.readouterr().out
    assert main(["evidence", "verify", str(out)]) == 0  # no --database-url: the pack alone
    assert "evidence verify: OK" in capsys.readouterr().out
    events = out / "events.jsonl"
    changed = next(json.loads(line)["version"] for line in events.read_text().splitlines() if "Liu Yang" in line)
    events.write_text(events.read_text().replace("Liu Yang", "Liu Yan", 1))
    assert main(["evidence", "verify", str(out)]) == 1
    report = capsys.readouterr().out
    assert "CHANGED  events.jsonl was changed" in report
    assert f"v{changed}: the event's stored bytes no longer match" in report
    now = datetime.now(UTC)  # the demo dates its contacts back from today
    since, until = (now - timedelta(days=60)).isoformat(), (now + timedelta(days=1)).isoformat()
    period = ["--from", since, "--to", until, "--out", str(tmp_path / "p")]
    assert main([*db, "evidence", *period]) == 0
    assert "evidence pack of 7 case(s)" in capsys.readouterr().out
    assert main([*db, "evidence", "HD-2024-03", *period]) == 2  # a case or a period, not both
    assert "not both" in capsys.readouterr().err
