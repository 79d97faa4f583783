"""The pages people read, in a real browser (Debian's headless ``chromium`` over the DevTools protocol): the
portfolio report (``arrears report --html``) and an evidence pack's report.html, at 1280 and 390 CSS pixels wide,
have no horizontal overflow (a wide table scrolls in its own box) and every image loads; printed, they fit an A4
page and make a PDF. Screenshots and the PDFs go to a directory the test prints (``ARREARS_SCREENSHOTS``, or a
temporary one).

Without chromium the tests skip, saying so, except in CI (``CI=true``), where they fail: ``.ci/run`` installs it.
SQLite only: the pages are drawn from a finished log; the stores' equivalence is tested elsewhere."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from tests.browser.devtools import Browser, Measured, chromium_path, in_ci

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)
#: A4 (210 mm) less the pages' 14 mm margins, in CSS pixels (96 per inch)
PRINTED_WIDTH = round((210 - 2 * 14) / 25.4 * 96)
#: the CJK faces of the pages' font stack (projections.html_page.FONTS)
CJK_FACES = ("Noto Sans CJK", "Source Han Sans", "PingFang", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium for the module."""
    executable = chromium_path()
    if executable is None:
        if in_ci():
            pytest.fail("CI=true but chromium is not installed (.ci/run runs: apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium); CI installs it and runs these")
    started = Browser(executable)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots and PDFs go."""
    folder = Path(os.environ.get("ARREARS_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small demo (12 firms, two months, learning after one) as the CLI makes it: its report page, and the
    evidence pack of the seed's manufacturer."""
    folder = tmp_path_factory.mktemp("pages")
    db = ["--database-url", f"sqlite:///{folder / 'demo.db'}"]
    demo = ["demo", "--enterprises", "12", "--months", "2", "--learn-after", "1", "--charts", str(folder / "charts")]
    assert main([*db, *demo]) == 0
    assert main([*db, "report", "--html", str(folder / "report.html")]) == 0
    assert main([*db, "evidence", "HD-2024-03", "--out", str(folder / "pack")]) == 0
    return {"report": folder / "report.html", "evidence": folder / "pack" / "report.html"}


def check(measured: Measured, images: int) -> None:
    """No horizontal overflow, and every image (``images`` of them) loaded."""
    assert measured.viewport == measured.width
    assert measured.scroll_width <= measured.width, (
        f"the page is {measured.scroll_width} px wide at {measured.width} px; wider than the screen: {measured.wider}"
    )
    assert len(measured.images) == images
    for image in measured.images:
        assert image["complete"] and image["naturalWidth"] > 0, f"image not loaded: {image}"
        assert image["width"] <= measured.width
    assert measured.screenshot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "images"), [("report", 2), ("evidence", 0)])
def test_the_page_fits_the_screen_and_every_image_loads(
    browser: Browser,
    pages: dict[str, Path],
    shots: Path,
    name: str,
    images: int,
    width: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    screenshot = shots / f"{name}-{width}.png"
    measured = browser.measure(pages[name], width, screenshot)
    with capsys.disabled():
        print(f"\n  screenshot: {screenshot} ({measured.scroll_width} px wide, {len(measured.images)} images)")
    check(measured, images)


@pytest.mark.parametrize("name", ["report", "evidence"])
def test_the_page_prints_within_an_a4_page(
    browser: Browser, pages: dict[str, Path], shots: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    measured = browser.measure(pages[name], PRINTED_WIDTH, shots / f"{name}-print.png", media="print")
    assert measured.scroll_width <= PRINTED_WIDTH, f"printed, wider than A4: {measured.wider}"
    pdf = browser.pdf(pages[name], shots / f"{name}.pdf")
    with capsys.disabled():
        print(f"\n  printed: {shots / f'{name}.pdf'} ({pdf.count(b'/Type /Page') - pdf.count(b'/Type /Pages')} pages)")
    assert pdf.startswith(b"%PDF")


def test_the_reports_chinese_is_drawn_in_a_cjk_face(browser: Browser, pages: dict[str, Path], shots: Path) -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    if not fonts.strip() and not in_ci():
        pytest.skip("no CJK font installed (apt-get install -y fonts-wqy-microhei); CI installs one")
    measured = browser.measure(pages["report"], 1280, shots / "report-cjk.png", text="罚息")
    assert any(face in family for family in measured.fonts for face in CJK_FACES), measured.fonts
