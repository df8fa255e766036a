"""The guided stretching routine: a timed plan through the dataset's exercises.

The plan is built first, as frozen :class:`RoutineStep` values, so it can be checked
without a clock or a screen. :func:`run_routine` then walks it against a :class:`Clock`
and tells a :class:`RoutineView` what happens; the view (in
:mod:`psoas_cli.render.routine`) is the only part that prints. Tests pass a clock whose
``sleep`` only moves its own time forward, so a whole routine runs in milliseconds.

The FAQ gives the exercises' steps but no durations, so hold and rest times are the
tool's defaults and the user's to change; nothing here adds an instruction of its own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from psoas_cli.analysis import text_key
from psoas_cli.dataset import Exercise
from psoas_cli.errors import PsoasError

DEFAULT_HOLD = 30
DEFAULT_REST = 10
#: seconds to get into position before an exercise's first hold
DEFAULT_READY = 5
DEFAULT_ROUNDS = 1
#: How often (seconds) the view is told the time left: often enough for a smooth bar.
TICK = 0.1


class RoutineError(PsoasError, ValueError):
    """A routine that cannot be built (unknown exercise, bad timing), fit to show a user."""


@dataclass(frozen=True)
class RoutineStep:
    """One timed stretch of the routine: getting ready for an exercise, holding it (on
    one side), or resting."""

    kind: Literal["ready", "hold", "rest"]
    exercise: Exercise
    side: str | None
    round: int
    seconds: float


@dataclass(frozen=True)
class RoutinePlan:
    """Every step of a routine, in order, with the settings it was built from."""

    exercises: tuple[Exercise, ...]
    steps: tuple[RoutineStep, ...]
    hold: float
    rest: float
    rounds: int
    ready: float = 0

    @property
    def total_holds(self) -> int:
        return sum(1 for step in self.steps if step.kind == "hold")

    @property
    def total_seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    def next_hold(self, number: int) -> RoutineStep | None:
        """The first hold after step ``number`` (counted from 1): what a rest is before."""
        return next((step for step in self.steps[number:] if step.kind == "hold"), None)


@dataclass(frozen=True)
class RoutineSummary:
    """What was done: the CLI exits 130 when the routine did not finish (Ctrl-C), 143
    when SIGTERM stopped it."""

    completed_holds: int
    total_holds: int
    finished: bool
    #: names of the exercises with at least one completed hold, in the order done
    done_names: tuple[str, ...] = ()


class Clock(Protocol):
    """Where the routine's time comes from; injectable so tests never sleep."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real time: a monotonic clock, so a change of the wall clock cannot stretch a hold."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class FakeClock:
    """A clock whose sleep moves its own time forward at once, for tests and previews."""

    def __init__(self, start: float = 0.0) -> None:
        self.time = start
        self.slept = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds
        self.slept += seconds


class RoutineView(Protocol):
    """What a routine shows; :mod:`psoas_cli.render.routine` draws it."""

    def begin(self, plan: RoutinePlan) -> None:
        """Before the first step: the plan, the timings and the safety line."""

    def exercise(self, exercise: Exercise, round_number: int, plan: RoutinePlan) -> None:
        """An exercise starts (again, in a later round): its name and steps."""

    def step_started(self, step: RoutineStep, number: int, plan: RoutinePlan) -> None:
        """A get-ready, a hold or a rest starts; ``number`` counts steps from 1."""

    def tick(self, step: RoutineStep, remaining: float) -> None:
        """Seconds left in the current step, several times a second."""

    def step_finished(self, step: RoutineStep) -> None:
        """The current step ran its full time."""

    def end(self, summary: RoutineSummary) -> None:
        """After the last step or an interruption: close any live display, sum up."""


def select_exercises(
    exercises: Sequence[Exercise], only: Iterable[str] | None = None
) -> tuple[Exercise, ...]:
    """The exercises to do: all of them, or those named in ``only``, in the order named.

    A name matches an exercise's id or name, ignoring case and spacing; one value may
    hold several names separated by commas ("boat-pose, psoas stretch").
    """
    if not exercises:
        raise RoutineError("this dataset has no exercises")
    wanted = [name.strip() for value in only or () for name in value.split(",")]
    wanted = [name for name in wanted if name]
    if not wanted:
        return tuple(exercises)
    by_key: dict[str, Exercise] = {}
    for exercise in exercises:
        by_key.setdefault(text_key(exercise.id), exercise)
        by_key.setdefault(text_key(exercise.name), exercise)
    unknown = [name for name in wanted if text_key(name) not in by_key]
    if unknown:
        valid = ", ".join(f"{x.id} ({x.name})" for x in exercises)
        names = ", ".join(repr(name) for name in unknown)
        plural = "exercises" if len(unknown) > 1 else "exercise"
        raise RoutineError(f"unknown {plural} {names}; choose from: {valid}")
    chosen = (by_key[text_key(name)] for name in wanted)
    return tuple(dict.fromkeys(chosen))


def _check_times(hold: float, rest: float, ready: float, rounds: int) -> None:
    """RoutineError unless the times are finite seconds and rounds a whole number."""
    if not (isinstance(hold, int | float) and math.isfinite(hold) and hold > 0):
        raise RoutineError(f"hold time must be more than 0 seconds, not {hold!r}")
    if not (isinstance(rest, int | float) and math.isfinite(rest) and rest >= 0):
        raise RoutineError(f"rest time must be 0 seconds or more, not {rest!r}")
    if not (isinstance(ready, int | float) and math.isfinite(ready) and ready >= 0):
        raise RoutineError(f"time to get ready must be 0 seconds or more, not {ready!r}")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise RoutineError(f"rounds must be a whole number, 1 or more, not {rounds!r}")


def build_plan(
    exercises: Sequence[Exercise],
    *,
    hold: float = DEFAULT_HOLD,
    rest: float = DEFAULT_REST,
    rounds: int = DEFAULT_ROUNDS,
    only: Iterable[str] | None = None,
    ready: float = DEFAULT_READY,
) -> RoutinePlan:
    """The routine's steps: each exercise held once per side, a rest between holds,
    and ``ready`` seconds to get into position before each exercise (in each round).

    There is no rest after the last hold (nothing follows it) and none at all when
    ``rest`` is 0; no time to get ready when ``ready`` is 0.
    """
    _check_times(hold, rest, ready, rounds)
    chosen = select_exercises(exercises, only)
    holds = [
        RoutineStep("hold", exercise, side, round_number, hold)
        for round_number in range(1, rounds + 1)
        for exercise in chosen
        for side in (exercise.sides or (None,))
    ]
    steps: list[RoutineStep] = []
    for number, step in enumerate(holds):
        before = holds[number - 1] if number else None
        starts = before is None or (before.exercise, before.round) != (step.exercise, step.round)
        if ready > 0 and starts:
            steps.append(RoutineStep("ready", step.exercise, step.side, step.round, ready))
        steps.append(step)
        if rest > 0 and number < len(holds) - 1:
            steps.append(RoutineStep("rest", step.exercise, step.side, step.round, rest))
    return RoutinePlan(chosen, tuple(steps), hold, rest, rounds, ready)


def run_routine(plan: RoutinePlan, view: RoutineView, clock: Clock | None = None) -> RoutineSummary:
    """Walk the plan in real time (or the clock's time), telling the view as it goes.

    Ctrl-C (KeyboardInterrupt, and SIGTERM, which the CLI raises as one) stops the
    routine rather than the program, and the view restores the cursor: the summary
    comes back with ``finished=False`` and counts only holds that ran their full time,
    so the CLI can show what was done and exit 130.
    """
    clock = clock or SystemClock()
    completed: list[RoutineStep] = []
    finished = False
    try:
        view.begin(plan)
        shown: tuple[str, int] | None = None
        for number, step in enumerate(plan.steps, start=1):
            if step.kind != "rest" and shown != (step.exercise.id, step.round):
                shown = (step.exercise.id, step.round)
                view.exercise(step.exercise, step.round, plan)
            view.step_started(step, number, plan)
            _count_down(step, view, clock)
            view.step_finished(step)
            if step.kind == "hold":
                completed.append(step)
        finished = True
    except KeyboardInterrupt:
        pass
    summary = RoutineSummary(
        completed_holds=len(completed),
        total_holds=plan.total_holds,
        finished=finished,
        done_names=tuple(dict.fromkeys(step.exercise.name for step in completed)),
    )
    view.end(summary)
    return summary


def _count_down(step: RoutineStep, view: RoutineView, clock: Clock) -> None:
    # The end time is fixed up front, so time spent drawing does not lengthen a hold.
    end = clock.now() + step.seconds
    while (remaining := end - clock.now()) > 0:
        view.tick(step, remaining)
        clock.sleep(min(TICK, remaining))
    view.tick(step, 0.0)
