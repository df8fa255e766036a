"""What ``psoas chat`` prints of its own: the prompt, the in-chat help and short messages.

Answers, entries and lists are drawn by the functions ``psoas ask``, ``show``, ``list``
and ``exercises`` use, so a chat looks like those commands. Messages go to stdout: in a
session they are part of the conversation, not diagnostics.
"""

from __future__ import annotations

from psoas_cli.render import DISCLAIMER, _console, short, stdout_is_styled, write

PROMPT = "psoas> "

#: The in-chat commands and what each does, as ``help`` shows them.
COMMANDS = (
    ("more", "the next answers to your last question"),
    ("show ID", "one entry in full (ids are in the answers and in `list`)"),
    ("list", "every question in the FAQ, with its id"),
    ("exercises", "the stretches, step by step"),
    ("help", "this help"),
    ("quit", "leave (or exit, or Ctrl-D)"),
)


def _say(text: str, style: str = "") -> None:
    if not stdout_is_styled():
        write(text)
        return
    from rich.text import Text

    _console().print(Text(text, style=style))


def welcome() -> None:
    """The first lines of an interactive session."""
    _say("psoas chat: ask about the psoas muscle, hip flexors or back pain.", "bold")
    _say("Type help for commands; quit or Ctrl-D leaves.")
    _say(DISCLAIMER, "dim")


def help_text() -> None:
    """The in-chat help: any other line is a question."""
    width = max(len(name) for name, _ in COMMANDS)
    _say("Type a question to get answers, or one of these:")
    if not stdout_is_styled():
        for name, purpose in COMMANDS:
            write(f"  {name.ljust(width)}  {purpose}")
        return
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for name, purpose in COMMANDS:
        table.add_row(name, purpose)
    _console().print(table)


def cancelled() -> None:
    """Ctrl-C at the prompt: the line is dropped and the session goes on."""
    write()
    _say("(Cancelled. Type quit or press Ctrl-D to leave.)", "dim")


def goodbye() -> None:
    """End of input at the prompt: end the prompt's line so the shell starts clean."""
    write()


def no_question_yet() -> None:
    _say("Ask a question first; `more` then shows further answers to it.")


def no_more(query: str, shown: int) -> None:
    """`more` when the last question has no further confident answers."""
    if shown:
        _say(f'No more answers for "{short(query, 80)}" beyond the {shown} shown.')
    else:
        _say(f'There are no answers for "{short(query, 80)}" to show more of.')


def more_heading(query: str, first: int, last: int) -> None:
    """Which answers ``more`` shows, since each batch is numbered from 1 again."""
    which = f"answer {first}" if first == last else f"answers {first} to {last}"
    _say(f'More for "{short(query, 80)}": {which}.', "bold")


def show_usage() -> None:
    _say("Say which entry: show ID (the ids are in the answers and in `list`).")


def no_exercises() -> None:
    _say("This dataset has no exercises.")
