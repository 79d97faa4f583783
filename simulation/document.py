"""The report's structured form, read by both renderers (the terminal's text, ``simulation.report_page``'s HTML):
a title, then sections, each a heading and blocks in order: paragraphs (plain text), tables and charts (named:
the PNG comes from ``simulation.charts``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: a cell that reads as a figure (aligned right): 1,234.5m, -40.2%, 17, +3.8%, 0.620
FIGURE = re.compile(r"^[+-]?[\d,]+(\.\d+)?(m|%)?$")


@dataclass(frozen=True)
class Table:
    """Columns and rows of text; a caption says what the table counts."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def numeric(self, column: int) -> bool:
        """Whether every cell of the column reads as a figure (such a column aligns right)."""
        cells = [row[column] for row in self.rows if row[column] not in ("", "-")]
        return bool(cells) and all(FIGURE.match(cell) for cell in cells)


@dataclass(frozen=True)
class Chart:
    """A chart by its name in ``simulation.charts.CHARTS``, with what it shows in words (its alt text)."""

    name: str
    caption: str


Block = str | Table | Chart


@dataclass(frozen=True)
class Section:
    """A heading and its blocks."""

    title: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Document:
    """The whole report."""

    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def charts(self) -> list[Chart]:
        """The charts, in the order they appear."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]


def text_lines(document: Document) -> list[str]:
    """The document for a terminal: the title line, then each section's paragraphs and tables (charts are files
    written beside it), sections apart by a blank line; headings only where a table needs one."""
    out = [f"{document.title.lower()}: {document.subtitle}"]
    for number, section in enumerate(document.sections):
        if number:
            out.append("")
        for block in section.blocks:
            if isinstance(block, str):
                out.append(block)
            elif isinstance(block, Table):
                out += table_lines(block)
    return out


def table_lines(table: Table) -> list[str]:
    """A table in fixed-width columns: the first and the text columns aligned left, figures right."""
    rows = [table.columns, *table.rows]
    widths = [max(len(row[n]) for row in rows) for n in range(len(table.columns))]
    right = [n > 0 and table.numeric(n) for n in range(len(table.columns))]
    lines = [f"{table.caption}:"] if table.caption else []
    for row in rows:
        cells = [cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(row, widths, right, strict=True)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines
