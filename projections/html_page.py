"""What every page arrears writes for people shares (the portfolio report, the evidence pack's report.html): a
CJK-capable font stack, a width that follows the screen, tables that scroll in their own box when wider than it,
and print rules (A4, every row of a table printed, no row split across pages). Self-contained: no web font, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

#: Latin first, then the CJK faces of each platform (Noto/Source Han on Linux, PingFang/Hiragino on Apple,
#: Microsoft YaHei on Windows), so 罚息 and firm names in Chinese render in a real CJK face, not a fallback box
FONTS = (
    '"Noto Sans", "Helvetica Neue", Arial, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
    '"Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)

STYLE = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ font: 11pt/1.45 {FONTS}; color: #111; background: #fff; margin: 0 auto; padding: 1.25em;
  max-width: 68em; overflow-wrap: anywhere; }}
h1 {{ font-size: 1.6em; margin: 0.2em 0; }} h2 {{ font-size: 1.25em; margin: 1.6em 0 0.4em; }}
h3 {{ font-size: 1.05em; margin: 1.2em 0 0.3em; }}
.table-wrap {{ overflow-x: auto; max-width: 100%; margin: 0.4em 0 1.2em; }}
table {{ border-collapse: collapse; font-size: 9.5pt; overflow-wrap: normal; }}
caption {{ text-align: left; font-weight: 600; padding: 0 0 0.3em; }}
th, td {{ border: 1px solid #bbb; padding: 3px 7px; text-align: left; vertical-align: top; }}
th {{ background: #f0f0f0; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.when {{ white-space: nowrap; }}
img {{ max-width: 100%; height: auto; display: block; }}
figure {{ margin: 0.8em 0 1.2em; }} figcaption {{ color: #444; font-size: 9.5pt; }}
code {{ font-size: 0.85em; word-break: break-all; }}
@page {{ size: A4; margin: 14mm; }}
@media print {{
  body {{ padding: 0; max-width: none; font-size: 10pt; }}
  .table-wrap {{ overflow: visible; }}
  table {{ font-size: 8pt; }} th, td {{ padding: 2px 4px; overflow-wrap: break-word; }}
  .num, .when {{ white-space: normal; }}
  tr, figure, img {{ break-inside: avoid; }}
  h1, h2, h3, caption {{ break-after: avoid; }}
}}
"""


def page_head(title: str, style: str = "") -> str:
    """The page's start, up to and including ``<body>``: charset, a viewport that follows the screen, the title,
    the shared style and the page's own."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}{style}</style></head><body>"
    )


def table_html(
    headers: Sequence[str], rows: Sequence[Sequence[str]], kinds: Sequence[str] = (), caption: str = ""
) -> str:
    """A table in its own scrolling box; ``rows`` hold HTML (escape text first), ``headers`` and ``caption`` text;
    ``kinds`` names each column's kind, a class: ``num`` (figures, aligned right), ``when`` (a time, never broken)
    or "" (text)."""
    cls = [f" class='{kinds[n]}'" if n < len(kinds) and kinds[n] else "" for n in range(len(headers))]
    head = "".join(f"<th scope='col'{c}>{escape(h)}</th>" for h, c in zip(headers, cls, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{c}>{cell}</td>" for cell, c in zip(row, cls, strict=True)) + "</tr>" for row in rows
    )
    titled = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<div class='table-wrap'><table>{titled}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
