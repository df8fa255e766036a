"""The session commands through the command line: the guided routine, chat and tip."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import psoas_cli.routine
from psoas_cli.dataset import load_file
from psoas_cli.routine import FakeClock

HOLD_LINE = re.compile(r"^\s+Hold (\d+) s(?:, \w+ side)?\.$", re.MULTILINE)
REST_LINE = re.compile(r"^\s+Rest (\d+) s; next: [\w ,]+\.$", re.MULTILINE)
READY_LINE = re.compile(r"^\s+Get ready (\d+) s\.$", re.MULTILINE)


# --------------------------------------------------------------------------- the guide


class RecordingClock(FakeClock):
    """A fake clock that keeps every instance, so a test can read the time it slept."""

    made: list[RecordingClock] = []

    def __init__(self, start: float = 0.0) -> None:
        super().__init__(start)
        RecordingClock.made.append(self)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> type[RecordingClock]:
    """Make the routine's real-time clock instant."""
    RecordingClock.made = []
    monkeypatch.setattr(psoas_cli.routine, "SystemClock", RecordingClock)
    return RecordingClock


def _holds_per_round(bundled) -> int:
    return sum(len(x.sides) or 1 for x in bundled.exercises)


def test_guide_runs_every_exercise_in_order(run, bundled, clock):
    result = run("exercises", "--guide")
    assert result.exit_code == 0, result.output
    out = result.stdout
    names = [x.name for x in bundled.exercises]
    assert len(names) >= 2
    positions = [out.index(f"\n{name}\n") for name in names]
    assert positions == sorted(positions)
    for exercise in bundled.exercises:
        for number, step in enumerate(exercise.steps, start=1):
            assert f"{number}. {step}" in out
    holds = len(HOLD_LINE.findall(out))
    assert holds == _holds_per_round(bundled)
    assert set(HOLD_LINE.findall(out)) == {"30"}
    assert len(REST_LINE.findall(out)) == holds - 1
    assert READY_LINE.findall(out) == ["5"] * len(names)
    assert f"Done: {holds} of {holds} holds" in out
    [made] = clock.made
    assert made.slept == pytest.approx(30 * holds + 10 * (holds - 1) + 5 * len(names))


def test_guide_says_the_timings_are_adjustable_and_to_stop_if_it_hurts(run, clock):
    out = run("exercises", "--guide").stdout
    assert "--hold" in out and "--rest" in out
    assert "defaults" in out
    assert "Stop if anything hurts" in out
    assert "\x1b[" not in out


def test_guide_timings_and_rounds_change_the_plan(run, bundled, clock):
    result = run(
        "exercises", "--guide", "--hold", "5", "--rest", "0", "--rounds", "2", "--ready", "2"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    per_round = _holds_per_round(bundled)
    assert HOLD_LINE.findall(out) == ["5"] * (2 * per_round)
    assert REST_LINE.findall(out) == []
    assert "no rest" in out
    for exercise in bundled.exercises:
        assert f"{exercise.name} (round 1 of 2)" in out
        assert f"{exercise.name} (round 2 of 2)" in out
    assert f"Done: {2 * per_round} of {2 * per_round} holds" in out
    [made] = clock.made
    readies = 2 * len(bundled.exercises)
    assert READY_LINE.findall(out) == ["2"] * readies
    assert made.slept == pytest.approx(5 * 2 * per_round + 2 * readies)


@pytest.mark.parametrize("name", ["boat-pose", "Boat Pose", "BOAT_POSE"])
def test_guide_only_runs_that_exercise(run, bundled, clock, name: str):
    chosen = next(x for x in bundled.exercises if x.id == "boat-pose")
    result = run("exercises", "--guide", "--only", name)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"\n{chosen.name}\n" in out
    for other in bundled.exercises:
        if other is not chosen:
            assert other.name not in out
    assert len(HOLD_LINE.findall(out)) == (len(chosen.sides) or 1)


def test_guide_only_an_unknown_exercise_exits_2_naming_the_valid_ones(run, bundled, clock):
    result = run("exercises", "--guide", "--only", "nope")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("psoas: ") and result.stderr.count("\n") == 1
    assert "'nope'" in result.stderr
    for exercise in bundled.exercises:
        assert exercise.id in result.stderr
    assert clock.made == []  # nothing was run


def test_guide_with_json_exits_2(run, clock):
    result = run("exercises", "--guide", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--json" in result.stderr and "--guide" in result.stderr
    assert clock.made == []


@pytest.mark.parametrize("args", [["--hold", "0"], ["--rest", "-1"], ["--rounds", "0"]])
def test_guide_refuses_bad_timings(run, clock, args: list[str]):
    assert run("exercises", "--guide", *args).exit_code == 2
    assert clock.made == []


class InterruptedClock(FakeClock):
    """Ctrl-C once the routine has run 35 s: after the first 30 s hold, during the rest."""

    def sleep(self, seconds: float) -> None:
        if self.time >= 35:
            raise KeyboardInterrupt
        super().sleep(seconds)


def test_ctrl_c_during_the_guide_exits_130_with_a_summary(run, bundled, monkeypatch):
    monkeypatch.setattr(psoas_cli.routine, "SystemClock", InterruptedClock)
    result = run("exercises", "--guide")
    assert result.exit_code == 130
    assert "Traceback" not in result.output
    summaries = [line for line in result.stdout.splitlines() if line.startswith("Stopped after")]
    total = _holds_per_round(bundled)
    first = bundled.exercises[0].name
    assert summaries == [f"Stopped after 1 of {total} holds ({first})."]
    assert result.stdout.rstrip().splitlines()[-1] == summaries[0]
    assert "Done:" not in result.stdout


def test_ctrl_c_before_any_hold_finishes_counts_none(run, bundled, monkeypatch):
    class Immediately(FakeClock):
        def sleep(self, seconds: float) -> None:
            raise KeyboardInterrupt

    monkeypatch.setattr(psoas_cli.routine, "SystemClock", Immediately)
    result = run("exercises", "--guide")
    assert result.exit_code == 130
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == f"Stopped after 0 of {_holds_per_round(bundled)} holds."


# --------------------------------------------------------------------------- chat


def _ask(run, *args: str) -> dict:
    return json.loads(run("ask", "--json", *args).stdout)


def test_chat_answers_shows_more_an_entry_and_the_list(run, bundled):
    first = _ask(run, "psoas stretch")["matches"]
    six = _ask(run, "--limit", "6", "psoas stretch")["matches"]
    assert len(first) == 3 and len(six) > 3  # so `more` has something to show
    result = run(
        "chat", input="psoas stretch\nmore\nshow release-iliopsoas\nlist\nquit\nboat pose\n"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    position = 0
    for match in first:
        position = out.index(match["question"], position)
    more = out.index('More for "psoas stretch": answers 4 to', position)
    position = more
    for match in six[3:]:
        assert match["id"] not in {m["id"] for m in first}
        position = out.index(f"[{match['id']}, score", position)
    shown = bundled.get("release-iliopsoas")
    position = out.index(shown.answer, position)
    for entry in bundled.entries:
        position = out.index(f"{entry.id}\t{entry.question}", position)
    # `quit` ends the session: the list is the last thing printed, "boat pose" is not answered.
    last = bundled.entries[-1]
    assert out.rstrip().splitlines()[-1].startswith(f"{last.id}\t")


def test_chat_answers_like_ask(run):
    query = "why does my lower back hurt"
    matches = _ask(run, query)["matches"]
    assert matches
    result = run("chat", input=f"{query}\nquit\n")
    assert result.exit_code == 0
    headings = re.findall(r"^\d+\. .* \[([a-z0-9-]+), score \d+\]$", result.stdout, re.M)
    assert headings == [m["id"] for m in matches]
    for match in matches:
        assert match["answer"].splitlines()[0] in result.stdout


def test_chat_shows_the_warning_before_the_answers(run):
    query = "I have a fever and tight hip flexors"
    document = _ask(run, "--min-score", "0", query)
    assert document["red_flags"] and document["matches"]
    result = run("chat", "--min-score", "0", "--region", "uk", input=f"{query}\nquit\n")
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("WARNING") < out.index(document["matches"][0]["question"])
    assert "999" in out and "911" not in out


def test_chat_warns_on_a_red_flag_line_with_no_answer(run):
    result = run("chat", input="psoas stretch\nnumb between my legs\n")
    assert result.exit_code == 0
    after = result.stdout.split("WARNING", 1)
    assert len(after) == 2 and after[0].strip()  # the first answer, then the warning
    assert "GET MEDICAL HELP NOW" in after[1]


def test_chat_show_unknown_id_suggests_ids_and_goes_on(run):
    result = run("chat", input="show release-iliopsos\nshow nope\nlist\n")
    assert result.exit_code == 0
    assert "no entry with id 'release-iliopsos'" in result.stderr
    assert "Did you mean: release-iliopsoas" in result.stderr
    assert "no entry with id 'nope'" in result.stderr
    assert result.stderr.count("Type `list` to see every id.") == 2
    assert "psoas list" not in result.output  # the chat's own command, not the shell's
    assert "release-iliopsoas\t" in result.stdout  # `list` still ran


@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_chat_ends_at_end_of_input_with_0(run, ending: str):
    result = run("chat", input="boat pose" + ending)
    assert result.exit_code == 0
    assert "release-iliopsoas" in result.stdout


def test_chat_refuses_an_overlong_line_goes_on_and_exits_2(run):
    result = run("chat", input="x" * 10_001 + "\npsoas stretch\n")
    assert result.exit_code == 2
    assert result.stderr == ("psoas: the line is longer than 10,000 characters; not answered\n")
    assert "release-iliopsoas" in result.stdout


def test_chat_with_no_input_exits_0_and_prints_nothing(run):
    result = run("chat", input="")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_chat_uses_a_users_own_data(run, small_faq: Path):
    result = run("chat", "--data", str(small_faq), input="descale the kettle\nlist\n")
    assert result.exit_code == 0
    assert "vinegar" in result.stdout and "bike-chain\t" in result.stdout
    assert "psoas" not in result.stdout.lower()


# --------------------------------------------------------------------------- tip


@pytest.mark.parametrize("seed", ["0", "7", "12345"])
def test_tip_with_a_seed_is_repeatable(run, seed: str):
    first = run("tip", "--seed", seed)
    second = run("tip", "--seed", seed)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout and first.stdout == second.stdout


def test_tip_seeds_reach_more_than_one_entry(run, bundled):
    ids = {json.loads(run("tip", "--json", "--seed", str(seed)).stdout)["id"] for seed in range(20)}
    assert len(ids) > 1
    assert ids <= {e.id for e in bundled.entries}


def test_tip_json_is_the_whole_entry(run, bundled):
    result = run("tip", "--json", "--seed", "3")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"id", "question", "answer", "topics"}
    entry = bundled.get(document["id"])
    assert document == {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "topics": list(entry.topics),
    }
    plain = run("tip", "--seed", "3").stdout
    assert entry.question in plain and entry.answer in plain


def test_tip_from_a_users_own_data(run, small_faq: Path):
    ids = {e.id for e in load_file(small_faq).entries}
    for seed in range(5):
        result = run("tip", "--json", "--seed", str(seed), "--data", str(small_faq))
        assert json.loads(result.stdout)["id"] in ids


# --------------------------------------------------------------------------- overview


def test_the_overview_lists_chat_and_tip(run):
    result = run()
    assert result.exit_code == 0
    for command in ("chat", "tip"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), command
        assert f"psoas {command}" in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--hold", "5"], "--hold only applies"),
        (["--rest", "0"], "--rest only applies"),
        (["--ready", "3"], "--ready only applies"),
        (["--rounds", "2"], "--rounds only applies"),
        (["--quiet"], "--quiet only applies"),
        (["--only", "boat-pose"], "--only only applies"),
        (["--hold", "5", "--rest", "5"], "--hold and --rest only apply"),
    ],
)
def test_routine_options_without_guide_are_a_usage_error(run, clock, args, named: str):
    for extra in ([], ["--json"]):
        result = run("exercises", *args, *extra)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"psoas: {named} to --guide; add --guide\n"
    assert clock.made == []


def test_guide_piped_never_rings_the_bell(run, clock):
    out = run("exercises", "--guide", "--only", "boat-pose").stdout
    assert "\a" not in out and "Get ready 5 s." in out
