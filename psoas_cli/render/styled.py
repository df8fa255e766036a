"""The Rich printer: a view's blocks as panels, tables and coloured text, for a terminal.

Imported only when something is drawn with Rich (about 27 ms of imports that
``--json``, plain output, ``--version`` and completion never pay). Text reaches Rich as
``Text`` built from the blocks' runs, never as markup, so "[bold]" in a dataset prints
as itself.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel as RichPanel
from rich.text import Text as RichText

from psoas_cli.render import MAX_WIDTH, width_of
from psoas_cli.render.model import Block, Gap, Line, Panel, Run, Table, Text
from psoas_cli.render.plain import PlainPrinter

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.table import Table as RichTable

#: what each style name of the blocks looks like
STYLES = {
    "strong": "bold",
    "dim": "dim",
    "alarm": "bold red",
    "caution": "bold yellow",
    "hit": "bold underline",  # the query's words in a question
    "hit-answer": "bold cyan",  # and in an answer
    "id": "cyan",
    "command": "bold cyan",
    "done": "bold green",
}
#: a panel's border, by its kind
BORDERS = {"warning": "bold red", "first": "green", "answer": "blue"}
#: what stands before a panel's title, by its kind (plain text writes "WARNING: ")
MARKS = {"warning": "⚠ "}
#: between a panel's tags, in its lower border
TAG_SEPARATOR = " · "


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich would exit with code 1 here; the CLI's exit path makes it 141.
        raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")


def console(stream: TextIO | None = None, force_terminal: bool | None = None) -> Console:
    """A console on ``stream`` (stdout), no wider than :data:`MAX_WIDTH`."""
    stream = stream or sys.stdout
    # Left to Rich below the cap, so that a terminal resized meanwhile is followed.
    width = MAX_WIDTH if width_of(stream) > MAX_WIDTH else None
    return _Console(
        file=stream,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=force_terminal,
    )


class RichPrinter:
    """Draws blocks on a console; what is meant for stderr goes there as plain lines."""

    def __init__(self, target: Console | None = None, err: TextIO | None = None) -> None:
        self.console = target or console()
        self.plain = PlainPrinter(err=err)

    def show(self, blocks: Iterable[Block]) -> None:
        previous: Block | None = None
        for block in blocks:
            if isinstance(block, Text) and block.to_stderr:
                self.plain.show([block])
                continue
            if isinstance(block, Text):
                for item in block.lines:
                    self.console.print(rich_text(item))
            elif isinstance(block, Panel):
                self.console.print(self._panel(block))
            elif isinstance(block, Table):
                self.console.print(rich_table(block))
            elif isinstance(block, Gap) and not isinstance(previous, Panel):
                self.console.print()  # a panel's border already sets it apart
            previous = block

    def _panel(self, panel: Panel) -> RichPanel:
        room = max(self.console.width - 6, 1)  # borders, corners and a space each side
        runs = panel.title
        mark = MARKS.get(panel.kind)
        if mark and runs:  # in the first run's style, as one piece with it
            runs = (runs[0]._replace(text=mark + runs[0].text), *runs[1:])
        title = rich_text(runs)
        lines = panel.body
        if title.cell_len > room:  # cut in the border, and given whole as the first line
            title.truncate(room, overflow="ellipsis")
            lines = (tuple(Run(run.text, run.style or "strong") for run in panel.title), *lines)
        body = RichText("\n").join(rich_text(item) for item in lines)
        return RichPanel(
            body,
            title=title,
            title_align="left",
            subtitle=RichText(fitted_tags(panel.tags, room)) if panel.tags else None,
            subtitle_align="right",
            border_style=BORDERS.get(panel.kind, ""),
            padding=(0, 1),
        )


def rich_text(runs: Line) -> RichText:
    shown = RichText()
    for run in runs:
        shown.append(run.text, style=STYLES.get(run.style) or None)
    return shown


def fitted_tags(tags: tuple[str, ...], room: int) -> str:
    """The tags in ``room`` cells: the first ones are cut (with an ellipsis) before the
    last, so that an answer's score stays in sight on a narrow terminal."""
    joined = TAG_SEPARATOR.join(tags)
    if cell_len(joined) <= room:
        return joined
    last = tags[-1]
    keep = room - cell_len(last) - len(TAG_SEPARATOR)
    if len(tags) == 1 or keep < 2:
        return last if cell_len(last) <= room else last[: room - 1] + "…"
    first = TAG_SEPARATOR.join(tags[:-1])
    return first[: keep - 1] + "…" + TAG_SEPARATOR + last


def rich_table(table: Table) -> RichTable:
    from rich.table import Table as RichTable  # 5 ms that an answer does not need

    if table.layout == "aligned":
        shown = RichTable(box=None, show_header=False, padding=(0, 0, 0, 2))
    else:
        shown = RichTable(header_style="bold", show_lines=table.layout == "records")
    for column in table.columns:
        shown.add_column(
            column.name, style=STYLES.get(column.style) or None, no_wrap=not column.wrap
        )
    for row in table.rows:
        shown.add_row(*(rich_text(cell) for cell in row))
    return shown


def progress_bar(total: int) -> Progress:
    """The bar shown on stderr while a large dataset is indexed."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("Indexing {task.total} entries"), BarColumn(), TimeRemainingColumn())
    # Refreshed by hand, not by Rich's timer thread: indexing may fork, and a process
    # that forks should have no other threads.
    target = console(sys.stderr, force_terminal=True)
    return Progress(*columns, console=target, transient=True, auto_refresh=False)
