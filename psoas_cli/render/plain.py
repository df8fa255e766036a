"""The plain printer: a view's blocks as lines of text, for pipes, logs, screen readers
and terminals too narrow (or too dumb) for Rich. No escape sequence is ever written.

Piped, each line is written whole, as programs expect. On a terminal, lines are
wrapped at its width between words, so that the terminal never breaks one in two.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import TextIO

from psoas_cli.render import terminal_width, write
from psoas_cli.render.model import Block, Gap, Panel, Table, Text, plain_text

#: what stands, in plain text, for a panel's kind (Rich draws a red border and a sign)
MARKS = {"warning": "WARNING: "}


class PlainPrinter:
    """Writes blocks to ``out`` (and a block meant for stderr to ``err``)."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def show(self, blocks: Iterable[Block]) -> None:
        for block in blocks:
            if isinstance(block, Text):
                stream = self.err if block.to_stderr else self.out
                for item in block.lines:
                    self._line(plain_text(item), stream)
            elif isinstance(block, Panel):
                self._panel(block)
            elif isinstance(block, Table):
                for row in table_lines(block):
                    self._line(row, self.out)
            elif isinstance(block, Gap):
                self._line("", self.out)

    def _panel(self, panel: Panel) -> None:
        title = plain_text(panel.title)
        if panel.kind == "warning":
            title = title.upper()
        if panel.tags:
            title += f" [{', '.join(panel.tags)}]"
        self._line(MARKS.get(panel.kind, "") + title, self.out)
        for item in panel.body:
            body = plain_text(item)
            self._line(" " * panel.inset + body if body.strip() else "", self.out)

    def _line(self, value: str, stream: TextIO) -> None:
        width = terminal_width(stream)
        if width is None or len(value) <= width:
            write(value, stream)
            return
        for part in wrapped(value, width):
            write(part, stream)


def table_lines(table: Table) -> list[str]:
    """A table's rows as plain lines, in its layout."""
    rows = [[plain_text(cell) for cell in row] for row in table.rows]
    if table.layout == "aligned":
        widths = [
            max((len(row[n]) for row in rows), default=0) for n in range(len(table.columns) - 1)
        ]
        return [
            "  " + "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
            for row in rows
        ]
    if table.layout == "records":
        lines = []
        for row in rows:
            lines.append(f"{row[0].upper()}: {row[1]}")
            for column, cell in zip(table.columns[2:], row[2:], strict=True):
                lines.append(f"  {column.name.capitalize()}: {cell}")
        return lines
    lines = []
    for row in rows:
        cells = [cell for cell, column in zip(row, table.columns, strict=True) if not column.tag]
        tags = [c for c, column in zip(row, table.columns, strict=True) if column.tag and c]
        lines.append("\t".join(cells) + (f"  [{', '.join(tags)}]" if tags else ""))
    return lines


def wrapped(value: str, width: int) -> list[str]:
    """``value`` cut between words into lines of at most ``width`` (a longer word
    stays whole), each continuation indented as the line, or under a list item's text
    ("- " or "1. ")."""
    import textwrap

    body = value.lstrip(" ")
    item = re.match(r"(- |\d+\. )", body)  # a list item: go on under its text
    indent = " " * (len(value) - len(body) + (len(item.group()) if item else 0))
    return textwrap.wrap(
        value,
        width,
        subsequent_indent=indent if len(indent) < width // 2 else "",
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]
