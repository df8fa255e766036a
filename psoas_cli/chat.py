"""The interactive session behind ``psoas chat``: ask, ask for more, look things up.

Every line that is not a command is answered as ``psoas ask`` would answer it, red
flags first. The commands are whole lines: ``more``, ``list``, ``exercises``,
``help``, ``quit``/``exit`` and ``show ID``; "show me a stretch" has more than one
word after "show", so it is a question, not a command.

Ctrl-C at the prompt drops the line and the session goes on, as in a shell; when
stdin is not a terminal there is nobody to go on for, so it ends the session with
exit code 130. SIGTERM always ends it (exit code 143). End of input (Ctrl-D) and
``quit`` end it with 0. Line editing and history come from :mod:`readline` when
stdin is a terminal; nothing is saved to disk.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from psoas_cli import render
from psoas_cli.answers import NO_TRIAGE, Answer, answer_query
from psoas_cli.dataset import Dataset
from psoas_cli.errors import ExitCode, Terminated
from psoas_cli.limits import QueryTooLong, check_length, read_lines
from psoas_cli.matcher import (
    DEFAULT_MIN_SCORE,
    Index,
    find_matches,
    related_entries,
    related_for_matches,
    similar_ids,
)
from psoas_cli.render import chat as chat_render

#: how a refused line is named, and what becomes of it
LONG_LINE = ("the line", "not answered")

_WORD_COMMANDS = {
    "more": "more",
    "list": "list",
    "exercises": "exercises",
    "help": "help",
    "?": "help",
    "quit": "quit",
    "exit": "quit",
}


@dataclass(frozen=True)
class Command:
    """One line typed in the session: a command, or ``ask`` with the question."""

    name: str  # ask | more | show | list | exercises | help | quit
    argument: str = ""


@dataclass(frozen=True)
class LastQuestion:
    """What ``more`` continues: the question, how many answers are already shown, and
    the ids already on screen or offered under "See also"."""

    query: str
    shown: int
    offered: frozenset[str] = frozenset()


def parse_line(line: str) -> Command | None:
    """The command a line asks for; None for a blank line."""
    text = line.strip()
    if not text:
        return None
    words = text.split()
    head = words[0].lower()
    if len(words) == 1 and head in _WORD_COMMANDS:
        return Command(_WORD_COMMANDS[head])
    if head == "show" and len(words) <= 2:
        return Command("show", words[1] if len(words) == 2 else "")
    return Command("ask", text)


def enable_line_editing() -> bool:
    """Give ``input()`` arrow keys and in-session history, where readline exists.

    Importing :mod:`readline` is all it takes. No history file is read or written:
    questions about one's health stay out of the home directory.
    """
    try:
        import readline  # noqa: F401
    except ImportError:  # Windows, or a Python built without it
        return False
    return True


def run_chat(
    dataset: Dataset,
    index: Index,
    *,
    read_line: Callable[[str], str] = input,
    emergency_line: str = "",
    limit: int = 3,
    min_score: float = DEFAULT_MIN_SCORE,
    interactive: bool | None = None,
    safety_net: bool = True,
) -> int:
    """Answer lines until ``quit`` or end of input; the exit code: 0, 130 on Ctrl-C,
    143 on SIGTERM, or 2 when a line longer than :data:`psoas_cli.limits.MAX_QUERY`
    was refused.

    ``safety_net`` ends each answer with the line naming the signs that need help (for
    the bundled FAQ). ``interactive`` (default: whether stdin is a terminal) adds the welcome, the
    prompt and line editing, and makes Ctrl-C cancel a line instead of ending; piped
    in, a session prints only its answers, as ``sqlite3`` does.
    """
    if interactive is None:
        interactive = _stdin_is_terminal()
    if read_line is builtins.input:
        if interactive:
            enable_line_editing()
        else:  # piped in: never more than the bound of a line in memory
            read_line = _bounded_reader(sys.stdin)
    prompt = chat_render.PROMPT if interactive else ""
    if interactive:
        chat_render.welcome()
    last: LastQuestion | None = None
    code = ExitCode.OK
    while True:
        try:
            command = parse_line(check_length(read_line(prompt), *LONG_LINE))
            if command is None:
                continue
            if command.name == "quit":
                return code
            last = _handle(
                command, dataset, index, last, emergency_line, limit, min_score, safety_net
            )
        except QueryTooLong as problem:  # that line is refused; the session goes on
            render.error(str(problem))
            code = ExitCode.USAGE
        except EOFError:
            if interactive:
                chat_render.goodbye()
            return code
        except Terminated:  # SIGTERM ends even an interactive session
            if interactive:
                chat_render.goodbye()
            return ExitCode.TERMINATED
        except KeyboardInterrupt:
            if not interactive:
                return ExitCode.INTERRUPTED
            chat_render.cancelled()
        sys.stdout.flush()


def _bounded_reader(stream: TextIO) -> Callable[[str], str]:
    """A ``read_line`` like ``input`` on a pipe, but an overlong line is read past
    (and refused) without being held."""
    lines = read_lines(stream)

    def read_line(prompt: str) -> str:
        try:
            line = next(lines)
        except StopIteration:
            raise EOFError from None
        if line is None:
            raise QueryTooLong(*LONG_LINE)
        return line

    return read_line


def _handle(
    command: Command,
    dataset: Dataset,
    index: Index,
    last: LastQuestion | None,
    emergency_line: str,
    limit: int,
    min_score: float,
    safety_net: bool,
) -> LastQuestion | None:
    """Carry out one command; the question ``more`` would continue afterwards."""
    if command.name == "ask":
        reply = answer_query(command.argument, dataset, index, limit, min_score, highlight=True)
        render.answer(reply, emergency_line=emergency_line, safety_net=safety_net)
        return LastQuestion(command.argument, len(reply.result.matches), _offered(reply))
    if command.name == "more":
        return _more(last, dataset, index, limit, min_score, safety_net)
    if command.name == "show":
        _show(command.argument, dataset, index)
    elif command.name == "list":
        render.entry_table(dataset.entries)
    elif command.name == "exercises":
        if dataset.exercises:
            render.exercise_list(dataset.exercises, dataset)
        else:
            chat_render.no_exercises()
    elif command.name == "help":
        chat_render.help_text()
    return last


def _more(
    last: LastQuestion | None,
    dataset: Dataset,
    index: Index,
    limit: int,
    min_score: float,
    safety_net: bool,
) -> LastQuestion | None:
    if last is None:
        chat_render.no_question_yet()
        return None
    # Ranking is deterministic, so asking for more answers keeps the first ones first.
    result = find_matches(last.query, dataset, index, last.shown + limit, min_score, True)
    fresh = result.matches[last.shown :]
    if not fresh:
        chat_render.no_more(last.query, last.shown)
        return last
    chat_render.more_heading(last.query, last.shown + 1, last.shown + len(fresh))
    # The warning, if any, was shown with the first answers.
    more = Answer(
        result._replace(matches=fresh),
        NO_TRIAGE,
        related_for_matches(fresh, dataset, index, last.offered),
    )
    render.answer(more, first_number=last.shown + 1, safety_net=safety_net)
    return LastQuestion(last.query, last.shown + len(fresh), last.offered | _offered(more))


def _offered(reply: Answer) -> frozenset[str]:
    shown = (m.entry.id for m in reply.result.matches)
    suggested = (e.id for entries in reply.related.values() for e in entries)
    return frozenset([*shown, *suggested])


def _show(entry_id: str, dataset: Dataset, index: Index) -> None:
    if not entry_id:
        chat_render.show_usage()
        return
    entry = dataset.get(entry_id)
    if entry is None:
        render.unknown_id(entry_id, similar_ids(entry_id, dataset.ids))
        return
    render.entry_full(entry, related_entries(entry, dataset, index))


def _stdin_is_terminal() -> bool:
    isatty = getattr(sys.stdin, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
