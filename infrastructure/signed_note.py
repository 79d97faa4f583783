"""C2SP signed notes, checkpoints and cosignatures with Ed25519 (``cryptography``).

- signed-note (c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank line, then signature lines
  ``— <name> base64(key id ‖ signature)``; the key id is SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], type 0x01
  for a plain Ed25519 signature over the text.
- tlog-checkpoint (c2sp.org/tlog-checkpoint): the text is ``<origin>\\n<tree size>\\n<base64 root hash>\\n``.
- tlog-cosignature (c2sp.org/tlog-cosignature, cosignature/v1): type 0x04; the signature is the 8-byte big-endian
  time ‖ Ed25519 over ``cosignature/v1\\ntime <t>\\n`` followed by the checkpoint text.
- keys as Go's ``note`` package writes them: ``PRIVATE+KEY+<name>+<hex key id>+base64(type ‖ seed)`` and the
  verifier key (vkey) ``<name>+<hex key id>+base64(type ‖ public key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014 "


class NoteError(ValueError):
    """A note, checkpoint, key or signature that is malformed or does not verify."""


def key_id(name: str, kind: int, public: bytes) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"a key name must be non-empty, without spaces or '+': {name!r}")
    return name


@dataclass(frozen=True)
class Verifier:
    """A public key that checks one name's signatures of one type."""

    name: str
    kind: int
    public: bytes

    @property
    def id(self) -> bytes:
        """The 4-byte key id."""
        return key_id(self.name, self.kind, self.public)

    @property
    def vkey(self) -> str:
        """``<name>+<hex key id>+base64(type ‖ public key)``."""
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(bytes([self.kind]) + self.public).decode()}"

    def key(self) -> Ed25519PublicKey:
        """The Ed25519 key."""
        return Ed25519PublicKey.from_public_bytes(self.public)

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read a vkey; NoteError if it is malformed or its key id does not match."""
        try:
            name, hex_id, encoded = vkey.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise NoteError(f"not a verifier key (name+keyid+base64): {vkey!r}") from None
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("a verifier key must hold a type byte (0x01 or 0x04) and a 32-byte Ed25519 key")
        verifier = cls(_check_name(name), raw[0], raw[1:])
        if verifier.id.hex() != hex_id.lower():
            raise NoteError(f"the verifier key's id {hex_id} does not match its name and key")
        return verifier


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs notes (0x01) or cosigns checkpoints (0x04)."""

    name: str
    kind: int
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> Signer:
        """A new random key."""
        return cls(_check_name(name), kind, Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        """Its public half."""
        public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, self.kind, public)

    def encoded(self) -> str:
        """``PRIVATE+KEY+<name>+<hex key id>+base64(type ‖ seed)`` (keep it secret)."""
        seed = self.private.private_bytes_raw()
        raw = base64.b64encode(bytes([self.kind]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{raw}"

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read a private key written by ``encoded``."""
        try:
            private, key, name, hex_id, encoded = text.strip().split("+", 4)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            raise NoteError("not a private key (PRIVATE+KEY+name+keyid+base64)") from None
        if (private, key) != ("PRIVATE", "KEY") or len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("not an Ed25519 private key (PRIVATE+KEY+name+keyid+base64(type ‖ 32-byte seed))")
        signer = cls(_check_name(name), raw[0], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.id.hex() != hex_id.lower():
            raise NoteError("the private key's id does not match its name and key")
        return signer

    def sign(self, text: str) -> str:
        """A signature line (type 0x01) over the note text."""
        if self.kind != ED25519:
            raise NoteError("a cosigner key cosigns checkpoints; it does not sign notes")
        signature = self.private.sign(text.encode())
        return f"{DASH}{self.name} {base64.b64encode(self.verifier.id + signature).decode()}\n"

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        """A cosignature/v1 line over the checkpoint text at this POSIX time."""
        if self.kind != COSIGNATURE_V1:
            raise NoteError("only a cosigner key (type 0x04) cosigns")
        signature = self.private.sign(cosigned_message(checkpoint_text, timestamp))
        raw = self.verifier.id + struct.pack(">Q", timestamp) + signature
        return f"{DASH}{self.name} {base64.b64encode(raw).decode()}\n"


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """``cosignature/v1\\ntime <t>\\n`` followed by the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode()


@dataclass(frozen=True)
class Note:
    """A signed note: its text and signature lines (name, key id, signature bytes)."""

    text: str
    signatures: tuple[tuple[str, bytes, bytes], ...]

    @classmethod
    def parse(cls, note: str) -> Note:
        """Split a note into its text and signatures; NoteError when it is not a signed note."""
        text, sep, block = note.rpartition("\n\n")
        if not sep or not block.endswith("\n"):
            raise NoteError("not a signed note: no blank line before signature lines, or no final newline")
        signatures = []
        for line in block[:-1].split("\n"):
            if not line.startswith(DASH):
                raise NoteError(f"not a signature line: {line[:40]!r}")
            name, _, encoded = line[len(DASH) :].partition(" ")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise NoteError(f"signature of {name} is not base64") from None
            if len(raw) < 5:
                raise NoteError(f"signature of {name} is too short")
            signatures.append((name, raw[:4], raw[4:]))
        return cls(text + "\n", tuple(signatures))

    def lines(self) -> str:
        """The note again, as text."""
        return (
            self.text
            + "\n"
            + "".join(f"{DASH}{name} {base64.b64encode(kid + sig).decode()}\n" for name, kid, sig in self.signatures)
        )

    def verify(self, verifier: Verifier) -> int | None:
        """Check the verifier's signature: NoteError if it is missing or wrong; a cosignature's time, else None."""
        for name, kid, sig in self.signatures:
            if name != verifier.name or kid != verifier.id:
                continue
            try:
                if verifier.kind == COSIGNATURE_V1:
                    if len(sig) != 72:
                        raise NoteError(f"the cosignature of {name} is not 8 + 64 bytes")
                    (timestamp,) = struct.unpack(">Q", sig[:8])
                    verifier.key().verify(sig[8:], cosigned_message(self.text, timestamp))
                    return int(timestamp)
                verifier.key().verify(sig, self.text.encode())
                return None
            except InvalidSignature:
                raise NoteError(f"the signature of {name} does not verify: the note was changed or forged") from None
        raise NoteError(f"the note carries no signature of {verifier.name} (key id {verifier.id.hex()})")

    def with_line(self, line: str) -> Note:
        """The note with one more signature line (replacing an earlier one by the same key)."""
        added = Note.parse(self.text + "\n" + line).signatures[0]
        kept = tuple(s for s in self.signatures if (s[0], s[1]) != (added[0], added[1]))
        return Note(self.text, (*kept, added))


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint: origin, tree size, root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """``<origin>\\n<size>\\n<base64 root>\\n``."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's text (extension lines are ignored)."""
        lines = text.split("\n")
        try:
            origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
        except (IndexError, ValueError, binascii.Error):
            raise NoteError("not a checkpoint (origin, tree size, base64 root hash)") from None
        if not origin or size < 0 or len(root) != 32 or lines[1] != str(size):
            raise NoteError("not a checkpoint (origin, tree size, base64 root hash)")
        return cls(origin, size, root)


def open_checkpoint(note: str, log: Verifier) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint and check the log's signature and origin; NoteError otherwise."""
    parsed = Note.parse(note)
    parsed.verify(log)
    checkpoint = Checkpoint.parse(parsed.text)
    if checkpoint.origin != log.name:
        raise NoteError(f"the checkpoint's origin {checkpoint.origin!r} is not the log's key name {log.name!r}")
    return checkpoint, parsed
