"""What ``psoas chat`` prints of its own: the prompt, the in-chat help and short messages.

Answers, entries and lists are the views ``psoas ask``, ``show``, ``list`` and
``exercises`` use, so a chat looks like those commands. Messages go to stdout: in a
session they are part of the conversation, not diagnostics.
"""

from __future__ import annotations

from psoas_cli.render import short, show
from psoas_cli.render.model import Block, Column, Table, line, text
from psoas_cli.render.views import DISCLAIMER

PROMPT = "psoas> "

#: The in-chat commands and what each does, as ``help`` shows them.
COMMANDS = (
    ("more", "the next answers to your last question"),
    ("show N", "answer N in full; show ID for an entry by its id (see `list`)"),
    ("list", "every question in the FAQ, with its id"),
    ("exercises", "the stretches, step by step"),
    ("redflags", "the symptoms that need a doctor, and how urgently"),
    ("help", "this help"),
    ("quit", "leave (or exit, or Ctrl-D)"),
)


def welcome_view() -> list[Block]:
    return [
        text("psoas chat: ask about the psoas muscle, hip flexors or back pain.", style="strong"),
        text("Type help for commands; quit or Ctrl-D leaves."),
        text(DISCLAIMER, style="dim"),
    ]


def welcome() -> None:
    """The first lines of an interactive session."""
    show(welcome_view())


def help_view() -> list[Block]:
    """The in-chat help: any other line is a question."""
    rows = tuple((line(name), line(purpose)) for name, purpose in COMMANDS)
    columns = (Column("command", "command", wrap=False), Column("what it does"))
    return [
        text("Type a question to get answers, or one of these:"),
        Table(columns, rows, layout="aligned"),
    ]


def help_text() -> None:
    show(help_view())


def cancelled() -> None:
    """Ctrl-C at the prompt: the line is dropped and the session goes on."""
    show([text(""), text("(Cancelled. Type quit or press Ctrl-D to leave.)", style="dim")])


def goodbye() -> None:
    """End of input at the prompt: end the prompt's line so the shell starts clean."""
    show([text("")])


def no_question_yet() -> None:
    show([text("Ask a question first; `more` then shows further answers to it.")])


def no_more(query: str, shown: int) -> None:
    """`more` when the last question has no further confident answers."""
    if shown:
        said = f'No more answers for "{short(query, 80)}" beyond the {shown} shown.'
    else:
        said = f'There are no answers for "{short(query, 80)}" to show more of.'
    show([text(said)])


def more_heading_view(query: str, first: int, last: int) -> list[Block]:
    """Which answers ``more`` shows: they are numbered on from the first ones."""
    which = f"answer {first}" if first == last else f"answers {first} to {last}"
    return [text(f'More for "{short(query, 80)}": {which}.', style="strong")]


def more_heading(query: str, first: int, last: int) -> None:
    show(more_heading_view(query, first, last))


def show_usage() -> None:
    show([text("Say which: show N for answer N, or show ID for an entry (ids are in `list`).")])


def no_answer_numbered(number: int, shown: int) -> None:
    """``show N`` for a number no answer on screen has (and no entry as its id)."""
    if shown:
        said = f"There is no answer {number}: the answers shown are numbered 1 to {shown}."
    else:
        said = f"There is no answer {number}: ask a question first, or show ID for an entry."
    show([text(said)])


def no_exercises() -> None:
    show([text("This dataset has no exercises.")])
