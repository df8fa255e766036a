"""Everything the tool prints: Rich for people, plain lines for pipes, JSON for programs.

This is the only module that writes to stdout or stderr. Rich is imported inside the
functions that draw with it, so that ``--json`` and ``--version`` never pay for it.
Every string that comes from a query or a data file goes through :func:`clean` and is
handed to Rich as ``Text``, never as markup, so "[bold]" or an escape sequence in a
dataset prints as itself.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from psoas_cli.answers import Answer
    from psoas_cli.dataset import Dataset, Entry, Exercise
    from psoas_cli.evaluate import Report
    from psoas_cli.matcher import Match, SearchResult
    from psoas_cli.triage import RedFlag

DISCLAIMER = (
    "General information from a fixed FAQ, not medical advice. If you are worried, see a "
    "doctor; in an emergency call your local emergency number."
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1_IN_JSON = re.compile(r"[\x7f-\x9f]")
_QUERY_ECHO = 200
#: Datasets at least this large show a progress bar while they are indexed.
PROGRESS_FROM = 5000


def clean(text: str) -> str:
    """Text safe to print: control characters and escape sequences shown, not obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def short(text: str, limit: int = _QUERY_ECHO) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- streams ------------------------------------------------------------------------------


def _styled(stream: TextIO) -> bool:
    """Whether to draw with Rich: on a terminal, or when FORCE_COLOR asks for it."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def stdout_is_styled() -> bool:
    return _styled(sys.stdout)


def _console(stream: TextIO | None = None, force_terminal: bool | None = None) -> Console:
    from rich.console import Console

    stream = stream or sys.stdout
    return Console(
        file=stream, highlight=False, emoji=False, markup=False, force_terminal=force_terminal
    )


def write(text: str = "", stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(text + "\n")


def error(message: str) -> None:
    """A short error on stderr, in the form ``psoas: message``."""
    write(f"psoas: {clean(message)}", sys.stderr)


def notice(message: str) -> None:
    """An informational message on stderr."""
    write(clean(message), sys.stderr)


def dump_json(document: Any) -> None:
    """One JSON document on stdout; C1 control characters escaped too."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    write(_C1_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def dump_json_line(document: Any, stream: TextIO | None = None) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (stream or sys.stdout).write(_C1_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


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


def answer_record(reply: Answer) -> dict[str, Any]:
    """The ``ask --json`` document; the warnings come first, as they do on screen."""
    return {
        "query": reply.result.query,
        "red_flags": [red_flag_record(flag) for flag in reply.flags],
        "matches": [
            match_record(m, reply.related.get(m.entry.id, ())) for m in reply.result.matches
        ],
    }


def answer(
    reply: Answer,
    *,
    emergency_line: str = "",
    explain: bool = False,
    first_number: int = 1,
) -> None:
    """An answer for people: red-flag warning first, then the matches or a decline.

    ``first_number`` numbers the answers on from earlier ones (chat's ``more``).
    """
    result, flags, related = reply
    styled = stdout_is_styled()
    if flags:
        _red_flags(flags, emergency_line, styled)
    if explain and result.focus:
        write(f'Read as the question: "{clean(short(result.focus, 200))}"')
    if result.matches:
        if styled:
            _matches_rich(result, explain, related, first_number)
        else:
            _matches_plain(result, explain, related, first_number)
        if styled:
            _console().print(_dim(DISCLAIMER))
    else:
        _decline(result, after_warning=bool(flags))


def _dim(text: str) -> Any:
    from rich.text import Text

    return Text(text, style="dim")


def _highlighted(text: str, spans: Iterable[tuple[int, int]], style: str) -> Any:
    from rich.text import Text

    shown = Text(clean(text))
    if clean(text) == text:  # offsets still line up
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
        body = _highlighted(match.entry.answer, match.answer_spans, "bold cyan")
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
    rows = []
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
        for line in clean(entry.answer).splitlines():
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


# --- list, show, exercises, red flags -----------------------------------------------------


def entry_records(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [{"id": e.id, "question": e.question, "topics": list(e.topics)} for e in entries]


def entry_table(entries: Sequence[Entry]) -> None:
    if not stdout_is_styled():
        for entry in entries:
            topics = f"  [{', '.join(entry.topics)}]" if entry.topics else ""
            write(clean(f"{entry.id}\t{entry.question}{topics}"))
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
        write(clean(entry.answer))
        if entry.topics:
            write(f"Topics: {clean(', '.join(entry.topics))}")
        for other in related:
            write(f"See also: {clean(other.question)} ({clean(other.id)})")
        return
    from rich.panel import Panel
    from rich.text import Text

    body = Text(clean(entry.answer))
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


def red_flag_list(flags: Sequence[RedFlag], emergency_line: str) -> None:
    if not stdout_is_styled():
        for flag in flags:
            write(f"{flag.urgency.upper()}: {flag.symptom}")
            write(f"  May mean: {flag.condition}")
            write(f"  What to do: {flag.advice}")
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
    console.print(Text(clean(emergency_line)))


# --- eval ------------------------------------------------------------------------------------


def eval_record(report: Report) -> dict[str, Any]:
    return {
        "queries": report.queries,
        "in_scope": report.in_scope,
        "off_topic": report.off_topic,
        "top1": round(report.top1, 4),
        "top3": round(report.top3, 4),
        "mrr": round(report.mrr, 4),
        "declined": round(report.declined, 4),
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


def eval_report(report: Report) -> None:
    write(f"{report.queries} queries: {report.in_scope} to answer, {report.off_topic} to decline")
    write(f"top-1    {report.top1:.3f}")
    write(f"top-3    {report.top3:.3f}")
    write(f"MRR      {report.mrr:.3f}")
    write(f"declined {report.declined:.3f}")
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
