"""RFC 9162 §2.1 Merkle trees: hashing, inclusion and consistency proofs (made from a tree's nodes, and checked).

A leaf's hash is SHA-256(0x00 ‖ leaf bytes), an interior node's SHA-256(0x01 ‖ left ‖ right); the tree over n
leaves splits at the largest power of two smaller than n. Proofs are made from the hashes of *perfect* subtrees
(2^h leaves starting at a multiple of 2^h), which is all a store of the tree has to answer (``node(h, i)``).
The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, and refuse anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

#: the root of the empty tree: SHA-256 of nothing
EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_SIZE = 32

#: the hash of the perfect subtree of height h whose leftmost leaf is i·2^h
NodeGetter = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof that does not prove what it is said to prove."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two number of hashes (level by level)."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[k], level[k + 1]) for k in range(0, len(level), 2)]
    return level[0]


class CompactRange:
    """The tree's right edge as it grows: one hash per perfect subtree (at most log2 n of them), so the root of any
    number of leaves streamed through it is known in O(log n) memory."""

    def __init__(self) -> None:
        self.size = 0
        #: (height, hash) of the perfect subtrees covering the leaves so far, largest first
        self.stack: list[tuple[int, bytes]] = []

    def append(self, hashed: bytes) -> None:
        """Add a leaf (its leaf hash)."""
        height, current = 0, hashed
        while self.stack and self.stack[-1][0] == height:
            _, left = self.stack.pop()
            current = node_hash(left, current)
            height += 1
        self.stack.append((height, current))
        self.size += 1

    def extend(self, hashes: Iterable[bytes]) -> None:
        """Add leaves in order."""
        for hashed in hashes:
            self.append(hashed)

    def root(self) -> bytes:
        """The tree's root hash (RFC 9162's MTH over the leaves so far)."""
        if not self.stack:
            return EMPTY_ROOT
        current = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            current = node_hash(left, current)
        return current


def root_of(hashes: Iterable[bytes]) -> bytes:
    """MTH over leaf hashes."""
    compact = CompactRange()
    compact.extend(hashes)
    return compact.root()


def range_hash(node: NodeGetter, start: int, end: int) -> bytes:
    """MTH(D[start:end]) from perfect subtrees, splitting as RFC 9162 does (``start`` aligned to the split)."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return node(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(range_hash(node, start, start + k), range_hash(node, start + k, end))


def inclusion_proof(node: NodeGetter, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the audit path, leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            path.append(range_hash(node, start + k, start + n))
            n = k
        else:
            path.append(range_hash(node, start, start + k))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_proof(node: NodeGetter, old: int, new: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old, D[0:new]) (empty when old is 0 or equals new)."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old == 0 or old == new:
        return []
    proof: list[bytes] = []
    start, n, m, whole = 0, new, old, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(range_hash(node, start + k, start + n))
            n = k
        else:
            proof.append(range_hash(node, start, start + k))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        proof.append(range_hash(node, start, start + n))
    proof.reverse()
    return proof


def _check_sizes(*hashes: bytes) -> None:
    if any(len(hashed) != HASH_SIZE for hashed in hashes):
        raise ProofError(f"a hash of a proof or a root is not {HASH_SIZE} bytes")


def verify_inclusion(index: int, size: int, hashed: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless the leaf hash is at ``index`` of the tree with this root."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_sizes(hashed, root, *proof)
    fn, sn, r = index, size - 1, hashed
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    if r != root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless the tree of size ``new`` extends the tree of size ``old``."""
    if not 0 <= old <= new:
        raise ProofError(f"a tree of size {new} cannot extend one of size {old}: the log shrank")
    if old == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old == new:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old}: the log forked")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    _check_sizes(old_root, new_root, *proof)
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the tree is deep")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the older root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the newer root")
