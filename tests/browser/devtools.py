"""Headless Chromium driven over the DevTools protocol (a websocket, ``websockets``' sync client): load a page at a
given width, measure it in the page, screenshot it."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

#: measured in the page once it has loaded: the document's width against the viewport's, and every image
MEASURE = """(() => ({
  viewport: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  images: Array.from(document.images, img => ({
    alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth, width: img.getBoundingClientRect().width,
  })),
  wider: Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter(e => !e.closest('.table-wrap') || getComputedStyle(e.closest('.table-wrap')).overflowX === 'visible')
    .slice(0, 5).map(e => e.tagName + (e.className ? '.' + e.className : '') + ': ' + e.textContent.slice(0, 60)),
}))()"""


def chromium_path() -> str | None:
    """Debian's chromium (or chromium-browser / google-chrome), if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Measured:
    """What the page measured at one width."""

    width: int
    viewport: int
    scroll_width: int
    images: list[dict[str, Any]]
    wider: list[str]
    screenshot: Path
    #: the fonts that drew the first paragraph or cell holding the text asked for, and their glyph counts
    fonts: dict[str, int]


class Browser:
    """One headless Chromium with a DevTools websocket; ``measure`` loads a page in a fresh tab at a width."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="arrears-chromium-")
        self.process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",  # root in a container has no user namespace for the sandbox
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.socket = connect(self._websocket_url(), max_size=64 * 2**20, open_timeout=30).__enter__()
        self.ids = itertools.count(1)

    def _websocket_url(self) -> str:
        assert self.process.stderr is not None
        deadline = time.monotonic() + 60
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("DevTools listening on "):
                return line.removeprefix("DevTools listening on ").strip()
        raise RuntimeError("chromium did not open its DevTools port:\n" + "".join(seen[-20:]))

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its answer (events that arrive meanwhile are dropped)."""
        return self._call(self.socket, method, params or {}, session)

    def _call(
        self, socket: ClientConnection, method: str, params: dict[str, Any], session: str | None
    ) -> dict[str, Any]:
        number = next(self.ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        socket.send(json.dumps(message))
        while True:
            answer = json.loads(socket.recv(timeout=60))
            if answer.get("id") == number:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def wait_for(self, event: str, session: str, timeout: float = 60) -> None:
        """Wait for an event of the session (e.g. ``Page.loadEventFired``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("method") == event and message.get("sessionId") == session:
                return
        raise TimeoutError(f"no {event} within {timeout} s")

    def measure(self, page: Path, width: int, screenshot: Path, text: str = "", media: str = "screen") -> Measured:
        """Load ``page`` at ``width`` CSS pixels (a phone's viewport below 600: mobile, honouring the page's meta
        viewport) for ``media`` (screen or print), measure it, take a full-page screenshot and, given ``text``, ask
        which fonts drew it."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            mobile = width < 600
            metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}
            self.call("Emulation.setDeviceMetricsOverride", metrics, session)
            self.call("Emulation.setEmulatedMedia", {"media": media}, session)
            self.call("Page.enable", {}, session)
            self.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
            self.wait_for("Page.loadEventFired", session)
            found = self.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session)
            value = found["result"]["value"]
            shot = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
            screenshot.write_bytes(_b64(shot["data"]))
            fonts = self.fonts_of(text, session) if text else {}
        finally:
            self.call("Target.closeTarget", {"targetId": target})
        sizes = (value["viewport"], value["scrollWidth"])
        return Measured(width, *sizes, value["images"], value["wider"], screenshot, fonts)

    def fonts_of(self, text: str, session: str) -> dict[str, int]:
        """The platform fonts (family: glyphs drawn) of the first paragraph, list item or cell holding ``text``."""
        self.call("DOM.enable", {}, session)
        self.call("CSS.enable", {}, session)
        self.call("DOM.getDocument", {"depth": -1}, session)
        holds = f"e => e.textContent.includes({json.dumps(text)})"
        find = f"Array.from(document.querySelectorAll('p, li, td')).find({holds})"
        found = self.call("Runtime.evaluate", {"expression": find}, session)["result"]
        if "objectId" not in found:
            return {}
        node = self.call("DOM.requestNode", {"objectId": found["objectId"]}, session)["nodeId"]
        used = self.call("CSS.getPlatformFontsForNode", {"nodeId": node}, session)["fonts"]
        return {f["familyName"]: f["glyphCount"] for f in used}

    def pdf(self, page: Path, out: Path) -> bytes:
        """Print ``page`` to PDF as the browser's print dialog would (the page's own @page size and margins)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.call("Page.enable", {}, session)
            self.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
            self.wait_for("Page.loadEventFired", session)
            printed = self.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session)
        finally:
            self.call("Target.closeTarget", {"targetId": target})
        data = _b64(printed["data"])
        out.write_bytes(data)
        return data

    def close(self) -> None:
        """Close the socket and end the browser this object started."""
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def _b64(data: str) -> bytes:
    import base64

    return base64.b64decode(data)


def in_ci() -> bool:
    """CI sets CI=true (``.ci/run`` does)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
