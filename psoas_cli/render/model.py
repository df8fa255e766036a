"""What a view is made of: plain data that a printer draws, for Rich or as plain text.

Each view (an answer, an entry, the list, the warnings, the routine, chat's messages)
is built once, by :mod:`psoas_cli.render.views`, as a sequence of blocks: lines of
text runs, panels with a title, tables as rows. :mod:`psoas_cli.render.plain` and
:mod:`psoas_cli.render.styled` draw the same blocks, so the words cannot drift apart;
only the decoration differs (borders and colour, or indents and brackets).

Every string in a block is already safe to print: the builders pass whatever comes
from a query or a data file through :func:`psoas_cli.render.text.clean`.
"""

from __future__ import annotations

from typing import NamedTuple


class Run(NamedTuple):
    """A stretch of text in one style. A style is a name (see ``STYLES`` in
    :mod:`psoas_cli.render.styled`); plain text has none."""

    text: str
    style: str = ""


#: one line: its runs, in order, with no line break inside
Line = tuple[Run, ...]


class Text(NamedTuple):
    """Lines of text, such as a message or a note; ``to_stderr`` for what is said
    about the answer rather than the answer (a decline, a hint), which both printers
    write as plain lines."""

    lines: tuple[Line, ...]
    to_stderr: bool = False


class Panel(NamedTuple):
    """A titled section: in Rich a panel with the tags in its lower border; in plain
    text its title line with the tags in brackets, then its body indented by ``inset``.

    ``kind`` names what it holds, for its border: "warning", "first" (the best
    answer), "answer", or "" for anything else.
    """

    title: Line
    body: tuple[Line, ...]
    tags: tuple[str, ...] = ()
    kind: str = ""
    inset: int = 0


class Column(NamedTuple):
    """A table column: its name, its style, and whether its cells may wrap. A ``tag``
    column is, in plain text, written in brackets after the row's other cells."""

    name: str
    style: str = ""
    wrap: bool = True
    tag: bool = False


class Table(NamedTuple):
    """Rows of cells, one line each. ``layout`` says how the rows read:

    - "grid": a table with a header (plain: one line per row, cells apart by a tab);
    - "aligned": columns without header or borders (plain: padded columns, indented);
    - "records": a table with a header and rules (plain: one paragraph per row, its
      first cell in capitals as the heading, the others labelled by their column).
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Line, ...], ...]
    layout: str = "grid"


class Gap(NamedTuple):
    """A break between sections: a blank line in plain text, where Rich's borders
    already set them apart."""


Block = Text | Panel | Table | Gap
GAP = Gap()


def line(*parts: str | Run) -> Line:
    """A line from strings (unstyled) and runs."""
    return tuple(part if isinstance(part, Run) else Run(part) for part in parts)


def text(*lines: str | Line, style: str = "", to_stderr: bool = False) -> Text:
    """A :class:`Text` block of lines, each a string (in ``style``) or a ready line."""
    return Text(
        tuple((Run(item, style),) if isinstance(item, str) else item for item in lines),
        to_stderr,
    )


def plain_text(runs: Line) -> str:
    """A line's text without its styles."""
    return "".join(run.text for run in runs)


def highlighted(value: str, spans: tuple[tuple[int, int], ...], style: str) -> list[Line]:
    """``value`` (already cleaned) as lines, with the ``spans`` (start, end) in ``style``."""
    runs: list[Run] = []
    at = 0
    for start, end in sorted(spans):
        if start < at or end > len(value):
            continue  # overlapping or out of range: leave that span plain
        if start > at:
            runs.append(Run(value[at:start]))
        runs.append(Run(value[start:end], style))
        at = end
    if at < len(value) or not runs:
        runs.append(Run(value[at:]))
    return split_lines(runs)


def split_lines(runs: list[Run]) -> list[Line]:
    """Runs that may hold line feeds, as lines."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        pieces = run.text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                lines.append([])
            if piece:
                lines[-1].append(Run(piece, run.style))
    return [tuple(item) for item in lines]
