"""What the guided routine prints: countdown bars on a terminal, plain lines elsewhere.

:func:`routine_view` picks the view for stdout. Both print the same blocks (the plan,
the timings, the safety line, each exercise's own steps, a line for each hold and
rest, and a one-line summary), built here once; the terminal one adds a live
countdown bar and writes a step's line when the bar is done, the plain one writes it
as the step starts and flushes every line, so a log or a screen reader gets each step
as it happens.
"""

from __future__ import annotations

import math
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from psoas_cli.dataset import Exercise
from psoas_cli.render import clean, stdout_is_styled
from psoas_cli.render.model import GAP, Block, Panel, Run, Text, line, plain_text, text
from psoas_cli.render.plain import PlainPrinter
from psoas_cli.render.views import DISCLAIMER
from psoas_cli.routine import (
    DEFAULT_HOLD,
    DEFAULT_READY,
    DEFAULT_REST,
    RoutinePlan,
    RoutineStep,
    RoutineSummary,
    RoutineView,
)

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

SAFETY = "Stop if anything hurts. Press Ctrl-C to stop the routine."


def routine_view(styled: bool | None = None, bell: bool = False) -> RoutineView:
    """The view for stdout: live bars on a terminal, plain lines otherwise; ``bell``
    rings the terminal's bell at the end of each hold (only where stdout is one)."""
    if styled is None:
        styled = stdout_is_styled()
    return RichRoutineView(bell) if styled else PlainRoutineView(bell)


# --- the words, shared by both views ------------------------------------------------------


def duration(seconds: float) -> str:
    """A length of time as people say it: "45 s", "1 min 50 s", "2 min"."""
    if seconds < 60 or seconds != int(seconds):
        return f"{seconds:g} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def intro_lines(plan: RoutinePlan) -> list[str]:
    """The plan in brief, where the timings come from, and the safety line."""
    names = ", ".join(clean(x.name) for x in plan.exercises)
    rest = f"rest {duration(plan.rest)}" if plan.rest else "no rest"
    ready = f"{duration(plan.ready)} to get ready" if plan.ready else "no time to get ready"
    return [
        f"Guided routine: {names}; {_count(plan.rounds, 'round')}, "
        f"{_count(plan.total_holds, 'hold')}, about {duration(plan.total_seconds)}.",
        f"Hold {duration(plan.hold)}, {rest}, {ready} before each exercise. The FAQ gives no "
        f"durations: the defaults (hold {duration(DEFAULT_HOLD)}, rest "
        f"{duration(DEFAULT_REST)}, {duration(DEFAULT_READY)} to get ready) are the tool's "
        "own, to adjust with --hold, --rest and --ready.",
        SAFETY,
    ]


def exercise_title(exercise: Exercise, round_number: int, plan: RoutinePlan) -> str:
    title = clean(exercise.name)
    return f"{title} (round {round_number} of {plan.rounds})" if plan.rounds > 1 else title


def step_label(step: RoutineStep, plan: RoutinePlan | None = None, number: int = 0) -> str:
    """ "Get ready 5 s", "Hold 30 s", "Hold 30 s, left side" or "Rest 10 s"; a rest says
    what comes next ("Rest 10 s; next: Boat Pose") when it is told the ``plan`` and its
    step ``number``."""
    if step.kind == "ready":
        return f"Get ready {duration(step.seconds)}"
    label = f"{step.kind.capitalize()} {duration(step.seconds)}"
    if step.kind == "hold" and step.side:
        label += f", {clean(step.side)} side"
    after = plan.next_hold(number) if plan is not None and step.kind == "rest" else None
    if after is not None:
        label += f"; next: {clean(after.exercise.name)}"
        label += f", {clean(after.side)} side" if after.side else ""
    return label


def summary_line(summary: RoutineSummary) -> str:
    """ "Stopped after 2 of 6 holds (Psoas Stretch, Boat Pose)." or "Done: ..."."""
    holds = f"{summary.completed_holds} of {_count(summary.total_holds, 'hold')}"
    names = f" ({', '.join(clean(n) for n in summary.done_names)})" if summary.done_names else ""
    if summary.finished:
        return f"Done: {holds}{names}."
    return f"Stopped after {holds}{names}."


def intro_view(plan: RoutinePlan) -> list[Block]:
    first, timings, safety = intro_lines(plan)
    return [
        text(first, style="strong"),
        text(timings),
        text(safety, style="caution"),
        text(DISCLAIMER, style="dim"),
    ]


def exercise_view(exercise: Exercise, round_number: int, plan: RoutinePlan) -> list[Block]:
    body = tuple(
        line(Run(f"{number}. ", "strong"), clean(step))
        for number, step in enumerate(exercise.steps, start=1)
    )
    title = line(Run(exercise_title(exercise, round_number, plan), "strong"))
    return [GAP, Panel(title, body, inset=2)]


def step_view(label: str) -> Text:
    """A step's line: "  Hold 30 s."."""
    return text(f"  {label}.")


def summary_view(summary: RoutineSummary) -> list[Block]:
    return [GAP, text(summary_line(summary), style="done" if summary.finished else "caution")]


# --- plain lines --------------------------------------------------------------------------


class PlainRoutineView:
    """One line per event, flushed at once; no animation, no escape sequences (the
    bell only where stdout is a terminal)."""

    def __init__(self, bell: bool = False) -> None:
        self._printer = PlainPrinter()
        self._bell = bell

    def _show(self, blocks: list[Block]) -> None:
        self._printer.show(blocks)
        sys.stdout.flush()

    def begin(self, plan: RoutinePlan) -> None:
        self._show(intro_view(plan))

    def exercise(self, exercise: Exercise, round_number: int, plan: RoutinePlan) -> None:
        self._show(exercise_view(exercise, round_number, plan))

    def step_started(self, step: RoutineStep, number: int, plan: RoutinePlan) -> None:
        self._show([step_view(step_label(step, plan, number))])

    def tick(self, step: RoutineStep, remaining: float) -> None:
        pass

    def step_finished(self, step: RoutineStep) -> None:
        if self._bell and step.kind == "hold":
            ring(sys.stdout)

    def end(self, summary: RoutineSummary) -> None:
        self._show(summary_view(summary))


def ring(stream: TextIO) -> None:
    """The terminal's bell, if ``stream`` is a terminal: in a pipe or a log, BEL is
    only a stray control character."""
    isatty = getattr(stream, "isatty", None)
    if isatty and isatty():
        stream.write("\a")
        stream.flush()


# --- Rich -----------------------------------------------------------------------------------

#: the colour of each kind of step's bar
BAR_COLOURS = {"ready": "yellow", "hold": "green", "rest": "blue"}


class RichRoutineView:
    """The same blocks drawn by Rich, and a live bar counting down each step."""

    def __init__(self, bell: bool = False) -> None:
        from psoas_cli.render.styled import RichPrinter

        self._printer = RichPrinter()
        self._console = self._printer.console
        self._bell = bell
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._label = ""

    def begin(self, plan: RoutinePlan) -> None:
        self._printer.show(intro_view(plan))

    def exercise(self, exercise: Exercise, round_number: int, plan: RoutinePlan) -> None:
        self._printer.show(exercise_view(exercise, round_number, plan))

    def step_started(self, step: RoutineStep, number: int, plan: RoutinePlan) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        colour = BAR_COLOURS[step.kind]
        self._label = step_label(step, plan, number)
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=40, complete_style=colour, finished_style=colour),
            TextColumn("{task.fields[left]}", markup=False),
            console=self._console,
            transient=True,
            auto_refresh=False,
        )
        self._task = self._progress.add_task(
            self._label, total=step.seconds, left=_left(step.seconds)
        )
        with _signals_held():
            self._progress.start()

    def tick(self, step: RoutineStep, remaining: float) -> None:
        if self._progress is None or self._task is None:
            return
        self._progress.update(
            self._task,
            completed=step.seconds - remaining,
            left=_left(remaining),
            refresh=True,
        )

    def step_finished(self, step: RoutineStep) -> None:
        self._stop()
        # The step's line, which plain text writes as the step starts; a hold done is
        # ticked in the line's indent.
        shown = step_view(self._label)
        if step.kind == "hold":
            ticked = (Run("✓ ", "done"), Run(plain_text(shown.lines[0]).lstrip()))
            shown = Text((ticked,))
        self._printer.show([shown])
        if self._bell and step.kind == "hold":
            ring(sys.stdout)

    def end(self, summary: RoutineSummary) -> None:
        self._stop()
        self._printer.show(summary_view(summary))

    def _stop(self) -> None:
        if self._progress is not None:
            with _signals_held():
                self._progress.stop()
        self._progress = self._task = None


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while Rich starts or stops a live bar, and deliver
    them as soon as it is done: one that lands halfway (after the cursor is hidden,
    before Rich has hooked the bar in) leaves Rich unable to stop it, with a
    traceback and the cursor hidden."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _left(seconds: float) -> str:
    # Rounded up, as a countdown reads: "1 s left" until the very end.
    return f"{math.ceil(seconds)} s left"
