"""The transparency log over HTTP: the checkpoint and proofs need no token (hashes only), the leaves need an
auditor; everything a client gets verifies with the log's public key alone (both stores)."""

from __future__ import annotations

import base64
from collections.abc import Callable

from fastapi.testclient import TestClient

from infrastructure.merkle import leaf_hash, root_of, verify_consistency, verify_inclusion
from infrastructure.signed_note import Checkpoint, Note
from tests.e2e.conftest import open_case


def test_checkpoint_proofs_and_leaves_verify_against_each_other(
    client: TestClient, as_role: Callable[..., dict[str, str]]
) -> None:
    assert client.get("/v1/log/checkpoint").status_code == 404  # nothing published yet
    open_case(client, as_role("credit"))
    services = client.app.state.services  # type: ignore[attr-defined]
    first = Checkpoint.parse(Note.parse(services.container.tlog.publish()).text)
    open_case(client, as_role("credit"), n=2)
    services.container.tlog.publish()
    answer = client.get("/v1/log/checkpoint")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    checkpoint = Checkpoint.parse(Note.parse(answer.text).text)
    Note.parse(answer.text).verify(services.container.tlog.verifier)

    leaves = client.get(f"/v1/log/leaves?start=0&end={checkpoint.size}", headers=as_role("auditor")).json()
    hashes = [leaf_hash(base64.b64decode(leaf["leaf"])) for leaf in leaves]
    assert [base64.b64encode(h).decode() for h in hashes] == [leaf["leaf_hash"] for leaf in leaves]
    assert root_of(hashes) == checkpoint.root  # anyone with the leaves recomputes the signed root
    for index in (0, checkpoint.size - 1):
        proof = client.get(f"/v1/log/proofs/inclusion?index={index}&size={checkpoint.size}").json()["proof"]
        verify_inclusion(index, checkpoint.size, hashes[index], [base64.b64decode(p) for p in proof], checkpoint.root)
    proof = client.get(f"/v1/log/proofs/consistency?from={first.size}&to={checkpoint.size}").json()["proof"]
    verify_consistency(first.size, checkpoint.size, [base64.b64decode(p) for p in proof], first.root, checkpoint.root)


def test_out_of_range_proofs_and_leaves_without_an_auditor_are_refused(
    client: TestClient, as_role: Callable[..., dict[str, str]]
) -> None:
    open_case(client, as_role("credit"))
    bad = client.get("/v1/log/proofs/inclusion?index=5&size=99999")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/log/proofs/consistency?from=3&to=2").status_code == 422
    assert client.get("/v1/log/proofs/inclusion?index=-1&size=1").status_code == 422
    assert client.get("/v1/log/leaves?start=0&end=1").status_code == 401
    assert client.get("/v1/log/leaves?start=0&end=1", headers=as_role("collector")).status_code == 403


def test_audit_verify_by_case_checks_only_that_case(client: TestClient, as_role: Callable[..., dict[str, str]]) -> None:
    case_id = open_case(client, as_role("credit"))
    open_case(client, as_role("credit"), n=2)
    whole = client.get("/v1/audit/verify", headers=as_role("auditor")).json()
    one = client.get(f"/v1/audit/verify?case_id={case_id}", headers=as_role("auditor")).json()
    assert one["ok"] and one["scope"] == "case" and whole["scope"] == "log"
    assert 0 < one["checked_events"] < whole["checked_events"]
    missing = client.get("/v1/audit/verify?case_id=00000000-0000-0000-0000-000000000001", headers=as_role("auditor"))
    assert missing.status_code == 404
