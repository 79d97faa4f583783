"""What a restore checks before it commits: each aggregate's chain against the head the export recorded, and the
Merkle tree of the exported events against every checkpoint in the file, each signed with the log's key (and
cosigned with the witness's, when the restorer names the witness key). A file that fails any of it is a
ForgedArchive, and the restore's transaction is rolled back: nothing is restored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from infrastructure.merkle import EMPTY_ROOT, range_hash
from infrastructure.signed_note import Checkpoint, NoteError, Verifier, open_checkpoint
from infrastructure.tlog_store import CHECKPOINTS, LEAVES, Tiles, build_nodes, event_leaf_hash
from infrastructure.view_store import ViewTx
from projections.audit_chain import GENESIS, chain_hash

LEAF_INSERT = f"INSERT INTO {LEAVES} (leaf_index, position, hash) VALUES (?, ?, ?)"
CHECKPOINT_INSERT = f"INSERT INTO {CHECKPOINTS} (size, note, published_at) VALUES (?, ?, ?)"


class ArchiveError(ValueError):
    """The file is not a whole export, or the database is not empty, or a check failed."""


class ForgedArchive(ArchiveError):
    """The file's events are not the ones its chains and signed checkpoints vouch for."""


@dataclass(frozen=True)
class Trust:
    """The keys a restore checks the file's checkpoints with."""

    log_key: Verifier | None
    witness_key: Verifier | None = None


@dataclass
class RestoreProof:
    """The chains and the tree of the events as they are read from the file, and its checkpoints."""

    trust: Trust | None
    checkpoints: list[str] = field(default_factory=list)
    #: leaves not yet written (index, position, hash), handed to the insert with their events
    leaves: list[tuple[int, int, bytes]] = field(default_factory=list)
    size: int = 0
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    _opened: list[Checkpoint] = field(default_factory=list)

    def add(self, position: int, key: UUID, version: int, topic: str, state: bytes) -> None:
        """Take in one exported event (in the file's order, which is the log's)."""
        self.leaves.append((self.size, position, event_leaf_hash(position, key, version, topic, state)))
        self.size += 1
        name = str(key)
        _, previous = self.heads.get(name, (0, GENESIS))
        self.heads[name] = (version, chain_hash(previous, name, version, topic, state))

    def check(self, tx: ViewTx, recorded: dict[str, tuple[int, str]]) -> None:
        """ForgedArchive unless every chain ends in its recorded head and the events make the signed trees (the
        leaves are already written in ``tx``, which is not committed)."""
        differ = sorted(key for key, head in self.heads.items() if recorded.get(key) != head)
        differ += sorted(set(recorded) - set(self.heads))
        if differ:
            raise ForgedArchive(
                f"{len(differ)} chain(s) differ from the heads the export recorded (first: {differ[0]}): "
                "an event was changed, added or removed; nothing was restored"
            )
        if not self.checkpoints:
            return
        if self.trust is None or self.trust.log_key is None:
            raise ArchiveError(
                "the file's checkpoints cannot be checked: no log key (set ARREARS_LOG_KEY or "
                "ARREARS_LOG_KEY_FILE, or pass --log-key); nothing was restored"
            )
        for note in self.checkpoints:
            try:
                checkpoint, parsed = open_checkpoint(note, self.trust.log_key)
                if self.trust.witness_key is not None:
                    parsed.verify(self.trust.witness_key)
            except NoteError as error:
                raise ForgedArchive(
                    f"a checkpoint in the file does not verify: {error}; nothing was restored"
                ) from None
            self._opened.append(checkpoint)
        last = max(c.size for c in self._opened)
        if last != self.size:
            raise ForgedArchive(
                f"the file holds {self.size} events but its newest checkpoint signs {last}: nothing was restored"
            )
        build_nodes(tx, self.size)
        tiles = Tiles(tx)
        for checkpoint in self._opened:
            root = EMPTY_ROOT if checkpoint.size == 0 else range_hash(tiles.getter, 0, checkpoint.size)
            if root != checkpoint.root:
                raise ForgedArchive(
                    f"the file's first {checkpoint.size} events do not make the tree the log signed at that size: "
                    "an event was changed, added, removed or moved; nothing was restored"
                )

    def kept(self) -> list[tuple[Any, ...]]:
        """The checkpoints to keep in the restored log (size, note, when restored)."""
        now = datetime.now(UTC).isoformat()
        return [(c.size, note, now) for c, note in zip(self._opened, self.checkpoints, strict=True)]
