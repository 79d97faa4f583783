"""The report as one self-contained HTML page (``arrears report --html FILE``): the document's headings, paragraphs
and tables, its charts inline as data: URIs, the shared page style (CJK fonts, tables scrolling in their own box,
print rules); nothing loaded from elsewhere."""

from __future__ import annotations

import base64
from html import escape

from projections.html_page import page_head, table_html
from simulation.document import Chart, Document, Table

STYLE = """
.subtitle { color: #444; margin: 0 0 1em; }
nav ol { margin: 0.3em 0 1em; padding-left: 1.4em; } nav li { margin: 0.1em 0; }
p { margin: 0.35em 0; }
"""


def page(document: Document, images: dict[str, bytes]) -> str:
    """The page: a contents list, then each section; ``images`` are the charts' PNGs by name (a chart without one
    is an error: every image must load)."""
    missing = [c.name for c in document.charts() if c.name not in images]
    if missing:
        raise ValueError(f"no image for the chart(s) {', '.join(missing)}")
    parts = [
        page_head(f"arrears: {document.title.lower()}", STYLE),
        f"<h1>{escape(document.title)}</h1><p class='subtitle'>{escape(document.subtitle)}</p>",
        "<nav><ol>"
        + "".join(f"<li><a href='#s{n}'>{escape(s.title)}</a></li>" for n, s in enumerate(document.sections, 1))
        + "</ol></nav>",
    ]
    for number, section in enumerate(document.sections, 1):
        parts.append(f"<section><h2 id='s{number}'>{escape(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Table):
                kinds = ["num" if n > 0 and block.numeric(n) else "" for n in range(len(block.columns))]
                rows = [[escape(cell) for cell in row] for row in block.rows]
                parts.append(table_html(block.columns, rows, kinds, block.caption))
            elif isinstance(block, Chart):
                data = base64.b64encode(images[block.name]).decode()
                parts.append(
                    f"<figure><img src='data:image/png;base64,{data}' alt='{escape(block.caption, quote=True)}' "
                    f"width='800' height='450'><figcaption>{escape(block.caption)}</figcaption></figure>"
                )
            else:
                parts.append(f"<p>{escape(block)}</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
