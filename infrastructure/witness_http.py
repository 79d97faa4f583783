"""A witness over HTTP, as C2SP tlog-witness has it: ``POST /add-checkpoint`` with ``old <size>``, the consistency
proof (one base64 hash a line), a blank line and the signed checkpoint; the answer is the cosignature line (200),
the size the witness holds (409, ``text/x.tlog.size``), or a refusal (403 bad signature, 422 bad proof: an alarm).
``GET /checkpoint`` answers the newest checkpoint the witness cosigned. The client is what a log posts to; the
server (``serve``) wraps a ``LocalWitness`` for `arrears witness serve`."""

from __future__ import annotations

import base64
import binascii
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infrastructure.signed_note import Checkpoint, NoteError, Verifier, open_checkpoint
from infrastructure.witness import ALARMS, LocalWitness, WitnessAlarm, WitnessConflict, Witnessed

log = logging.getLogger("arrears.witness")
#: the longest a body may be (a checkpoint and 64 proof hashes fit easily)
MAX_BODY = 64 * 1024


def request_body(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The add-checkpoint request."""
    lines = [f"old {old_size}"] + [base64.b64encode(p).decode() for p in proof]
    return ("\n".join(lines) + "\n\n" + note).encode()


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    """(old size, proof, note) of an add-checkpoint request; ValueError when malformed."""
    text = body.decode()
    head, sep, note = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise ValueError("an add-checkpoint request starts with 'old <size>', then the proof, a blank line, the note")
    try:
        return int(lines[0][4:]), [base64.b64decode(line, validate=True) for line in lines[1:]], note
    except (ValueError, binascii.Error):
        raise ValueError("the old size or a proof line is malformed") from None


class HttpWitness:
    """A remote witness: the log posts its checkpoints to it and keeps the cosignatures it answers."""

    def __init__(self, url: str, key: Verifier, log_key: Verifier, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.verifier = key
        self.log_key = log_key
        self.timeout = timeout

    def _call(self, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=body, method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()

    def latest(self) -> Witnessed | None:
        """The newest checkpoint the witness cosigned (None before the first), checked with both keys."""
        status, body = self._call("/checkpoint")
        if status == 404:
            return None
        if status != 200:
            raise ConnectionError(f"the witness at {self.url} answered {status}")
        note = body.decode()
        checkpoint, parsed = open_checkpoint(note, self.log_key)
        parsed.verify(self.verifier)
        return Witnessed(checkpoint, note)

    def size(self) -> int:
        """The size the witness holds."""
        latest = self.latest()
        return 0 if latest is None else latest.checkpoint.size

    def add_checkpoint(self, old_size: int, proof: Sequence[bytes], note: str) -> str:
        """Post the checkpoint; the cosignature line, or WitnessConflict / WitnessAlarm / NoteError."""
        status, body = self._call("/add-checkpoint", request_body(old_size, proof, note))
        text = body.decode(errors="replace")
        if status == 200:
            return text
        if status == 409:
            raise WitnessConflict(int(text.strip() or 0))
        if status == 422:
            ALARMS.labels("remote").inc()
            log.error("the witness at %s refused the checkpoint: %s", self.url, text.strip())
            raise WitnessAlarm(f"the witness at {self.url} refused the checkpoint: {text.strip()}")
        raise NoteError(f"the witness at {self.url} answered {status}: {text.strip()}")


def handler(witness: LocalWitness) -> Callable[..., BaseHTTPRequestHandler]:
    """The request handler of a witness server."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, text: str, kind: str = "text/plain; charset=utf-8") -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path != "/checkpoint":
                return self._answer(404, "not found\n")
            latest = witness.latest()
            if latest is None:
                return self._answer(404, "no checkpoint cosigned yet\n")
            return self._answer(200, latest.note)

        def do_POST(self) -> None:
            if self.path != "/add-checkpoint":
                return self._answer(404, "not found\n")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._answer(413, "too large\n")
            try:
                old, proof, note = parse_request(self.rfile.read(length))
                return self._answer(200, witness.add_checkpoint(old, proof, note))
            except WitnessConflict as conflict:
                return self._answer(409, f"{conflict.size}\n", "text/x.tlog.size")
            except WitnessAlarm as alarm:
                return self._answer(422, f"{alarm}\n")
            except (NoteError, ValueError) as error:
                return self._answer(403 if isinstance(error, NoteError) else 400, f"{error}\n")

        def log_message(self, format: str, *args: Any) -> None:
            log.info("witness: " + format, *args)

    return Handler


def serve(witness: LocalWitness, host: str, port: int) -> ThreadingHTTPServer:
    """A witness server (call ``serve_forever`` on it)."""
    return ThreadingHTTPServer((host, port), handler(witness))


def checkpoint_of(note: str) -> Checkpoint:
    """The checkpoint inside a signed note (not verified: for messages)."""
    return Checkpoint.parse(note.rpartition("\n\n")[0] + "\n")
