"""Everything the tool prints: Rich for people, plain lines for pipes, JSON for programs.

This is the only module that writes to stdout or stderr. Rich is imported inside the
functions that draw with it, so that ``--json`` and ``--version`` never pay for it.
Every string that comes from a query or a data file goes through :func:`clean` and is
handed to Rich as ``Text``, never as markup, so "[bold]" or an escape sequence in a
dataset prints as itself.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from psoas_cli.answers import Answer
    from psoas_cli.dataset import Dataset, Entry, Exercise
    from psoas_cli.evaluate import Report
    from psoas_cli.matcher import Match, SearchResult
    from psoas_cli.triage import RedFlag

#: the last line of every answer that raised no warning: the signs that need help now
SAFETY_NET = (
    "Get help now for numbness between the legs, new bladder or bowel trouble, or weak "
    "legs: see `psoas redflags`."
)
#: the line before the FAQ's answers when a warning was shown
AFTER_WARNING = "General information from the FAQ; it does not explain the warning above."
DISCLAIMER = (
    "General information from a fixed FAQ, not medical advice. If you are worried, see a "
    "doctor; in an emergency call your local emergency number."
)
#: Invisible characters that reorder or hide text, or break a line without being a
#: line feed: the bidirectional marks, embeddings, overrides and isolates ("Trojan
#: Source"), the zero-width space, word joiner and byte order mark, and the line and
#: paragraph separators. (The zero-width joiners, needed by some scripts and emoji,
#: are left alone.)
_FORMAT = "\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff"
#: In a field: every C0 control (tab and line feed too: they would forge a column or
#: a line), DEL, C1 and the format characters above.
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_FORMAT}]")
#: In a block of text (an answer): the same, but tab and line feed are kept.
_CONTROL_IN_BLOCK = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_FORMAT}]")
#: Escaped in JSON too (as \u202e): a program reads them back, a person sees them.
_HIDDEN_IN_JSON = re.compile(f"[\\x7f-\\x9f{_FORMAT}]")
#: Half a UTF-16 pair on its own (JSON's "\ud83d"): no encoding can write it.
_SURROGATE = re.compile("[\\ud800-\\udfff]")
_QUERY_ECHO = 200
#: Datasets at least this large show a progress bar while they are indexed.
PROGRESS_FROM = 5000
#: Narrower than this, output is plain text: a warning's heading ("⚠ Get medical help
#: now") is cut short in its panel below 30 columns, and below 5 Rich draws nothing.
MIN_WIDTH = 30
#: Rich draws no wider than this, whatever COLUMNS says: at COLUMNS=1000000 each line
#: of a panel would be a megabyte.
MAX_WIDTH = 200


def clean(text: str) -> str:
    """One field (a question, an id, a topic) safe to print on one line: control and
    format characters shown as escapes (``\\x1b``, ``\\x0a``, ``\\u202e``), not obeyed,
    and half a surrogate pair as the replacement character."""
    return _CONTROL.sub(_escape, _SURROGATE.sub("\ufffd", text))


def clean_block(text: str) -> str:
    """A block of text (an answer) safe to print: as :func:`clean`, but its line
    breaks and tabs are kept; where it is printed, its lines are set apart."""
    return _CONTROL_IN_BLOCK.sub(_escape, _SURROGATE.sub("\ufffd", text))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _json_safe(text: str) -> str:
    return _HIDDEN_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", _SURROGATE.sub("\ufffd", text))


def short(text: str, limit: int = _QUERY_ECHO) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- streams ------------------------------------------------------------------------------


def _styled(stream: TextIO) -> bool:
    """Whether to draw with Rich: on a terminal, or when FORCE_COLOR asks for it, and
    only if it is at least :data:`MIN_WIDTH` wide."""
    if os.environ.get("FORCE_COLOR"):
        wanted = True
    elif os.environ.get("TERM") == "dumb":
        return False
    else:
        isatty = getattr(stream, "isatty", None)
        wanted = bool(isatty and isatty())
    return wanted and _width(stream) >= MIN_WIDTH


def _width(stream: TextIO) -> int:
    """The width Rich would draw at: ``COLUMNS`` when it is a number (Rich's own rule),
    else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


def stdout_is_styled() -> bool:
    return _styled(sys.stdout)


def _console(stream: TextIO | None = None, force_terminal: bool | None = None) -> Console:
    stream = stream or sys.stdout
    # Left to Rich below the cap, so that a terminal resized meanwhile is followed.
    width = MAX_WIDTH if _width(stream) > MAX_WIDTH else None
    return _console_type()(
        file=stream,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=force_terminal,
    )


@cache
def _console_type() -> type[Console]:
    from rich.console import Console

    class PsoasConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit with code 1 here; the CLI's exit path makes it 141.
            raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")

    return PsoasConsole


def write(text: str = "", stream: TextIO | None = None) -> None:
    """One line on stdout, or on ``stream``. A line that stderr cannot take is dropped:
    a message that cannot be shown must not turn the command's outcome into a failure."""
    stream = stream or sys.stdout
    if stream is not sys.stderr:
        stream.write(text + "\n")
        return
    try:
        stream.write(text + "\n")
    except OSError:
        pass


def error(message: str) -> None:
    """A short error on stderr, in the form ``psoas: message``."""
    write(f"psoas: {clean(message)}", sys.stderr)


def notice(message: str) -> None:
    """An informational message on stderr."""
    write(clean(message), sys.stderr)


def dump_json(document: Any) -> None:
    """One JSON document on stdout; C1 controls and format characters escaped too, half
    a surrogate pair replaced."""
    write(_json_safe(json.dumps(document, ensure_ascii=False, indent=2)))


def dump_json_line(document: Any, stream: TextIO | None = None) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (stream or sys.stdout).write(_json_safe(text) + "\n")


# --- overview ---------------------------------------------------------------------------

OVERVIEW = (
    ("ask", "Find the answers to a question", 'psoas ask "why does my lower back hurt"'),
    ("list", "List every question in the FAQ", "psoas list --topic release"),
    ("show", "Show one entry in full", "psoas show psoas-back-pain"),
    ("exercises", "Show the stretches, or be guided through them", "psoas exercises --guide"),
    ("chat", "Ask one question after another", "psoas chat"),
    ("tip", "One entry at random", "psoas tip"),
    ("redflags", "Symptoms that need a doctor", "psoas redflags --region uk"),
    ("eval", "Measure answers on labelled queries", "psoas eval queries.jsonl"),
)


def overview() -> None:
    """What ``psoas`` alone prints: the commands and one example each."""
    write("psoas: answers to questions about the psoas muscle, hip flexors and back pain.")
    write()
    width = max(len(name) for name, _, _ in OVERVIEW)
    for name, purpose, example in OVERVIEW:
        write(f"  {name.ljust(width)}  {purpose}:  {example}")
    write()
    write("Run `psoas COMMAND --help` for a command's options.")
    write(DISCLAIMER)


# --- ask ------------------------------------------------------------------------------------


def match_record(match: Match, related: Sequence[Entry]) -> dict[str, Any]:
    return {
        "id": match.entry.id,
        "question": match.entry.question,
        "answer": match.entry.answer,
        "score": match.score,
        "related": [entry.id for entry in related],
    }


def red_flag_record(flag: RedFlag) -> dict[str, str]:
    return {
        "id": flag.id,
        "symptom": flag.symptom,
        "condition": flag.condition,
        "urgency": flag.urgency,
        "advice": flag.advice,
    }


def answer_record(
    reply: Answer, region: str | None = None, explain: bool = False
) -> dict[str, Any]:
    """The ``ask --json`` document; the warnings come first, as they do on screen, with
    the emergency numbers (of ``region``, or of every region) when there are any."""
    record: dict[str, Any] = {"query": reply.result.query}
    record["red_flags"] = [red_flag_record(flag) for flag in reply.flags]
    if reply.flags:
        from psoas_cli.triage import emergency_numbers

        record["emergency_numbers"] = emergency_numbers(region)
    if explain:
        for flag_record in record["red_flags"]:
            flag_record["matched"] = [
                {"concept": f.concept, "words": f.words}
                for f in reply.triage.evidence.get(flag_record["id"], ())
            ]
        record["findings"] = [finding._asdict() for finding in reply.triage.findings]
    record["matches"] = [
        match_record(m, reply.related.get(m.entry.id, ())) for m in reply.result.matches
    ]
    return record


def answer(
    reply: Answer,
    *,
    emergency_line: str = "",
    explain: bool = False,
    first_number: int = 1,
    after_warning: int | None = None,
    safety_net: bool = True,
) -> None:
    """An answer for people: red-flag warning first, then the matches or a decline, and
    (``safety_net``, for the bundled FAQ) a last line naming the signs that need help.

    After a warning at most ``after_warning`` answers are shown (all when None), under
    a line saying they do not explain it. ``first_number`` numbers the answers on from
    earlier ones (chat's ``more``).
    """
    result, found, related = reply
    flags = found.flags
    styled = stdout_is_styled()
    if flags:
        _red_flags(flags, emergency_line, styled)
        if explain:
            _explain_warning(reply)
    if explain and result.focus:
        write(f'Read as the question: "{clean(short(result.focus, 200))}"')
    if flags and after_warning is not None:
        result = result._replace(matches=result.matches[:after_warning])
    if result.matches:
        if flags:
            _note(AFTER_WARNING, styled)
        if styled:
            _matches_rich(result, explain, related, first_number)
        else:
            _matches_plain(result, explain, related, first_number)
        if styled:
            _console().print(_dim(DISCLAIMER))
    else:
        _decline(result, after_warning=bool(flags))
    if safety_net and not flags:
        _note(SAFETY_NET, styled, sys.stdout if result.matches else sys.stderr)


def _note(text: str, styled: bool, stream: TextIO | None = None) -> None:
    if styled and (stream or sys.stdout) is sys.stdout:
        _console().print(_dim(text))
    else:
        write(text, stream)


def _explain_warning(reply: Answer) -> None:
    """Which words raised each warning, and what context set other words aside."""
    for flag in reply.flags:
        why = "; ".join(
            f'"{short(f.words, 40)}" -> {f.concept.replace("_", " ")}'
            for f in reply.triage.evidence.get(flag.id, ())
        )
        write(f"Why {flag.id}: {why}")
    aside = [f for f in reply.triage.findings if f.context]
    if aside:
        write(
            "Set aside: "
            + "; ".join(f'"{short(f.words, 40)}" ({f.context})' for f in dict.fromkeys(aside))
        )
    write()


def _dim(text: str) -> Any:
    from rich.text import Text

    return Text(text, style="dim")


def _highlighted(
    text: str,
    spans: Iterable[tuple[int, int]],
    style: str,
    cleaner: Callable[[str], str] = clean,
) -> Any:
    from rich.text import Text

    cleaned = cleaner(text)
    shown = Text(cleaned)
    if cleaned == text:  # offsets still line up
        for start, end in spans:
            shown.stylize(style, start, end)
    return shown


def _matches_rich(
    result: SearchResult, explain: bool, related: dict[str, list[Entry]], first_number: int
) -> None:
    from rich.panel import Panel
    from rich.text import Text

    console = _console()
    if result.ambiguous:
        console.print(Text("Did you mean one of these?", style="bold yellow"))
    for number, match in enumerate(result.matches, start=first_number):
        title = Text.assemble(
            f"{number}. ",
            _highlighted(match.entry.question, match.question_spans, "bold underline"),
        )
        body = _highlighted(match.entry.answer, match.answer_spans, "bold cyan", clean_block)
        see_also = related.get(match.entry.id, [])
        if see_also:
            body.append("\n\nSee also: ", style="dim")
            body.append(
                "; ".join(f"{clean(e.question)} ({clean(e.id)})" for e in see_also), style="dim"
            )
        console.print(
            Panel(
                body,
                title=title,
                title_align="left",
                subtitle=Text(f"{clean(match.entry.id)} · score {match.score:.0f}/100"),
                subtitle_align="right",
                border_style="green" if number == 1 else "blue",
                padding=(0, 1),
            )
        )
        if explain:
            console.print(_explain_table(match))


def _explain_table(match: Match) -> Any:
    from rich.table import Table

    table = Table(title=f"Why {clean(match.entry.id)} matched", title_justify="left", box=None)
    for column in ("query word", "entry term", "how", "where", "weight", "counts"):
        table.add_column(column)
    for row in _explain_rows(match):
        table.add_row(*row)
    return table


def _explain_rows(match: Match) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for item in match.evidence:
        rows.append(
            (
                short(item.query_word, 40),
                item.entry_term.replace("_", " ") if item.entry_term else "(not in this entry)",
                item.via,
                item.field or "-",
                f"{item.weight:.2f}",
                f"{item.strength:.2f}",
            )
        )
    return rows


def _matches_plain(
    result: SearchResult, explain: bool, related: dict[str, list[Entry]], first_number: int
) -> None:
    if result.ambiguous:
        write("Did you mean one of these?")
    for number, match in enumerate(result.matches, start=first_number):
        entry = match.entry
        write(f"{number}. {clean(entry.question)} [{clean(entry.id)}, score {match.score:.0f}]")
        for line in clean_block(entry.answer).splitlines():
            write(f"   {line}" if line.strip() else "")
        for other in related.get(entry.id, []):
            write(f"   See also: {clean(other.question)} ({clean(other.id)})")
        if explain:
            write("   why: " + "; ".join(_explain_plain(match)))
        write()


def _explain_plain(match: Match) -> list[str]:
    parts = []
    for word, term, via, where, weight, strength in _explain_rows(match):
        parts.append(f"{word} -> {term} ({via}, {where}, weight {weight}, counts {strength})")
    return parts


def _decline(result: SearchResult, after_warning: bool = False) -> None:
    stream = sys.stderr
    if after_warning:
        write("The FAQ has no answer that fits this question.", stream)
    else:
        write(f'No confident answer for "{short(result.query)}".', stream)
    if result.reason:
        write(f"Declined because {clean(result.reason)}.", stream)
    if result.closest:
        write("Closest questions:", stream)
        for match in result.closest:
            write(f"  - {clean(match.entry.question)} ({clean(match.entry.id)})", stream)
        topics = dict.fromkeys(t for m in result.closest for t in m.entry.topics)
        if topics:
            write(f"Closest topics: {clean(', '.join(topics))}", stream)
    write("Run `psoas list` to see every question.", stream)


def _red_flags(flags: Sequence[RedFlag], emergency_line: str, styled: bool) -> None:
    emergency = any(flag.urgency == "emergency" for flag in flags)
    heading = "Get medical help now" if emergency else "See a doctor today"
    if styled:
        from rich.panel import Panel
        from rich.text import Text

        body = Text()
        for flag in flags:
            body.append(f"{flag.symptom}\n", style="bold")
            body.append(f"This can be a sign of {flag.condition}.\n")
            body.append(f"{flag.advice}\n\n")
        body.append(emergency_line, style="bold")
        _console().print(
            Panel(
                body,
                title=Text(f"⚠ {heading}", style="bold"),
                border_style="bold red",
                padding=(0, 1),
            )
        )
    else:
        write(f"WARNING: {heading.upper()}")
        for flag in flags:
            write(f"- {flag.symptom}: this can be a sign of {flag.condition}. {flag.advice}")
        write(emergency_line)
        write()


@contextmanager
def indexing_progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr while a large dataset is indexed, if stderr is a terminal."""
    if total < PROGRESS_FROM or not _styled(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("Indexing {task.total} entries"), BarColumn(), TimeRemainingColumn())
    # Refreshed by hand, not by Rich's timer thread: indexing may fork, and a process
    # that forks should have no other threads.
    console = _console(sys.stderr, force_terminal=True)
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("index", total=total)

        def advance(done: int) -> None:
            progress.advance(task, done)
            progress.refresh()

        yield advance


def batch_line(record: dict[str, Any]) -> None:
    dump_json_line(record)
    sys.stdout.flush()


def batch_error(line_number: int, message: str) -> None:
    """A batch line that was not answered: its own JSON line, and the message on stderr."""
    error(message)
    batch_line({"line": line_number, "error": message})


# --- list, show, exercises, red flags -----------------------------------------------------


def entry_records(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [{"id": e.id, "question": e.question, "topics": list(e.topics)} for e in entries]


def entry_table(entries: Sequence[Entry]) -> None:
    if not stdout_is_styled():
        for entry in entries:
            topics = f"  [{', '.join(clean(t) for t in entry.topics)}]" if entry.topics else ""
            write(f"{clean(entry.id)}\t{clean(entry.question)}{topics}")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("question")
    table.add_column("topics", style="dim")
    for entry in entries:
        table.add_row(
            Text(clean(entry.id)), Text(clean(entry.question)), Text(clean(", ".join(entry.topics)))
        )
    _console().print(table)


def entry_record(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "topics": list(entry.topics),
    }


def entry_full(entry: Entry, related: Sequence[Entry] = ()) -> None:
    if not stdout_is_styled():
        write(clean(entry.question))
        write(clean_block(entry.answer))
        if entry.topics:
            write(f"Topics: {clean(', '.join(entry.topics))}")
        for other in related:
            write(f"See also: {clean(other.question)} ({clean(other.id)})")
        return
    from rich.panel import Panel
    from rich.text import Text

    body = Text(clean_block(entry.answer))
    if entry.topics:
        body.append(f"\n\nTopics: {clean(', '.join(entry.topics))}", style="dim")
    for other in related:
        body.append(f"\nSee also: {clean(other.question)} ({clean(other.id)})", style="dim")
    _console().print(
        Panel(
            body,
            title=Text(clean(entry.question), style="bold"),
            title_align="left",
            subtitle=Text(clean(entry.id)),
            subtitle_align="right",
            padding=(0, 1),
        )
    )
    _console().print(_dim(DISCLAIMER))


def unknown_id(entry_id: str, suggestions: Sequence[str]) -> None:
    error(f"no entry with id {short(entry_id, 80)!r}")
    if suggestions:
        notice("Did you mean: " + ", ".join(clean(s) for s in suggestions) + "?")
    notice("Run `psoas list` to see every id.")


def exercise_records(exercises: Iterable[Exercise]) -> list[dict[str, Any]]:
    return [
        {"id": x.id, "name": x.name, "steps": list(x.steps), "source_id": x.source_id}
        for x in exercises
    ]


def exercise_list(exercises: Sequence[Exercise], dataset: Dataset) -> None:
    """Each exercise with its numbered steps and the question it comes from."""

    def source(exercise: Exercise) -> str:
        entry = dataset.get(exercise.source_id)
        return clean(entry.question if entry else exercise.source_id)

    if not stdout_is_styled():
        for exercise in exercises:
            write(clean(exercise.name))
            for number, step in enumerate(exercise.steps, start=1):
                write(f"  {number}. {clean(step)}")
            write(f"  From: {source(exercise)}")
            write()
        return
    from rich.panel import Panel
    from rich.text import Text

    console = _console()
    for exercise in exercises:
        body = Text()
        for number, step in enumerate(exercise.steps, start=1):
            body.append(f"{number}. ", style="bold")
            body.append(clean(step) + "\n")
        body.append(f"From: {source(exercise)}", style="dim")
        console.print(
            Panel(
                body,
                title=Text(clean(exercise.name), style="bold"),
                title_align="left",
                padding=(0, 1),
            )
        )
    console.print(_dim("Stop if anything hurts. " + DISCLAIMER))


#: what ``psoas redflags`` says of how the warnings are found, and of their limits
HOW_WARNINGS_WORK = (
    "psoas warns when a question describes one of these signs, in everyday words, with "
    "typos, or about someone else; not when it is denied, over, or asked about in general. "
    "It reads words and cannot examine you: it can miss wording it does not know. If you "
    "are worried, get help whatever it says."
)


def red_flag_list(flags: Sequence[RedFlag], emergency_line: str) -> None:
    if not stdout_is_styled():
        for flag in flags:
            write(f"{flag.urgency.upper()}: {flag.symptom}")
            write(f"  May mean: {flag.condition}")
            write(f"  What to do: {flag.advice}")
        write(HOW_WARNINGS_WORK)
        write(emergency_line)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True, header_style="bold")
    table.add_column("urgency", no_wrap=True)
    table.add_column("symptom")
    table.add_column("may mean")
    table.add_column("what to do")
    for flag in flags:
        style = "bold red" if flag.urgency == "emergency" else "bold yellow"
        table.add_row(
            Text(flag.urgency, style=style),
            Text(clean(flag.symptom)),
            Text(clean(flag.condition)),
            Text(clean(flag.advice)),
        )
    console = _console()
    console.print(table)
    console.print(_dim(HOW_WARNINGS_WORK))
    console.print(Text(clean(emergency_line)))


# --- eval ------------------------------------------------------------------------------------


def eval_record(report: Report) -> dict[str, Any]:
    """``eval --json``; a share with nothing to measure (no query to decline) is null."""
    return {
        "queries": report.queries,
        "in_scope": report.in_scope,
        "off_topic": report.off_topic,
        "top1": _rounded(report.top1),
        "top3": _rounded(report.top3),
        "mrr": _rounded(report.mrr),
        "declined": _rounded(report.declined),
        "overall": round(report.overall, 4),
        "misses": [
            {
                "query": m.query,
                "expected": list(m.expected),
                "got": m.got,
                "score": m.score,
                "expected_score": m.expected_score,
                "margin": m.margin,
            }
            for m in report.misses
        ],
        "calibration": [
            {
                "low": b.low,
                "high": b.high,
                "answers": b.answers,
                "right": b.right,
                "share": None if b.share is None else round(b.share, 4),
            }
            for b in report.bands
        ],
    }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def _figure(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.3f}"


def eval_report(report: Report) -> None:
    write(f"{report.queries} queries: {report.in_scope} to answer, {report.off_topic} to decline")
    write(f"top-1    {_figure(report.top1)}")
    write(f"top-3    {_figure(report.top3)}")
    write(f"MRR      {_figure(report.mrr)}")
    write(f"declined {_figure(report.declined)}")
    write(f"overall  {report.overall:.3f}")
    if report.bands:
        write()
        write("Calibration (the top answer of each query, by score):")
        for band in report.bands:
            share = "-" if band.share is None else f"{band.share:.2f}"
            write(f"  {band.low:3.0f}-{band.high:<3.0f}  {band.answers:4d} answers, right {share}")
    if report.misses:
        write()
        write(f"Misses ({len(report.misses)}):")
        for miss in report.misses:
            expected = ", ".join(miss.expected) if miss.expected else "(decline)"
            got = miss.got or "(declined)"
            write(f"  {short(miss.query, 80)}")
            write(f"    expected {clean(expected)}; got {clean(got)}{_confusion(miss)}")


def _confusion(miss: Any) -> str:
    """Which entry won, and by how much, for one miss."""
    if miss.score is None:
        return ""
    if miss.got is None:
        if miss.expected_score is None:
            return " (no right entry matched)"
        return f" (the best right entry scored {miss.expected_score:.0f}, under the threshold)"
    if miss.margin is not None:
        return f" (top score {miss.score:.0f}, {miss.margin:.0f} ahead of the right entry)"
    if miss.expected:
        return f" (top score {miss.score:.0f}; no right entry matched)"
    return f" (top score {miss.score:.0f})"
