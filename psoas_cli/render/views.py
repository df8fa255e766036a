"""Every view of psoas, built once as blocks (:mod:`psoas_cli.render.model`).

A builder decides the words, their order and their styles; the printers decide only
how blocks look (Rich panels and colour, or plain lines). Every string from a query or
a data file goes through :func:`~psoas_cli.render.clean` (or ``clean_block`` for an
answer) here, once, so both printers show the same safe text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from psoas_cli.render import clean, clean_block, short
from psoas_cli.render.model import (
    GAP,
    Block,
    Column,
    Line,
    Panel,
    Run,
    Table,
    Text,
    highlighted,
    line,
    split_lines,
    text,
)

if TYPE_CHECKING:
    from psoas_cli.answers import Answer
    from psoas_cli.dataset import Dataset, Entry, Exercise
    from psoas_cli.matcher import Match, SearchResult
    from psoas_cli.triage import RedFlag

DISCLAIMER = (
    "General information from a fixed FAQ, not medical advice. If you are worried, see a "
    "doctor; in an emergency call your local emergency number."
)
#: the line before the FAQ's answers when a warning was shown
AFTER_WARNING = "General information from the FAQ; it does not explain the warning above."
#: what ``psoas redflags`` says of how the warnings are found, and of their limits
HOW_WARNINGS_WORK = (
    "psoas warns when a question describes one of these signs, in everyday words, with "
    "typos, or about someone else; not when it is denied, over, or asked about in general. "
    "It reads words and cannot examine you: it can miss wording it does not know. If you "
    "are worried, get help whatever it says."
)
DID_YOU_MEAN = "Did you mean one of these?"


class Hints(NamedTuple):
    """How a hint names a command: ``psoas list --data faq.csv`` on the command line,
    ``list`` inside chat (where the data is already chosen)."""

    #: "Run" on the command line, "Type" in chat
    verb: str = "Run"
    prefix: str = "psoas "
    #: the options that chose the data, repeated in every hint that reads it
    data_options: str = ""

    def command(self, name: str, reads_data: bool = True) -> str:
        """A command as the user would type it here, in backquotes."""
        options = self.data_options if reads_data else ""
        return f"`{self.prefix}{name}{options}`"


#: the hints of a command run on the bundled FAQ
PLAIN_HINTS = Hints()
#: the hints inside ``psoas chat``, whose commands are typed without ``psoas``
CHAT_HINTS = Hints(verb="Type", prefix="")


def command_line_hints(data: str | None) -> Hints:
    """The hints of a command run with ``--data data`` (or on the bundled FAQ)."""
    if not data:
        return PLAIN_HINTS
    import shlex

    return Hints(data_options=f" --data {shlex.quote(clean(data))}")


def safety_net(hints: Hints = PLAIN_HINTS) -> str:
    """The last line of every answer that raised no warning: the signs that need help now."""
    return (
        "Get help now for numbness between the legs, new bladder or bowel trouble, or weak "
        f"legs: see {hints.command('redflags', reads_data=False)}."
    )


# --- ask ------------------------------------------------------------------------------------


def answer_view(
    reply: Answer,
    *,
    emergency_line: str = "",
    explain: bool = False,
    first_number: int = 1,
    after_warning: int | None = None,
    safety: bool = True,
    disclaimer: bool = True,
    hints: Hints = PLAIN_HINTS,
) -> list[Block]:
    """An answer: the warning first, then the matches or a decline, the disclaimer
    and (``safety``, for the bundled FAQ) a last line naming the signs that need help.

    After a warning at most ``after_warning`` answers are shown (all when None), under
    a line saying they do not explain it. ``first_number`` numbers the answers on from
    earlier ones (chat's ``more``).
    """
    result, found, related = reply
    flags = found.flags
    blocks: list[Block] = []
    if flags:
        blocks += [warning_box(flags, emergency_line), GAP]
        if explain:
            blocks += [warning_reasons(reply), GAP]
    if explain and result.focus:
        blocks.append(text(f'Read as the question: "{short(result.focus, 200)}"'))
    matches = result.matches
    if flags and after_warning is not None:
        matches = matches[:after_warning]
    if matches:
        if flags:
            blocks.append(text(AFTER_WARNING, style="dim"))
        if result.ambiguous and len(matches) > 1:
            blocks.append(text(DID_YOU_MEAN, style="caution"))
        for number, match in enumerate(matches, start=first_number):
            blocks += [match_panel(match, number, related.get(match.entry.id, ()), explain), GAP]
        if disclaimer:
            blocks.append(text(DISCLAIMER, style="dim"))
    else:
        blocks.append(decline(result, bool(flags), hints))
    if safety and not flags:
        blocks.append(text(safety_net(hints), style="dim", to_stderr=not matches))
    return blocks


def match_panel(match: Match, number: int, related: Sequence[Entry], explain: bool) -> Panel:
    """One answer: its question (matched words marked), the answer, "See also"."""
    entry = match.entry
    question = clean(entry.question)
    spans = match.question_spans if question == entry.question else ()
    title = (Run(f"{number}. "), *highlighted(question, spans, "hit")[0])
    answer = clean_block(entry.answer)
    spans = match.answer_spans if answer == entry.answer else ()
    body = highlighted(answer, spans, "hit-answer")
    for other in related:
        body.append(line(Run(f"See also: {clean(other.question)} ({clean(other.id)})", "dim")))
    if explain:
        body.append(explanation(match))
    return Panel(
        title,
        tuple(body),
        tags=(clean(entry.id), f"score {match.score:.0f}"),
        kind="first" if number == 1 else "answer",
        inset=3,
    )


def explanation(match: Match) -> Line:
    """Which query word matched which entry term, how, where and with what weight."""
    parts = []
    for item in match.evidence:
        term = item.entry_term.replace("_", " ") if item.entry_term else "(not in this entry)"
        parts.append(
            f"{short(item.query_word, 40)} -> {term} ({item.via}, {item.field or '-'}, "
            f"weight {item.weight:.2f}, counts {item.strength:.2f})"
        )
    return line(Run("why: ", "strong"), Run("; ".join(parts), "dim"))


def decline(result: SearchResult, after_warning: bool, hints: Hints) -> Text:
    """No answer cleared the threshold: why, what came closest, where to look."""
    lines = []
    if after_warning:
        lines.append("The FAQ has no answer that fits this question.")
    else:
        lines.append(f'No confident answer for "{short(result.query)}".')
    if result.reason:
        lines.append(f"Declined because {clean(result.reason)}.")
    if result.closest:
        lines.append("Closest questions:")
        for match in result.closest:
            lines.append(f"  - {clean(match.entry.question)} ({clean(match.entry.id)})")
        topics = dict.fromkeys(t for m in result.closest for t in m.entry.topics)
        if topics:
            lines.append(f"Closest topics: {clean(', '.join(topics))}")
    lines.append(f"{hints.verb} {hints.command('list')} to see every question.")
    return text(*lines, to_stderr=True)


def warning_box(flags: Sequence[RedFlag], emergency_line: str) -> Panel:
    """The red-flag warning: each sign, what it can mean and what to do; the numbers."""
    emergency = any(flag.urgency == "emergency" for flag in flags)
    heading = "Get medical help now" if emergency else "See a doctor today"
    body = [
        line(
            "- ",
            Run(clean(flag.symptom), "strong"),
            f": this can be a sign of {clean(flag.condition)}. {clean(flag.advice)}",
        )
        for flag in flags
    ]
    body.append(line(Run(clean(emergency_line), "strong")))
    title = line(Run(heading, "alarm" if emergency else "caution"))
    return Panel(title, tuple(body), kind="warning")


def warning_reasons(reply: Answer) -> Text:
    """``--explain`` for warnings: the words that raised each, and what was set aside."""
    lines = []
    for flag in reply.flags:
        why = "; ".join(
            f'"{short(f.words, 40)}" -> {f.concept.replace("_", " ")}'
            for f in reply.triage.evidence.get(flag.id, ())
        )
        lines.append(f"Why {clean(flag.id)}: {why}")
    aside = [f for f in reply.triage.findings if f.context]
    if aside:
        lines.append(
            "Set aside: "
            + "; ".join(f'"{short(f.words, 40)}" ({f.context})' for f in dict.fromkeys(aside))
        )
    return text(*lines)


# --- list, show, exercises, red flags -----------------------------------------------------


def list_view(entries: Sequence[Entry]) -> list[Block]:
    """Every entry: id, question and topics, one row each."""
    columns = (
        Column("id", "id", wrap=False),
        Column("question"),
        Column("topics", "dim", tag=True),
    )
    rows = tuple(
        (line(clean(e.id)), line(clean(e.question)), line(clean(", ".join(e.topics))))
        for e in entries
    )
    return [Table(columns, rows)]


def entry_view(entry: Entry, related: Sequence[Entry] = (), disclaimer: bool = True) -> list[Block]:
    """One entry in full: question, answer, topics and "See also"."""
    body = split_lines([Run(clean_block(entry.answer))])
    if entry.topics:
        body.append(line(Run(f"Topics: {clean(', '.join(entry.topics))}", "dim")))
    for other in related:
        body.append(line(Run(f"See also: {clean(other.question)} ({clean(other.id)})", "dim")))
    title = line(Run(clean(entry.question), "strong"))
    blocks: list[Block] = [Panel(title, tuple(body), tags=(clean(entry.id),))]
    if disclaimer:
        blocks += [GAP, text(DISCLAIMER, style="dim")]
    return blocks


def unknown_id_view(entry_id: str, suggestions: Sequence[str], hints: Hints) -> Text:
    lines = [f"psoas: no entry with id {short(entry_id, 80)!r}"]
    if suggestions:
        lines.append("Did you mean: " + ", ".join(clean(s) for s in suggestions) + "?")
    lines.append(f"{hints.verb} {hints.command('list')} to see every id.")
    return text(*lines, to_stderr=True)


def exercises_view(
    exercises: Sequence[Exercise], dataset: Dataset, disclaimer: bool = True
) -> list[Block]:
    """Each exercise with its numbered steps and the question it comes from."""
    blocks: list[Block] = []
    for exercise in exercises:
        source = dataset.get(exercise.source_id)
        body = [
            line(Run(f"{number}. ", "strong"), clean(step))
            for number, step in enumerate(exercise.steps, start=1)
        ]
        origin = source.question if source else exercise.source_id
        body.append(line(Run(f"From: {clean(origin)}", "dim")))
        blocks += [Panel(line(Run(clean(exercise.name), "strong")), tuple(body), inset=2), GAP]
    ending = "Stop if anything hurts. " + (DISCLAIMER if disclaimer else "")
    blocks.append(text(ending.strip(), style="dim"))
    return blocks


def red_flags_view(flags: Sequence[RedFlag], emergency_line: str) -> list[Block]:
    """``psoas redflags``: each sign with its urgency, how warnings work, the numbers."""
    columns = (
        Column("urgency", wrap=False),
        Column("symptom"),
        Column("may mean"),
        Column("what to do"),
    )
    rows = tuple(
        (
            line(Run(clean(f.urgency), "alarm" if f.urgency == "emergency" else "caution")),
            line(clean(f.symptom)),
            line(clean(f.condition)),
            line(clean(f.advice)),
        )
        for f in flags
    )
    return [
        Table(columns, rows, layout="records"),
        text(HOW_WARNINGS_WORK, style="dim"),
        text(clean(emergency_line)),
    ]


# --- the overview -------------------------------------------------------------------------

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


def overview_view() -> list[Block]:
    """What ``psoas`` alone prints: the commands and one example each."""
    rows = tuple(
        (line(name), line(f"{purpose}:  ", Run(example, "command")))
        for name, purpose, example in OVERVIEW
    )
    return [
        text("psoas: answers to questions about the psoas muscle, hip flexors and back pain."),
        GAP,
        Table((Column("command", "command", wrap=False), Column("what")), rows, "aligned"),
        GAP,
        text("Run `psoas COMMAND --help` for a command's options."),
        text(DISCLAIMER, style="dim"),
    ]
