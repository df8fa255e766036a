"""Everything the tool prints: Rich for people, plain lines for pipes, JSON for programs.

This is the only package that writes to stdout or stderr. Each view is built once, as
blocks (:mod:`psoas_cli.render.views`), and drawn by one of two printers:
:mod:`psoas_cli.render.styled` (Rich, on a terminal) or :mod:`psoas_cli.render.plain`.
Rich and the views are imported inside the functions that draw, so that ``--json``
and ``--version`` never pay for them. Every string that comes from a query or a data
file goes through :func:`clean` and reaches Rich as ``Text``, never as markup, so
"[bold]" or an escape sequence in a dataset prints as itself.
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
    from psoas_cli.answers import Answer
    from psoas_cli.dataset import Dataset, Entry, Exercise
    from psoas_cli.evaluate import Report
    from psoas_cli.matcher import Match, TermEvidence
    from psoas_cli.render.model import Block
    from psoas_cli.render.views import Hints
    from psoas_cli.triage import RedFlag

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
        wanted = _isatty(stream)
    return wanted and width_of(stream) >= MIN_WIDTH


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def width_of(stream: TextIO) -> int:
    """The width Rich would draw at: ``COLUMNS`` when it is a number (Rich's own rule),
    else the terminal's, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap plain text at: the terminal's, or None when ``stream`` is not
    a terminal (a pipe or a file takes each line whole) or says it has no width (a
    pseudo-terminal whose size was never set says 0)."""
    width = width_of(stream) if _isatty(stream) else 0
    return width if width > 0 else None


def stdout_is_styled() -> bool:
    return _styled(sys.stdout)


def show(blocks: Iterable[Block], styled: bool | None = None) -> None:
    """Print a view: with Rich when stdout is styled (see :func:`_styled`), else plain."""
    if styled is None:
        styled = stdout_is_styled()
    if styled:
        from psoas_cli.render.styled import RichPrinter

        RichPrinter().show(blocks)
    else:
        from psoas_cli.render.plain import PlainPrinter

        PlainPrinter().show(blocks)


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
    _to_stderr(f"psoas: {clean(message)}")


def notice(message: str) -> None:
    """An informational message on stderr."""
    _to_stderr(clean(message))


def _to_stderr(line: str) -> None:
    """One line on stderr; on a terminal narrower than the line, wrapped between words."""
    width = terminal_width(sys.stderr)
    if width is None or len(line) <= width:
        write(line, sys.stderr)
        return
    from psoas_cli.render.plain import wrapped

    for part in wrapped(line, width):
        write(part, sys.stderr)


def dump_json(document: Any) -> None:
    """One JSON document on stdout; C1 controls and format characters escaped too, half
    a surrogate pair replaced."""
    write(_json_safe(json.dumps(document, ensure_ascii=False, indent=2)))


def dump_json_line(document: Any, stream: TextIO | None = None) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (stream or sys.stdout).write(_json_safe(text) + "\n")


# --- views -----------------------------------------------------------------------------


def overview() -> None:
    """What ``psoas`` alone prints: the commands and one example each."""
    from psoas_cli.render.views import overview_view

    show(overview_view())


def answer(
    reply: Answer,
    *,
    emergency_line: str = "",
    explain: bool = False,
    first_number: int = 1,
    after_warning: int | None = None,
    safety_net: bool = True,
    disclaimer: bool = True,
    hints: Hints | None = None,
) -> None:
    """An answer for people (see :func:`psoas_cli.render.views.answer_view`)."""
    from psoas_cli.render.views import Hints, answer_view

    view = answer_view(
        reply,
        emergency_line=emergency_line,
        explain=explain,
        first_number=first_number,
        after_warning=after_warning,
        safety=safety_net,
        disclaimer=disclaimer,
        hints=hints or Hints(),
    )
    show(view)


def entry_table(entries: Sequence[Entry]) -> None:
    from psoas_cli.render.views import list_view

    show(list_view(entries))


def entry_full(entry: Entry, related: Sequence[Entry] = (), disclaimer: bool = True) -> None:
    from psoas_cli.render.views import entry_view

    show(entry_view(entry, related, disclaimer))


def unknown_id(entry_id: str, suggestions: Sequence[str], hints: Hints | None = None) -> None:
    from psoas_cli.render.views import Hints, unknown_id_view

    show([unknown_id_view(entry_id, suggestions, hints or Hints())])


def exercise_list(exercises: Sequence[Exercise], dataset: Dataset, disclaimer: bool = True) -> None:
    from psoas_cli.render.views import exercises_view

    show(exercises_view(exercises, dataset, disclaimer))


def red_flag_list(flags: Sequence[RedFlag], emergency_line: str) -> None:
    from psoas_cli.render.views import red_flags_view

    show(red_flags_view(flags, emergency_line))


@contextmanager
def indexing_progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr while a large dataset is indexed, if stderr is a terminal."""
    if total < PROGRESS_FROM or not _styled(sys.stderr):
        yield None
        return
    from psoas_cli.render.styled import progress_bar

    with progress_bar(total) as progress:
        task = progress.add_task("index", total=total)

        def advance(done: int) -> None:
            progress.advance(task, done)
            progress.refresh()

        yield advance


# --- records for programs (--json) ----------------------------------------------------------


def match_record(match: Match, related: Sequence[Entry], explain: bool = False) -> dict[str, Any]:
    record = {
        "id": match.entry.id,
        "question": match.entry.question,
        "answer": match.entry.answer,
        "score": match.score,
        "related": [entry.id for entry in related],
    }
    if explain:
        record["explanation"] = [evidence_record(item) for item in match.evidence]
    return record


def evidence_record(item: TermEvidence) -> dict[str, Any]:
    """Why one query word counted for an answer: what ``--explain`` prints as
    ``word -> term (how, where, weight, counts)``; ``entry_term`` and ``where`` are
    null for a word the entry lacks."""
    return {
        "query_word": item.query_word,
        "entry_term": item.entry_term.replace("_", " ") if item.entry_term else None,
        "how": item.via,
        "where": item.field,
        "weight": round(item.weight, 4),
        "counts": round(item.strength, 4),
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
        # In a long story, the sentence read as its question (null for a short query).
        record["read_as"] = reply.result.focus or None
    record["matches"] = [
        match_record(m, reply.related.get(m.entry.id, ()), explain) for m in reply.result.matches
    ]
    return record


def entry_records(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [{"id": e.id, "question": e.question, "topics": list(e.topics)} for e in entries]


def entry_record(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "topics": list(entry.topics),
    }


def exercise_records(exercises: Iterable[Exercise]) -> list[dict[str, Any]]:
    return [
        {"id": x.id, "name": x.name, "steps": list(x.steps), "source_id": x.source_id}
        for x in exercises
    ]


def batch_line(record: dict[str, Any]) -> None:
    dump_json_line(record)
    sys.stdout.flush()


def batch_error(line_number: int, message: str) -> None:
    """A batch line that was not answered: its own JSON line, and the message on stderr."""
    error(message)
    batch_line({"line": line_number, "error": message})


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
    """The figures, the calibration and the misses, as plain lines (wrapped between
    words on a terminal)."""
    lines: list[str] = []
    say = lines.append
    say(f"{report.queries} queries: {report.in_scope} to answer, {report.off_topic} to decline")
    say(f"top-1    {_figure(report.top1)}")
    say(f"top-3    {_figure(report.top3)}")
    say(f"MRR      {_figure(report.mrr)}")
    say(f"declined {_figure(report.declined)}")
    say(f"overall  {report.overall:.3f}")
    if report.bands:
        say("")
        say("Calibration (the top answer of each query, by score):")
        for band in report.bands:
            share = "-" if band.share is None else f"{band.share:.2f}"
            say(f"  {band.low:3.0f}-{band.high:<3.0f}  {band.answers:4d} answers, right {share}")
    if report.misses:
        say("")
        say(f"Misses ({len(report.misses)}):")
        for miss in report.misses:
            expected = ", ".join(miss.expected) if miss.expected else "(decline)"
            got = miss.got or "(declined)"
            say(f"  {short(miss.query, 80)}")
            say(f"    expected {clean(expected)}; got {clean(got)}{_confusion(miss)}")
    from psoas_cli.render.model import text
    from psoas_cli.render.plain import PlainPrinter

    PlainPrinter().show([text(*lines)])


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
