"""The command line: parse arguments, call the core, hand the result to render.

Every command is thin. Errors a user can cause (a bad data file, an empty query, an
unknown region) are raised by the core as its own exception types and turned here
into one line on stderr and an exit code. :func:`cli` is the one way out of every
command: it returns the exit code (:class:`psoas_cli.errors.ExitCode`), whatever
happened, and ``psoas_cli.__main__`` exits with it.
"""

# No ``from __future__ import annotations`` in this module: Typer reads every
# command's annotations on each start, and evaluated once at import they cost a third
# of what evaluating them from strings costs on every call (2.3 ms against 6.7 ms).

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from psoas_cli import __version__
from psoas_cli.errors import WRITE_ERRORS, ExitCode, OutputClosed, Terminated, output_failure

if TYPE_CHECKING:
    from psoas_cli.dataset import Dataset, Entry
    from psoas_cli.index import Index

#: answers shown by ``ask``, and after a warning, unless --limit says otherwise
DEFAULT_LIMIT, LIMIT_AFTER_WARNING = 3, 1
#: the guided routine's timings, in seconds (as psoas_cli.routine has them, which
#: cli.py does not import before a routine runs)
DEFAULT_HOLD, DEFAULT_REST, DEFAULT_READY = 30, 10, 5


class _Commands(TyperGroup):
    """Typer's command group, but a broken pipe leaves it as :class:`OutputClosed`:
    Typer itself would turn it into exit code 1, which a script reads as "no answer".
    Parsing is covered too, for what ``--help`` and ``-V`` print while it runs."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError as error:
            raise OutputClosed from error

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise OutputClosed from error


class _Command(TyperCommand):
    """Typer's command, with two things of its help put right: each paragraph of the
    docstring is one flowing paragraph (Typer keeps the docstring's line breaks after
    the first one), and a required argument reads ``ID``, not ``{ID}``, in the usage."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # Here, not in __init__: every call builds every command, few show their help.
        if self.help:
            self.help = _flowing(self.help)
        super().format_help(ctx, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


def _flowing(text: str) -> str:
    """A docstring's paragraphs with their line breaks made spaces; a paragraph that
    starts with ``\\b`` (the examples) keeps its lines."""
    import inspect  # already imported by Typer

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else p.replace("\n", " ") for p in paragraphs)


app = typer.Typer(
    name="psoas",
    cls=_Commands,
    help="Answers to questions about the psoas muscle, hip flexors and back pain, offline.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# --- completion of values ---------------------------------------------------------------
# What the shell's Tab offers for an entry id, a topic, an exercise or a region. Each
# reads the FAQ of --data (or PSOAS_DATA) when it comes before the value, else the
# bundled one, with no Rich and no RapidFuzz; a file that cannot be read offers
# nothing, quietly (the command itself will say why).

#: a value's description is offered (zsh, fish) only when this few values match
_DESCRIBED_UP_TO = 100


def _completion_dataset(ctx: typer.Context) -> "Dataset | None":
    from psoas_cli.errors import PsoasError

    data = (ctx.params or {}).get("data")
    try:
        if not data:
            from psoas_cli.dataset import load_bundled

            return load_bundled()
        from psoas_cli.store import open_indexed

        return open_indexed(data)[0]  # a stored index lists its ids without the file
    except (PsoasError, OSError, ValueError):
        return None


def _offered(values: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """The values that start with what was typed, with descriptions."""
    return [(value, help) for value, help in values if value.startswith(incomplete)]


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[Any]:
    dataset = _completion_dataset(ctx)
    if dataset is None:
        return []
    ids = [i for i in dataset.ids if i.startswith(incomplete)]
    if len(ids) > _DESCRIBED_UP_TO:
        return ids
    return [(i, entry.question if (entry := dataset.get(i)) else "") for i in ids]


def _complete_topics(ctx: typer.Context, incomplete: str) -> list[Any]:
    dataset = _completion_dataset(ctx)
    return _offered([(t, "") for t in dataset.topics], incomplete) if dataset else []


def _complete_exercises(ctx: typer.Context, incomplete: str) -> list[Any]:
    dataset = _completion_dataset(ctx)
    if dataset is None:
        return []
    return _offered([(x.id, x.name) for x in dataset.exercises], incomplete)


def _complete_regions(incomplete: str) -> list[Any]:
    from psoas_cli.triage import emergency_numbers

    regions = [(str(r["region"]), str(r["name"])) for r in emergency_numbers(None)]
    return _offered(regions, incomplete)


DataOption = Annotated[
    Optional[str],  # noqa: UP045 - Typer reads the annotation at run time
    typer.Option(
        "--data",
        envvar="PSOAS_DATA",
        metavar="FILE",
        show_default=False,
        help="Use this FAQ file (JSON, JSON Lines or CSV) instead of the bundled one.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document for programs.")]
MinScoreOption = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(
        "--min-score",
        min=0,
        max=100,
        show_default=False,
        help="Confidence (0-100) an answer needs to be shown \\[default: 35].",
    ),
]
RegionOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--region",
        envvar="PSOAS_REGION",
        metavar="CODE",
        show_default=False,
        autocompletion=_complete_regions,
        help="Your country for emergency numbers: uk, us, ca, eu, au or nz.",
    ),
]


def _usage_error(message: str) -> Exception:
    from psoas_cli.errors import PsoasError

    return PsoasError(message)


def _fail(message: str, code: int = ExitCode.USAGE) -> NoReturn:
    from psoas_cli import render

    render.error(message)
    raise typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the core's errors into a one-line message and exit code 2."""
    from psoas_cli.errors import PsoasError

    try:
        yield
    except PsoasError as error:
        _fail(str(error))


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"psoas {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Answers to questions about the psoas muscle, hip flexors and back pain, offline.

    \b
    Examples:
      psoas ask why does my lower back hurt
      psoas list
      psoas exercises
    """
    if ctx.invoked_subcommand is None:
        from psoas_cli import render

        render.overview()


def readable(text: str) -> str:
    """Text as it can be matched and printed: bytes that were not UTF-8 (which Python
    keeps in arguments as lone surrogates) become the replacement character."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _read_query(words: list[str] | None, data: str | None) -> str:
    from psoas_cli.limits import check_length, read_query

    text = " ".join(words or [])
    if text.strip() == "-":
        _say_what_is_read("the question: type it, then press")
        text = read_query(sys.stdin)
    else:
        text = check_length(text)
    text = readable(text).strip()
    if not text:
        if not data:
            example = "e.g. psoas ask why does my back hurt"
        else:  # the hint reads the same FAQ; a question about backs would not fit it
            import shlex

            example = f"psoas ask --data {shlex.quote(data)} YOUR QUESTION"
        raise _usage_error(f"empty query: say what you want to know, {example}")
    return text


def _say_what_is_read(what: str) -> None:
    """On a terminal, say on stderr what is read from stdin and how to end it: a
    command that waits in silence looks like one that hangs."""
    isatty = getattr(sys.stdin, "isatty", None)
    try:
        if not (isatty and isatty()):
            return
    except ValueError:  # a closed stream
        return
    from psoas_cli import render

    end = "Ctrl-Z and Enter" if sys.platform == "win32" else "Ctrl-D at the start of a line"
    render.notice(f"psoas: reading {what} {end}.")


def _answer_lines(
    dataset: "Dataset",
    index: "Index",
    limit: int,
    threshold: float,
    region: str | None,
    explain: bool,
) -> int:
    """``ask --batch``: one JSON line per stdin line. A line over the bound gets a JSON
    line of its own with the error, the batch goes on, and it ends with exit code 2
    (at once if the line is endless: see :data:`psoas_cli.limits.MAX_SKIPPED`)."""
    from psoas_cli import render
    from psoas_cli.answers import answer_query
    from psoas_cli.limits import QueryTooLong, read_lines

    code = ExitCode.OK
    _say_what_is_read("one question per line, each answered as one JSON line; to end, press")
    for number, line in enumerate(read_lines(sys.stdin), start=1):
        if line is None:
            problem = QueryTooLong(f"line {number}", "not answered")
            render.batch_error(number, str(problem))
            code = ExitCode.USAGE
            continue
        reply = answer_query(readable(line).strip(), dataset, index, limit, threshold)
        render.batch_line(render.answer_record(reply, region, explain))
    return code


def _threshold(min_score: float | None) -> float:
    from psoas_cli.matcher import DEFAULT_MIN_SCORE

    if min_score is None:
        return DEFAULT_MIN_SCORE
    if min_score != min_score:  # NaN passes Click's range check
        raise _usage_error("--min-score must be a number from 0 to 100")
    return min_score


@app.command(cls=_Command)
def ask(
    query: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(
            help="Your question, quoted or not; - reads it from stdin.", show_default=False
        ),
    ] = None,
    limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--limit",
            "-n",
            min=1,
            max=100,
            show_default=False,
            help="Show at most this many answers \\[default: 3; 1 after a warning].",
        ),
    ] = None,
    min_score: MinScoreOption = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show which words matched, and how, warnings included."),
    ] = False,
    batch: Annotated[
        bool,
        typer.Option("--batch", help="Answer one query per stdin line, one JSON line each."),
    ] = False,
    json_output: JsonOption = False,
    data: DataOption = None,
    region: RegionOption = None,
) -> None:
    """Find the answers to a question.

    Prints the best answers with a confidence score from 0 to 100, or says plainly
    that the FAQ has no answer (exit code 1). Symptoms that need a doctor are
    flagged first.

    \b
    Examples:
      psoas ask why does my lower back hurt
      psoas ask "psoas stretch" --limit 1
      psoas ask --json hip flexor pain
      echo "tight hip flexors" | psoas ask -
      psoas ask --batch --json < questions.txt
    """
    from psoas_cli import render
    from psoas_cli.answers import answer_query
    from psoas_cli.store import open_indexed
    from psoas_cli.triage import check_region, emergency_advice

    with _user_errors():
        threshold = _threshold(min_score)
        region = check_region(region)
        if batch and query:
            raise _usage_error("--batch reads the queries from stdin; give no query words")
        text = "" if batch else _read_query(query, data)
        dataset, index = open_indexed(data, render.indexing_progress, render.notice)
    if batch:
        with _user_errors():
            code = _answer_lines(dataset, index, limit or DEFAULT_LIMIT, threshold, region, explain)
        raise typer.Exit(code)
    styled = not json_output
    reply = answer_query(text, dataset, index, limit or DEFAULT_LIMIT, threshold, highlight=styled)
    if json_output:
        render.dump_json(render.answer_record(reply, region, explain))
    else:
        from psoas_cli.render.views import command_line_hints

        # The emergency numbers are looked up only when there is a warning to show.
        emergency_line = emergency_advice(region) if reply.flags else ""
        render.answer(
            reply,
            emergency_line=emergency_line,
            explain=explain,
            after_warning=limit or LIMIT_AFTER_WARNING,
            safety_net=data is None,
            hints=command_line_hints(data),
        )
    if not reply.answered:
        raise typer.Exit(ExitCode.NOT_FOUND)


@app.command("list", cls=_Command)
def list_entries(
    topic: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--topic",
            "-t",
            show_default=False,
            autocompletion=_complete_topics,
            help="Only entries with this topic (a plural, spaces or hyphens: as you like).",
        ),
    ] = None,
    json_output: JsonOption = False,
    data: DataOption = None,
) -> None:
    """List every question in the FAQ, with its id and topics.

    \b
    Examples:
      psoas list
      psoas list --topic release
      psoas list --json
    """
    from psoas_cli import render
    from psoas_cli.dataset import open_dataset

    with _user_errors():
        dataset = open_dataset(data)
    entries = list(dataset.entries)
    if topic is not None:
        entries = _with_topic(entries, topic)
    if json_output:
        render.dump_json(render.entry_records(entries))
    elif entries:
        render.entry_table(entries)
    if not entries:
        from psoas_cli.matcher import similar_ids

        topics = dataset.topics
        render.error(f"no entries with topic {render.short(topic or '', 60)!r}")
        suggestions = similar_ids(_topic_key(topic or ""), topics)
        if suggestions:
            render.notice(f"Did you mean: {', '.join(suggestions)}?")
        render.notice(f"Topics: {', '.join(topics) or 'none'}")
        raise typer.Exit(ExitCode.NOT_FOUND)


def _topic_key(topic: str) -> str:
    """A topic as a person means it: case, spaces or hyphens and a plural make no
    difference ("Lower back" is "lower-back", "exercise" is "exercises")."""
    from psoas_cli.analysis import light_stem, text_key

    return " ".join(light_stem(word) for word in text_key(topic).split())


def _with_topic(entries: list["Entry"], topic: str) -> list["Entry"]:
    wanted = _topic_key(topic)
    return [e for e in entries if any(_topic_key(t) == wanted for t in e.topics)]


@app.command(cls=_Command)
def show(
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            autocompletion=_complete_ids,
            help="The entry's id, as `psoas list` shows it.",
        ),
    ],
    json_output: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Show one entry in full.

    \b
    Examples:
      psoas show psoas-back-pain
      psoas show release-iliopsoas --json
    """
    from psoas_cli import render
    from psoas_cli.matcher import related_entries, similar_ids
    from psoas_cli.store import open_indexed

    with _user_errors():
        dataset, index = open_indexed(data, render.indexing_progress, render.notice)
    entry = dataset.get(entry_id.strip())
    if entry is None:
        from psoas_cli.render.views import command_line_hints

        render.unknown_id(entry_id, similar_ids(entry_id, dataset.ids), command_line_hints(data))
        raise typer.Exit(ExitCode.NOT_FOUND)
    if json_output:
        render.dump_json(render.entry_record(entry))
    else:
        render.entry_full(entry, related_entries(entry, dataset, index))


def _seconds(name: str, low: int, default: int, what: str) -> Any:
    return typer.Option(
        name,
        min=low,
        max=600,
        metavar="SECONDS",
        show_default=False,
        help=f"With --guide: {what} \\[default: {default}].",
    )


@app.command(cls=_Command)
def exercises(
    guide: Annotated[
        bool, typer.Option("--guide", help="Take you through them with a timer for each hold.")
    ] = False,
    hold: Annotated[
        Optional[int],  # noqa: UP045
        _seconds("--hold", 1, DEFAULT_HOLD, "seconds to hold each stretch (the FAQ gives none)"),
    ] = None,
    rest: Annotated[
        Optional[int],  # noqa: UP045
        _seconds("--rest", 0, DEFAULT_REST, "seconds of rest between holds"),
    ] = None,
    ready: Annotated[
        Optional[int],  # noqa: UP045
        _seconds("--ready", 0, DEFAULT_READY, "seconds to get into position before each exercise"),
    ] = None,
    rounds: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--rounds",
            min=1,
            max=20,
            show_default=False,
            help="With --guide: times through the whole set \\[default: 1].",
        ),
    ] = None,
    only: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--only",
            metavar="NAME",
            show_default=False,
            autocompletion=_complete_exercises,
            help="With --guide: only this exercise (id or name); repeat for more.",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", help="With --guide: no bell at the end of each hold."),
    ] = False,
    json_output: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Show the stretches from the FAQ, step by step, or guide you through them.

    With --guide: each exercise's steps, a few seconds to get ready, then a countdown
    for each hold (and each side) and each rest, which says what comes next; the
    terminal's bell rings at the end of each hold.

    \b
    Examples:
      psoas exercises
      psoas exercises --guide
      psoas exercises --guide --hold 45 --rest 15 --rounds 2
      psoas exercises --guide --only boat-pose --ready 10 --quiet
    """
    from psoas_cli import render
    from psoas_cli.dataset import open_dataset

    given = {
        "--hold": hold,
        "--rest": rest,
        "--ready": ready,
        "--rounds": rounds,
        "--only": only or None,
        "--quiet": quiet or None,
    }
    with _user_errors():
        if not guide and any(value is not None for value in given.values()):
            names = [name for name, value in given.items() if value is not None]
            apply = "applies" if len(names) == 1 else "apply"
            raise _usage_error(f"{' and '.join(names)} only {apply} to --guide; add --guide")
        dataset = open_dataset(data)
    if guide:
        if json_output:
            _fail("--guide and --json cannot be used together")
        _guide(dataset, given)
        return
    if json_output:
        render.dump_json(render.exercise_records(dataset.exercises))
        return
    if not dataset.exercises:
        render.notice("This dataset has no exercises.")
        return
    render.exercise_list(dataset.exercises, dataset)


def _guide(dataset: "Dataset", given: dict[str, Any]) -> None:
    """The routine, with the timings ``given`` (None where the default stands)."""
    from psoas_cli.render.routine import routine_view
    from psoas_cli.routine import DEFAULT_ROUNDS, build_plan, run_routine

    def value(name: str, default: int) -> int:
        return default if given[name] is None else int(given[name])

    with _user_errors():
        plan = build_plan(
            dataset.exercises,
            hold=value("--hold", DEFAULT_HOLD),
            rest=value("--rest", DEFAULT_REST),
            ready=value("--ready", DEFAULT_READY),
            rounds=value("--rounds", DEFAULT_ROUNDS),
            only=given["--only"],
        )
    summary = run_routine(plan, routine_view(bell=not given["--quiet"]))
    if not summary.finished:
        raise typer.Exit(ExitCode.INTERRUPTED)


@app.command(cls=_Command)
def chat(
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, max=100, help="Answers per question and per `more`."),
    ] = 3,
    min_score: MinScoreOption = None,
    data: DataOption = None,
    region: RegionOption = None,
    no_history: Annotated[
        bool,
        typer.Option(
            "--no-history", help="Neither recall nor keep the lines typed in earlier sessions."
        ),
    ] = False,
) -> None:
    """Ask one question after another in a session.

    Type a question, or: more, show N (answer N) or show ID, list, exercises,
    redflags, help, quit. Ctrl-D also leaves; Ctrl-C drops the line being typed. On a
    terminal the arrow keys recall earlier lines, kept in $XDG_STATE_HOME/psoas (else
    ~/.local/state/psoas). Piped in, it answers each line.

    \b
    Examples:
      psoas chat
      printf 'tight hip flexors\\nmore\\n' | psoas chat
    """
    from psoas_cli import render
    from psoas_cli.chat import run_chat
    from psoas_cli.store import open_indexed
    from psoas_cli.triage import emergency_advice

    with _user_errors():
        threshold = _threshold(min_score)
        emergency_line = emergency_advice(region)
        dataset, index = open_indexed(data, render.indexing_progress, render.notice)
    with _user_errors():  # stdin that cannot be read, or an endless line
        code = run_chat(
            dataset,
            index,
            emergency_line=emergency_line,
            limit=limit,
            min_score=threshold,
            safety_net=data is None,
            history=not no_history,
        )
    if code:
        raise typer.Exit(code)


@app.command(cls=_Command)
def tip(
    seed: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--seed", show_default=False, help="Pick the same entry each time for this number."
        ),
    ] = None,
    json_output: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Show one entry of the FAQ at random.

    \b
    Examples:
      psoas tip
      psoas tip --seed 7
    """
    from psoas_cli import render
    from psoas_cli.dataset import open_dataset
    from psoas_cli.tips import pick_tip

    with _user_errors():
        entry = pick_tip(open_dataset(data), seed)
    if json_output:
        render.dump_json(render.entry_record(entry))
    else:
        render.entry_full(entry)


@app.command(cls=_Command)
def redflags(
    json_output: JsonOption = False,
    region: RegionOption = None,
) -> None:
    """List the symptoms that need a doctor, and how urgently.

    \b
    Examples:
      psoas redflags
      psoas redflags --region uk
    """
    from psoas_cli import render
    from psoas_cli.triage import emergency_advice, load_red_flags

    with _user_errors():
        emergency_line = emergency_advice(region)
        flags = load_red_flags()
    if json_output:
        render.dump_json([render.red_flag_record(flag) for flag in flags])
    else:
        render.red_flag_list(flags, emergency_line)


@app.command("eval", cls=_Command)
def evaluate_queries(
    queries: Annotated[
        str,
        typer.Argument(
            metavar="QUERIES",
            help='JSON Lines: one {"query": ..., "relevant": \\[ids or questions]} per line.',
        ),
    ],
    min_score: MinScoreOption = None,
    json_output: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Measure how well the FAQ answers a file of labelled queries.

    An empty "relevant" list means the query should be declined. Prints top-1, top-3,
    MRR, declined and overall accuracy, and lists the misses.

    \b
    Examples:
      psoas eval my-queries.jsonl
      psoas eval my-queries.jsonl --data my-faq.csv --json
    """
    from pathlib import Path

    from psoas_cli import render
    from psoas_cli.evaluate import evaluate, load_labelled
    from psoas_cli.store import open_indexed

    with _user_errors():
        threshold = _threshold(min_score)
        dataset, index = open_indexed(data, render.indexing_progress, render.notice)
        rows = load_labelled(Path(queries), dataset)
    report = evaluate(rows, dataset, index, min_score=threshold)
    if json_output:
        render.dump_json(render.eval_record(report))
    else:
        render.eval_report(report)


def cli(args: list[str] | None = None) -> int:
    """Run one psoas command (``args``, else the process's own) and return its exit code.

    Every way out ends here: a command's own code, Typer's usage errors (2), Ctrl-C
    (130), SIGTERM (143, after the same clean-up as Ctrl-C), a reader that went away
    (141, silently) and output that cannot be written (74, one line on stderr).
    """
    _bound_typers_width()
    terminated = _stop_on_sigterm()
    try:
        code = _run(args)
    except OutputClosed:
        return ExitCode.BROKEN_PIPE
    except OSError as error:
        if not isinstance(error, BrokenPipeError) and error.errno not in WRITE_ERRORS:
            raise
        return output_failure(error)
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    # Typer and the routine report any interruption as 130; SIGTERM is told apart here.
    return ExitCode.TERMINATED if terminated() else code


def _stop_on_sigterm() -> Callable[[], bool]:
    """Make SIGTERM stop psoas as Ctrl-C does (the routine restores the cursor, the
    indexing child is stopped), and tell afterwards whether it came."""
    import signal

    received: list[int] = []

    def on_sigterm(number: int, frame: object) -> None:
        received.append(number)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second one ends psoas at once
        raise Terminated

    signal.signal(signal.SIGTERM, on_sigterm)
    return lambda: bool(received)


def _run(args: list[str] | None) -> int:
    try:
        # Not standalone: Typer hands back the exit code, and the errors it would have
        # ended the process on, instead of calling sys.exit itself.
        result = app(args=args, standalone_mode=False)
    except typer.Abort:
        return ExitCode.INTERRUPTED
    except SystemExit as done:
        if isinstance(done.__context__, BrokenPipeError):  # Rich's way out (Typer's help)
            return ExitCode.BROKEN_PIPE
        # shell completion leaves this way
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    except Exception as error:
        code = getattr(error, "exit_code", None)
        if not (isinstance(code, int) and hasattr(error, "show")):
            raise
        _show_usage_error(error)  # a bad option or value: Typer's own message, exit 2
        return code
    return result if isinstance(result, int) else ExitCode.OK


def _bound_typers_width() -> None:
    """Keep Typer's help and usage errors within psoas's widths: drawn at ``COLUMNS``,
    they are empty below 5 columns and 29 MB at a million. ``TERMINAL_WIDTH`` is
    Typer's own setting for the width; one the user set is left alone."""
    import os

    columns = os.environ.get("COLUMNS", "")
    if not columns.isdigit() or "TERMINAL_WIDTH" in os.environ:
        return
    from psoas_cli.render import MAX_WIDTH, MIN_WIDTH

    if not MIN_WIDTH <= int(columns) <= MAX_WIDTH:
        os.environ["TERMINAL_WIDTH"] = str(min(max(int(columns), MIN_WIDTH), MAX_WIDTH))


def _show_usage_error(error: Exception) -> None:
    """Typer's message for a mistyped command line, in its boxed form."""
    try:
        from typer import rich_utils

        rich_utils.rich_format_error(error)  # type: ignore[arg-type]
    except ImportError:
        error.show()  # type: ignore[attr-defined]
    except (OSError, SystemExit):  # stderr is gone: the exit code still says it
        pass
