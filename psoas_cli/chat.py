"""The interactive session behind ``psoas chat``: ask, ask for more, look things up.

Every line that is not a command is answered as ``psoas ask`` would answer it, red
flags first. The commands are whole lines: ``more``, ``list``, ``exercises``,
``redflags``, ``help``, ``quit``/``exit`` and ``show N`` (answer N) or ``show ID``;
"show me a stretch" has more than one word after "show", so it is a question, not a
command. Hints name these commands as they are typed here (``list``, not
``psoas list``), and the not-medical-advice line is said once a session.

Ctrl-C at the prompt drops the line and the session goes on, as in a shell; when
stdin is not a terminal there is nobody to go on for, so it ends the session with
exit code 130. SIGTERM always ends it (exit code 143). End of input (Ctrl-D) and
``quit`` end it with 0. Line editing comes from :mod:`readline` when stdin is a
terminal, with the lines typed in earlier sessions (:mod:`psoas_cli.history`).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from psoas_cli import render
from psoas_cli.answers import NO_TRIAGE, Answer, answer_query
from psoas_cli.dataset import Dataset, Entry
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
from psoas_cli.render.views import CHAT_HINTS

#: how a refused line is named, and what becomes of it
LONG_LINE = ("the line", "not answered")

_WORD_COMMANDS = {
    "more": "more",
    "list": "list",
    "exercises": "exercises",
    "redflags": "redflags",
    "help": "help",
    "?": "help",
    "quit": "quit",
    "exit": "quit",
}


@dataclass(frozen=True)
class Command:
    """One line typed in the session: a command, or ``ask`` with the question."""

    name: str  # ask | more | show | list | exercises | redflags | help | quit
    argument: str = ""


@dataclass(frozen=True)
class LastQuestion:
    """What ``more`` continues: the question, the ids of the answers shown for it (in
    their numbers' order: ``show 2`` is the second) and the ids already on screen or
    offered under "See also"."""

    query: str
    answers: tuple[str, ...] = ()
    offered: frozenset[str] = frozenset()

    @property
    def shown(self) -> int:
        return len(self.answers)


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
    """Give ``input()`` arrow keys and history, where readline exists."""
    try:
        import readline  # noqa: F401
    except ImportError:  # Windows, or a Python built without it
        return False
    return True


@dataclass
class _Session:
    """What a session knows between lines."""

    dataset: Dataset
    index: Index
    emergency_line: str
    limit: int
    min_score: float
    safety_net: bool
    last: LastQuestion | None = None
    #: whether the not-medical-advice line was said (it is, once a session)
    disclaimed: bool = False
    code: int = ExitCode.OK


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
    history: bool = True,
) -> int:
    """Answer lines until ``quit`` or end of input; the exit code: 0, 130 on Ctrl-C,
    143 on SIGTERM, or 2 when a line longer than :data:`psoas_cli.limits.MAX_QUERY`
    was refused.

    ``safety_net`` ends each answer with the line naming the signs that need help (for
    the bundled FAQ). ``interactive`` (default: whether stdin is a terminal) adds the
    welcome, the prompt and line editing, and makes Ctrl-C cancel a line instead of
    ending; piped in, a session prints only its answers, as ``sqlite3`` does.
    ``history`` reads and keeps the lines typed at a terminal (see
    :mod:`psoas_cli.history`).
    """
    if interactive is None:
        interactive = _stdin_is_terminal()
    kept: Path | None = None
    if read_line is builtins.input:
        if interactive:
            if enable_line_editing() and history:
                kept = _recall_history()
        else:  # piped in: never more than the bound of a line in memory
            read_line = _bounded_reader(sys.stdin)
    session = _Session(dataset, index, emergency_line, limit, min_score, safety_net)
    try:
        return _converse(session, read_line, interactive)
    finally:
        if kept is not None:
            _keep_history(kept)


def _converse(session: _Session, read_line: Callable[[str], str], interactive: bool) -> int:
    prompt = chat_render.PROMPT if interactive else ""
    if interactive:
        chat_render.welcome()
        session.disclaimed = True
    while True:
        try:
            command = parse_line(check_length(read_line(prompt), *LONG_LINE))
            if command is None:
                continue
            if command.name == "quit":
                return session.code
            _handle(command, session)
        except QueryTooLong as problem:  # that line is refused; the session goes on
            render.error(str(problem))
            session.code = ExitCode.USAGE
        except EOFError:
            if interactive:
                chat_render.goodbye()
            return session.code
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


def _handle(command: Command, session: _Session) -> None:
    """Carry out one command."""
    dataset = session.dataset
    if command.name == "ask":
        _ask(command.argument, session)
    elif command.name == "more":
        _more(session)
    elif command.name == "show":
        _show(command.argument, session)
    elif command.name == "list":
        render.entry_table(dataset.entries)
    elif command.name == "exercises":
        if dataset.exercises:
            render.exercise_list(dataset.exercises, dataset, _disclaimer(session))
        else:
            chat_render.no_exercises()
    elif command.name == "redflags":
        from psoas_cli.triage import load_red_flags

        render.red_flag_list(load_red_flags(), session.emergency_line)
    elif command.name == "help":
        chat_render.help_text()


def _disclaimer(session: _Session) -> bool:
    """Whether to say the not-medical-advice line now: only the first time."""
    said, session.disclaimed = session.disclaimed, True
    return not said


def _ask(query: str, session: _Session) -> None:
    reply = answer_query(
        query, session.dataset, session.index, session.limit, session.min_score, highlight=True
    )
    render.answer(
        reply,
        emergency_line=session.emergency_line,
        safety_net=session.safety_net,
        disclaimer=bool(reply.result.matches) and _disclaimer(session),
        hints=CHAT_HINTS,
    )
    answers = tuple(m.entry.id for m in reply.result.matches)
    session.last = LastQuestion(query, answers, _offered(reply))


def _more(session: _Session) -> None:
    last = session.last
    if last is None:
        chat_render.no_question_yet()
        return
    # Ranking is deterministic, so asking for more answers keeps the first ones first.
    wanted = last.shown + session.limit
    result = find_matches(
        last.query, session.dataset, session.index, wanted, session.min_score, True
    )
    fresh = result.matches[last.shown :]
    if not fresh:
        chat_render.no_more(last.query, last.shown)
        return
    chat_render.more_heading(last.query, last.shown + 1, last.shown + len(fresh))
    # The warning, if any, was shown with the first answers; "Did you mean" too.
    more = Answer(
        result._replace(matches=fresh, ambiguous=False),
        NO_TRIAGE,
        related_for_matches(fresh, session.dataset, session.index, last.offered),
    )
    render.answer(
        more,
        first_number=last.shown + 1,
        safety_net=session.safety_net,
        disclaimer=_disclaimer(session),
        hints=CHAT_HINTS,
    )
    answers = last.answers + tuple(m.entry.id for m in fresh)
    session.last = LastQuestion(last.query, answers, last.offered | _offered(more))


def _offered(reply: Answer) -> frozenset[str]:
    shown = (m.entry.id for m in reply.result.matches)
    suggested = (e.id for entries in reply.related.values() for e in entries)
    return frozenset([*shown, *suggested])


def _show(wanted: str, session: _Session) -> None:
    """``show N`` (answer N of the last question) or ``show ID``."""
    if not wanted:
        chat_render.show_usage()
        return
    entry = _numbered(wanted, session) or session.dataset.get(wanted)
    if entry is None and wanted.isdigit():
        chat_render.no_answer_numbered(int(wanted), session.last.shown if session.last else 0)
        return
    if entry is None:
        ids = session.dataset.ids
        render.unknown_id(wanted, similar_ids(wanted, ids), CHAT_HINTS)
        return
    related = related_entries(entry, session.dataset, session.index)
    render.entry_full(entry, related, _disclaimer(session))


def _numbered(wanted: str, session: _Session) -> Entry | None:
    """The answer numbered ``wanted`` on screen, if it is such a number. An answer's
    number wins over an entry whose id is that number: it is the one in sight."""
    answers = session.last.answers if session.last else ()
    if not (wanted.isdigit() and 1 <= int(wanted) <= len(answers)):
        return None
    return session.dataset.get(answers[int(wanted) - 1])


def _recall_history() -> Path | None:
    """Give readline the lines of earlier sessions; the file to keep them in."""
    import readline

    from psoas_cli.history import history_file, read_history

    path = history_file(render.notice)
    if path is not None:
        for line in read_history(path):
            readline.add_history(line)
    return path


def _keep_history(path: Path) -> None:
    import readline

    from psoas_cli.history import write_history

    count = readline.get_current_history_length()
    lines = (readline.get_history_item(number) for number in range(1, count + 1))
    write_history(path, (line for line in lines if line))


def _stdin_is_terminal() -> bool:
    isatty = getattr(sys.stdin, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
