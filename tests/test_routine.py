"""The guided routine: the plan, the timed run against a fake clock, and its output."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pytest

from psoas_cli.dataset import Exercise, load_bundled
from psoas_cli.render import routine as view_module
from psoas_cli.render.views import DISCLAIMER
from psoas_cli.routine import (
    TICK,
    FakeClock,
    RoutineError,
    RoutinePlan,
    RoutineStep,
    RoutineSummary,
    SystemClock,
    build_plan,
    run_routine,
    select_exercises,
)

STRETCH = Exercise("psoas-stretch", "Psoas Stretch", ("Lie on your back.",), "src")
BOAT = Exercise("boat-pose", "Boat Pose", ("Sit.", "Lift your shins."), "src")
LUNGE = Exercise("lunge", "Side Lunge", ("Step forward.",), "src", sides=("left", "right"))


@pytest.fixture(autouse=True)
def _no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real sleep fails the test: the routine must run on the injected clock."""

    def refuse(seconds: float) -> None:
        raise AssertionError(f"a test slept for real ({seconds} s)")

    monkeypatch.setattr(time, "sleep", refuse)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@dataclass
class RecordingView:
    """A view that writes down what it was told, instead of drawing it."""

    events: list[tuple[object, ...]] = field(default_factory=list)
    ticks: dict[int, list[float]] = field(default_factory=dict)
    summary: RoutineSummary | None = None

    def begin(self, plan: RoutinePlan) -> None:
        self.events.append(("begin", plan.total_holds))

    def exercise(self, exercise: Exercise, round_number: int, plan: RoutinePlan) -> None:
        self.events.append(("exercise", exercise.id, round_number))

    def step_started(self, step: RoutineStep, number: int, plan: RoutinePlan) -> None:
        self.events.append(("start", number, step.kind, step.exercise.id, step.side))
        self.ticks[number] = []
        self._number = number

    def tick(self, step: RoutineStep, remaining: float) -> None:
        self.ticks[self._number].append(remaining)

    def step_finished(self, step: RoutineStep) -> None:
        self.events.append(("finish", self._number))

    def end(self, summary: RoutineSummary) -> None:
        self.events.append(("end",))
        self.summary = summary


class InterruptingClock(FakeClock):
    """A fake clock on which Ctrl-C arrives once ``at`` seconds have passed."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if self.time >= self.at:
            raise KeyboardInterrupt


def _shape(plan: RoutinePlan) -> list[tuple[str, str, str | None, int]]:
    return [(s.kind, s.exercise.id, s.side, s.round) for s in plan.steps]


# --- the plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercises", "rounds", "rest", "expected"),
    [
        pytest.param(
            (STRETCH, BOAT),
            1,
            10,
            [
                ("hold", "psoas-stretch", None, 1),
                ("rest", "psoas-stretch", None, 1),
                ("hold", "boat-pose", None, 1),
            ],
            id="no rest after the last hold",
        ),
        pytest.param(
            (STRETCH, BOAT),
            1,
            0,
            [("hold", "psoas-stretch", None, 1), ("hold", "boat-pose", None, 1)],
            id="rest 0 means no rests",
        ),
        pytest.param(
            (LUNGE,),
            1,
            5,
            [
                ("hold", "lunge", "left", 1),
                ("rest", "lunge", "left", 1),
                ("hold", "lunge", "right", 1),
            ],
            id="one hold per side",
        ),
        pytest.param(
            (STRETCH, LUNGE),
            2,
            0,
            [
                ("hold", "psoas-stretch", None, 1),
                ("hold", "lunge", "left", 1),
                ("hold", "lunge", "right", 1),
                ("hold", "psoas-stretch", None, 2),
                ("hold", "lunge", "left", 2),
                ("hold", "lunge", "right", 2),
            ],
            id="rounds repeat the whole sequence",
        ),
        pytest.param(
            (STRETCH,),
            1,
            10,
            [("hold", "psoas-stretch", None, 1)],
            id="a single hold",
        ),
    ],
)
def test_plan_steps(
    exercises: tuple[Exercise, ...], rounds: int, rest: int, expected: list[tuple[object, ...]]
) -> None:
    plan = build_plan(exercises, hold=20, rest=rest, rounds=rounds, ready=0)
    assert _shape(plan) == expected
    assert plan.total_holds == sum(1 for kind, *_ in expected if kind == "hold")
    assert all(s.seconds == (20 if s.kind == "hold" else rest) for s in plan.steps)


def test_plan_defaults_and_total_time() -> None:
    plan = build_plan(load_bundled().exercises)
    assert (plan.hold, plan.rest, plan.rounds, plan.ready) == (30, 10, 1, 5)
    assert [x.name for x in plan.exercises] == ["Psoas Stretch", "Boat Pose", "Upper Psoas Release"]
    assert plan.total_holds == 3
    assert plan.total_seconds == 3 * 30 + 2 * 10 + 3 * 5


def test_a_get_ready_comes_before_each_exercise_in_each_round() -> None:
    plan = build_plan((STRETCH, LUNGE), hold=20, rest=10, rounds=2, ready=4)
    assert _shape(plan) == [
        ("ready", "psoas-stretch", None, 1),
        ("hold", "psoas-stretch", None, 1),
        ("rest", "psoas-stretch", None, 1),
        ("ready", "lunge", "left", 1),
        ("hold", "lunge", "left", 1),
        ("rest", "lunge", "left", 1),
        ("hold", "lunge", "right", 1),  # the other side: no new get-ready
        ("rest", "lunge", "right", 1),
        ("ready", "psoas-stretch", None, 2),
        ("hold", "psoas-stretch", None, 2),
        ("rest", "psoas-stretch", None, 2),
        ("ready", "lunge", "left", 2),
        ("hold", "lunge", "left", 2),
        ("rest", "lunge", "left", 2),
        ("hold", "lunge", "right", 2),
    ]
    assert [s.seconds for s in plan.steps if s.kind == "ready"] == [4] * 4
    assert plan.total_seconds == 6 * 20 + 5 * 10 + 4 * 4
    # what each rest comes before
    rests = [n for n, s in enumerate(plan.steps, start=1) if s.kind == "rest"]
    assert [(plan.next_hold(n).exercise.id, plan.next_hold(n).side) for n in rests] == [
        ("lunge", "left"),
        ("lunge", "right"),
        ("psoas-stretch", None),
        ("lunge", "left"),
        ("lunge", "right"),
    ]
    assert plan.next_hold(len(plan.steps)) is None


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        (None, ["psoas-stretch", "boat-pose", "lunge"]),
        ([], ["psoas-stretch", "boat-pose", "lunge"]),
        (["boat-pose"], ["boat-pose"]),
        (["BOAT POSE"], ["boat-pose"]),
        (["  boat   pose "], ["boat-pose"]),
        (["side-lunge"], ["lunge"]),
        (["lunge", "psoas stretch"], ["lunge", "psoas-stretch"]),
        (["lunge, Psoas-Stretch"], ["lunge", "psoas-stretch"]),
        (["boat-pose", "Boat Pose"], ["boat-pose"]),
    ],
)
def test_select_exercises(only: list[str] | None, expected: list[str]) -> None:
    chosen = select_exercises((STRETCH, BOAT, LUNGE), only)
    assert [x.id for x in chosen] == expected


def test_unknown_exercise_lists_the_valid_names() -> None:
    with pytest.raises(RoutineError) as caught:
        select_exercises((STRETCH, BOAT), ["boat-pose", "pigeon", "cobra"])
    message = str(caught.value)
    assert "'pigeon'" in message and "'cobra'" in message
    assert "psoas-stretch (Psoas Stretch)" in message and "boat-pose (Boat Pose)" in message
    assert isinstance(caught.value, ValueError)


def test_no_exercises_is_an_error() -> None:
    with pytest.raises(RoutineError, match="no exercises"):
        build_plan(())


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"hold": 0}, "hold time"),
        ({"hold": -5}, "hold time"),
        ({"hold": float("nan")}, "hold time"),
        ({"rest": -1}, "rest time"),
        ({"rest": float("inf")}, "rest time"),
        ({"ready": -1}, "get ready"),
        ({"rounds": 0}, "rounds"),
        ({"rounds": 1.5}, "rounds"),
    ],
)
def test_bad_timings_are_refused(settings: dict[str, float], words: str) -> None:
    with pytest.raises(RoutineError, match=words):
        build_plan((STRETCH,), **settings)  # type: ignore[arg-type]


# --- the timed run ------------------------------------------------------------------------


def test_run_walks_the_plan_in_order_on_the_clock() -> None:
    plan = build_plan((STRETCH, LUNGE), hold=3, rest=2, rounds=2, ready=1)
    clock, view = FakeClock(), RecordingView()
    summary = run_routine(plan, view, clock)

    assert summary == RoutineSummary(6, 6, True, ("Psoas Stretch", "Side Lunge"))
    assert view.summary == summary
    assert clock.slept == pytest.approx(plan.total_seconds)
    starts = [e for e in view.events if e[0] == "start"]
    assert [(e[2], e[3], e[4]) for e in starts] == [
        (s.kind, s.exercise.id, s.side) for s in plan.steps
    ]
    # each exercise's steps are shown once per round, before its get-ready
    assert [e for e in view.events if e[0] == "exercise"] == [
        ("exercise", "psoas-stretch", 1),
        ("exercise", "lunge", 1),
        ("exercise", "psoas-stretch", 2),
        ("exercise", "lunge", 2),
    ]
    assert view.events[0] == ("begin", 6) and view.events[-1] == ("end",)


def test_countdown_ticks_down_to_zero() -> None:
    plan = build_plan((STRETCH,), hold=2, rest=0, ready=0)
    view = RecordingView()
    run_routine(plan, view, FakeClock())
    ticks = view.ticks[1]
    assert ticks[0] == pytest.approx(2.0)
    assert ticks[-1] == 0.0
    assert ticks == sorted(ticks, reverse=True)
    assert len(ticks) == pytest.approx(2 / TICK + 1, abs=2)


class LateClock(FakeClock):
    """A clock whose every sleep oversleeps, as a busy machine's would."""

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds + 0.03)


def test_oversleeping_does_not_stretch_a_hold() -> None:
    plan = build_plan((STRETCH, BOAT), hold=5, rest=1)
    clock = LateClock()
    run_routine(plan, RecordingView(), clock)
    # at most one late tick per step, not one per tick
    assert clock.time <= plan.total_seconds + len(plan.steps) * 0.03 + 1e-9


@pytest.mark.parametrize(
    ("interrupt_at", "completed", "names"),
    [
        (0.05, 0, ()),  # during the first hold
        (3.5, 1, ("Psoas Stretch",)),  # during the first rest
        (5.5, 1, ("Psoas Stretch",)),  # during the second hold
        (9.5, 2, ("Psoas Stretch", "Side Lunge")),  # the lunge's right side
        (14.5, 3, ("Psoas Stretch", "Side Lunge")),
    ],
)
def test_ctrl_c_stops_with_a_summary(
    interrupt_at: float, completed: int, names: tuple[str, ...]
) -> None:
    # hold 3, rest 1: holds end at 3, 7, 11, 15
    plan = build_plan((STRETCH, LUNGE, BOAT), hold=3, rest=1, ready=0)
    view = RecordingView()
    summary = run_routine(plan, view, InterruptingClock(interrupt_at))
    assert summary == RoutineSummary(completed, 4, False, names)
    assert view.summary == summary
    assert view.events[-1] == ("end",)


def test_ctrl_c_inside_the_view_is_caught_too() -> None:
    class FragileView(RecordingView):
        def step_started(self, step: RoutineStep, number: int, plan: RoutinePlan) -> None:
            if number == 3:
                raise KeyboardInterrupt
            super().step_started(step, number, plan)

    plan = build_plan((STRETCH, BOAT), hold=1, rest=1, ready=0)
    summary = run_routine(plan, FragileView(), FakeClock())
    assert (summary.completed_holds, summary.finished) == (1, False)


def test_system_clock_uses_monotonic_time(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    monkeypatch.setattr(time, "monotonic", lambda: 123.5)
    clock = SystemClock()
    clock.sleep(0.25)
    assert (clock.now(), slept) == (123.5, [0.25])


# --- what it prints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.5, "0.5 s"),
        (10, "10 s"),
        (59, "59 s"),
        (60, "1 min"),
        (110, "1 min 50 s"),
        (230, "3 min 50 s"),
        (90.5, "90.5 s"),
    ],
)
def test_duration(seconds: float, text: str) -> None:
    assert view_module.duration(seconds) == text


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        (
            RoutineSummary(2, 6, False, ("Psoas Stretch", "Boat Pose")),
            "Stopped after 2 of 6 holds (Psoas Stretch, Boat Pose).",
        ),
        (RoutineSummary(0, 3, False), "Stopped after 0 of 3 holds."),
        (RoutineSummary(1, 1, True, ("Boat Pose",)), "Done: 1 of 1 hold (Boat Pose)."),
        (RoutineSummary(3, 3, True, ("A\x1b[31m",)), "Done: 3 of 3 holds (A\\x1b[31m)."),
    ],
)
def test_summary_line(summary: RoutineSummary, line: str) -> None:
    assert view_module.summary_line(summary) == line


def test_plain_output_is_the_data_plus_timings(capsys: pytest.CaptureFixture[str]) -> None:
    plan = build_plan((BOAT, LUNGE), hold=30, rest=10)
    summary = run_routine(plan, view_module.routine_view(), FakeClock())
    out = capsys.readouterr().out
    assert out == (
        "Guided routine: Boat Pose, Side Lunge; 1 round, 3 holds, about 2 min.\n"
        "Hold 30 s, rest 10 s, 5 s to get ready before each exercise. The FAQ gives no "
        "durations: the defaults (hold 30 s, rest 10 s, 5 s to get ready) are the tool's own, "
        "to adjust with --hold, --rest and --ready.\n"
        "Stop if anything hurts. Press Ctrl-C to stop the routine.\n"
        f"{DISCLAIMER}\n"
        "\n"
        "Boat Pose\n"
        "  1. Sit.\n"
        "  2. Lift your shins.\n"
        "  Get ready 5 s.\n"
        "  Hold 30 s.\n"
        "  Rest 10 s; next: Side Lunge, left side.\n"
        "\n"
        "Side Lunge\n"
        "  1. Step forward.\n"
        "  Get ready 5 s.\n"
        "  Hold 30 s, left side.\n"
        "  Rest 10 s; next: Side Lunge, right side.\n"
        "  Hold 30 s, right side.\n"
        "\n"
        "Done: 3 of 3 holds (Boat Pose, Side Lunge).\n"
    )
    assert "\x1b" not in out and summary.finished


def test_plain_output_names_rounds_and_the_stop(capsys: pytest.CaptureFixture[str]) -> None:
    plan = build_plan((STRETCH,), hold=2, rest=1, rounds=3, ready=0)
    run_routine(plan, view_module.routine_view(styled=False), InterruptingClock(3.5))
    out = capsys.readouterr().out
    assert "Psoas Stretch (round 1 of 3)\n" in out and "Psoas Stretch (round 2 of 3)\n" in out
    assert "round 3 of 3" not in out
    assert out.endswith("\nStopped after 1 of 3 holds (Psoas Stretch).\n")


HOSTILE = Exercise("x", "[bold]Odd[/] \x1b[2J", ("Step [red]one[/]\x07",), "src", ("[l]",))


def test_plain_output_escapes_data(capsys: pytest.CaptureFixture[str]) -> None:
    run_routine(build_plan((HOSTILE,), hold=1), view_module.routine_view(False), FakeClock())
    out = capsys.readouterr().out
    assert "[bold]Odd[/] \\x1b[2J" in out
    assert "  1. Step [red]one[/]\\x07" in out
    assert "Hold 1 s, [l] side." in out
    assert "\x1b" not in out and "\x07" not in out


def test_rich_view_draws_the_same_facts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    view = view_module.routine_view()
    assert isinstance(view, view_module.RichRoutineView)
    summary = run_routine(build_plan((HOSTILE, BOAT), hold=2, rest=1), view, FakeClock())
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().out)
    assert summary.finished
    # markup in the data prints as itself, and its escape sequences are shown, not obeyed
    assert "[bold]Odd[/] \\x1b[2J" in out and "Step [red]one[/]\\x07" in out
    assert "1. Sit." in out and "2. Lift your shins." in out
    assert "✓ Hold 2 s, [l] side." in out and "✓ Hold 2 s." in out
    assert "  Rest 1 s; next: Boat Pose." in out and "  Get ready 5 s." in out
    assert "Stop if anything hurts." in out and "--hold, --rest and --ready" in out
    assert "2 s left" in out
    assert "Done: 2 of 2 holds" in out


def test_plain_view_when_not_a_terminal() -> None:
    assert isinstance(view_module.routine_view(), view_module.PlainRoutineView)
    assert isinstance(view_module.routine_view(styled=True), view_module.RichRoutineView)
