"""One view, two printers: the plain and the Rich form of each view carry the same words.

Each view is run through the command line twice, piped (plain text) and with
FORCE_COLOR=1 (drawn by Rich), and the words compared once Rich's escape codes, box
drawing and table headers are set aside, and each printer's mark for a warning
("WARNING:" or "⚠").
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

import psoas_cli.routine
from psoas_cli.render import plain, styled
from psoas_cli.render.model import Column, Panel, Run, Table, highlighted, line, plain_text, text
from psoas_cli.render.plain import PlainPrinter, table_lines
from psoas_cli.render.views import warning_box
from psoas_cli.routine import FakeClock
from psoas_cli.triage import RedFlag

RICH = {"FORCE_COLOR": "1", "NO_COLOR": None, "COLUMNS": "200"}
PLAIN = {"COLUMNS": "200"}
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DRAWING = re.compile("[\u2500-\u257f\u2580-\u259f]")  # box drawing and block elements
WORD = re.compile(r"[^\W_](?:[\w'’.\-/\\]*[^\W_])?")
#: words of the column headers a Rich table shows once and plain text shows by position
HEADERS = {"id", "question", "topics", "urgency", "symptom", "may", "mean", "what", "to", "do"}


def words(output: str, marks: dict[str, str], headers: bool = False) -> Counter[str]:
    for mark in marks.values():
        output = output.replace(mark, " ")
    found = Counter(word.casefold() for word in WORD.findall(DRAWING.sub(" ", output)))
    if headers:  # a table's header row: set aside on both sides
        for header in HEADERS:
            del found[header]
    return found


def both_forms(run, *args: str, input: str | None = None) -> tuple[str, str]:
    plain_result = run(*args, input=input, env=PLAIN)
    rich_result = run(*args, input=input, env=RICH)
    assert plain_result.exit_code == rich_result.exit_code
    assert "\x1b" not in plain_result.output
    assert "\x1b[" in rich_result.stdout or not rich_result.stdout  # really drawn by Rich
    rich_out = ESCAPES.sub("", rich_result.stdout)
    return plain_result.stdout + plain_result.stderr, rich_out + rich_result.stderr


VIEWS = {
    "answer": ["ask", "why does my lower back hurt"],
    "answer, explained": ["ask", "--explain", "--limit", "2", "psoes streches for my lower back"],
    "answer, did you mean": ["ask", "--limit", "3", "psoas stretch"],
    "answer after a warning": ["ask", "--explain", "lower back pain and I can't pee"],
    "warning, no answer": ["ask", "--region", "uk", "numb between my legs"],
    "decline": ["ask", "what shoes help lower back pain"],
    "entry": ["show", "psoas-back-pain"],
    "entry, unknown": ["show", "psoas-back-pian"],
    "tip": ["tip", "--seed", "3"],
    "list": ["list"],
    "exercises": ["exercises"],
    "warnings": ["redflags", "--region", "nz"],
    "overview": [],
}


@pytest.mark.parametrize("args", VIEWS.values(), ids=VIEWS.keys())
def test_plain_and_rich_forms_carry_the_same_words(run, args: list[str]):
    plain_form, rich_form = both_forms(run, *args)
    tables = bool(args) and args[0] in ("list", "redflags")
    assert words(plain_form, plain.MARKS, tables) == words(rich_form, styled.MARKS, tables)


def test_the_chat_views_carry_the_same_words(run):
    lines = (
        "help\ntight hip flexors\nmore\nshow 2\nshow release-iliopsoas\nshow nope\nmore\n"
        "exercises\nredflags\nxylophone tuning\n"
    )
    plain_form, rich_form = both_forms(run, "chat", input=lines)
    assert words(plain_form, plain.MARKS, True) == words(rich_form, styled.MARKS, True)


def test_the_routine_carries_the_same_words(run, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(psoas_cli.routine, "SystemClock", FakeClock)
    args = ("exercises", "--guide", "--hold", "2", "--rest", "1")
    plain_form, rich_form = both_forms(run, *args)
    # The live bar's frames ("Hold 2 s ━━━ 1 s left"), each redrawn over the last.
    rich_form = "\n".join(
        part for part in re.split(r"[\r\n]", rich_form) if not re.search(r"\d s left", part)
    )
    assert words(plain_form, plain.MARKS) == words(rich_form, styled.MARKS)


def test_the_disclaimer_is_in_both_forms(run):
    for args in (["ask", "psoas stretch"], ["show", "psoas-back-pain"], ["exercises"]):
        for form in both_forms(run, *args):
            assert "not medical advice" in " ".join(form.split()), args


def test_warning_text_from_the_data_is_cleaned_for_both_printers():
    flag = RedFlag("x", "Odd \x1b[2J[bold]sign", "a \u202econdition", "emergency", "Act\x07.")
    box = warning_box([flag], "Call 999\x1b]0;x\x07")
    shown = "\n".join(plain_text(item) for item in box.body)
    assert not re.search("[\x00-\x1f\u202e]", shown.replace("\n", ""))
    assert "Odd \\x1b[2J[bold]sign" in shown and "\\u202econdition" in shown
    assert "Call 999\\x1b]0;x\\x07" in shown


# --------------------------------------------------------------------------- the blocks


def test_highlighted_marks_the_spans_and_splits_lines():
    lines = highlighted("ab cd\nef", ((3, 5), (6, 8)), "hit")
    assert lines == [(Run("ab "), Run("cd", "hit")), (Run("ef", "hit"),)]
    assert highlighted("", (), "hit") == [()]


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("grid", ["a\tfirst  [x, y]", "bb\tsecond"]),
        ("aligned", ["  a   first   x, y", "  bb  second  "]),
        ("records", ["A: first", "  Tags: x, y", "BB: second", "  Tags: "]),
    ],
)
def test_plain_table_layouts(layout: str, expected: list[str]):
    columns = (Column("name"), Column("text"), Column("tags", tag=True))
    rows = ((line("a"), line("first"), line("x, y")), (line("bb"), line("second"), line("")))
    assert table_lines(Table(columns, rows, layout)) == expected


def test_a_plain_panel_puts_its_tags_in_brackets_and_insets_its_body(capsys):
    panel = Panel(line("1. Title"), (line("body"), line("   "), line("more")), ("id", "score 9"))
    PlainPrinter().show([panel._replace(inset=3), text("after", to_stderr=True)])
    captured = capsys.readouterr()
    assert captured.out == "1. Title [id, score 9]\n   body\n\n   more\n"
    assert captured.err == "after\n"


@pytest.mark.parametrize(
    ("tags", "room", "shown"),
    [
        (("psoas-back-pain", "score 88"), 40, "psoas-back-pain · score 88"),
        (("tight-psoas-low-back-or-hip-pain", "score 88"), 30, "tight-psoas-low-ba… · score 88"),
        (("tight-psoas-low-back-or-hip-pain", "score 88"), 10, "score 88"),
        (("only-an-id-that-is-long",), 10, "only-an-i…"),
    ],
)
def test_a_narrow_panel_cuts_its_tags_but_keeps_the_score(tags, room: int, shown: str):
    assert styled.fitted_tags(tags, room) == shown


@pytest.mark.parametrize(
    "args",
    [["ask", "psoas stretch"], ["list"], ["show", "nope"], ["redflags"], ["exercises"], []],
    ids=str,
)
def test_plain_output_never_imports_rich(args: list[str], tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "PSOAS_CACHE_DIR": str(tmp_path), "COLUMNS": "80"}
    command = [sys.executable, "-X", "importtime", "-m", "psoas_cli", *args]
    result = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert result.stdout or result.returncode == 1
    imported = {line.split("|")[-1].strip() for line in result.stderr.decode().splitlines()}
    assert "rich" not in imported and "psoas_cli.render.styled" not in imported
