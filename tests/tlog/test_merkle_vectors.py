"""RFC 9162 hashing and proofs against transparency-dev/merkle's test vectors (tests/tlog/data, source named there):
every happy path verifies and every modified or truncated proof is refused; the tree stored in the database (both
stores) answers the same roots and the very same proofs."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infrastructure.environment import eventsourcing_env
from infrastructure.event_store import EventStore
from infrastructure.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from infrastructure.settings import Settings
from infrastructure.tlog_store import Tiles, append_leaves, build_nodes, tree_ddl
from infrastructure.view_store import ViewStore, view_store

DATA = Path(__file__).parent / "data"
#: transparency-dev/merkle testonly/constants.go: LeafInputs() and RootHashes()
LEAF_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def vectors(kind: str) -> list[dict[str, Any]]:
    document = json.loads((DATA / f"merkle_{kind}.json").read_text())
    assert "transparency-dev/merkle" in document["source"]
    return list(document["vectors"])


def b64(text: str | None) -> bytes:
    return base64.b64decode(text) if text else b""


def test_rfc9162_hashing_of_leaves_nodes_and_the_empty_tree() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    hashes = [leaf_hash(bytes.fromhex(x)) for x in LEAF_INPUTS]
    assert node_hash(hashes[0], hashes[1]).hex() == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
    assert [root_of(hashes[:n]).hex() for n in range(9)] == ROOTS


@pytest.mark.parametrize("vector", vectors("inclusion"), ids=lambda v: v["file"].removeprefix("testdata/"))
def test_inclusion_vectors_verify_or_are_refused_as_the_reference_says(vector: dict[str, Any]) -> None:
    proof = [b64(p) for p in vector["proof"] or []]
    check = lambda: verify_inclusion(  # noqa: E731
        vector["leafIdx"], vector["treeSize"], b64(vector["leafHash"]), proof, b64(vector["root"])
    )
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize("vector", vectors("consistency"), ids=lambda v: v["file"].removeprefix("testdata/"))
def test_consistency_vectors_verify_or_are_refused_as_the_reference_says(vector: dict[str, Any]) -> None:
    proof = [b64(p) for p in vector["proof"] or []]
    check = lambda: verify_consistency(  # noqa: E731
        vector["size1"], vector["size2"], proof, b64(vector["root1"]), b64(vector["root2"])
    )
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


def test_the_vectors_include_refusals_of_modified_and_truncated_proofs() -> None:
    refused = {v["file"].rsplit("/", 1)[-1] for v in vectors("inclusion") + vectors("consistency") if v["wantErr"]}
    assert any(name.startswith("modified-proof") for name in refused)
    assert any("truncated" in name or "sub-@" in name or "preceding" in name for name in refused)


@pytest.fixture
def tree(settings: Settings) -> Iterator[ViewStore]:
    """The 8 reference leaves in the database's tree tables (SQLite or PostgreSQL)."""
    events = EventStore(env=eventsourcing_env(settings))
    store = view_store(events)
    with store.transaction() as tx:
        for statement in tree_ddl(store.dialect):
            tx.execute(statement)
        append_leaves(tx, [(n + 1, leaf_hash(bytes.fromhex(x))) for n, x in enumerate(LEAF_INPUTS)])
        build_nodes(tx, 8)
    yield store
    events.close()


def test_the_stored_tree_answers_the_reference_roots_and_the_reference_proofs(tree: ViewStore) -> None:
    with tree.reading() as tx:
        node = Tiles(tx).getter
        for vector in vectors("inclusion"):
            if not vector["wantErr"] and vector["treeSize"] <= 8 and vector["file"].endswith("happy-path.json"):
                got = inclusion_proof(node, vector["leafIdx"], vector["treeSize"])
                assert [base64.b64encode(h).decode() for h in got] == (vector["proof"] or [])
        for vector in vectors("consistency"):
            if not vector["wantErr"] and vector["size2"] <= 8 and vector["file"].endswith("happy-path.json"):
                got = consistency_proof(node, vector["size1"], vector["size2"])
                assert [base64.b64encode(h).decode() for h in got] == (vector["proof"] or [])
        hashes = [leaf_hash(bytes.fromhex(x)) for x in LEAF_INPUTS]
        for size in range(1, 9):
            root = bytes.fromhex(ROOTS[size])
            for index in range(size):
                verify_inclusion(index, size, hashes[index], inclusion_proof(node, index, size), root)
            for old in range(1, size + 1):
                proof = consistency_proof(node, old, size)
                verify_consistency(old, size, proof, bytes.fromhex(ROOTS[old]), root)


def test_a_large_stored_tree_grown_in_steps_proves_what_the_reference_tree_proves(settings: Settings) -> None:
    """More than 65,536 leaves: full and partial tiles on three levels, the partial ones rewritten as they grow."""
    hashes = [leaf_hash(n.to_bytes(4, "big")) for n in range(66_000)]
    events = EventStore(env=eventsourcing_env(settings))
    store = view_store(events)
    try:
        with store.transaction() as tx:
            for statement in tree_ddl(store.dialect):
                tx.execute(statement)
        done = 0
        for size in (300, 65_536 + 300, 66_000):
            with store.transaction() as tx:
                append_leaves(tx, [(n + 1, hashes[n]) for n in range(done, size)])
                build_nodes(tx, size)
            done = size
            with store.reading() as tx:
                tiles = Tiles(tx)
                root = root_of(hashes[:size])
                assert range_hash(tiles.getter, 0, size) == root
                for index in (0, 255, 256, 65_535, size - 1):
                    if index < size:
                        proof = tiles.prove(lambda node, i=index, s=size: inclusion_proof(node, i, s))
                        verify_inclusion(index, size, hashes[index], proof, root)
                for old in (1, 256, 257, 65_536, size - 1):
                    if old < size:
                        proof = tiles.prove(lambda node, m=old, s=size: consistency_proof(node, m, s))
                        verify_consistency(old, size, proof, root_of(hashes[:old]), root)
    finally:
        events.close()
