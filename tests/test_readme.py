"""The README's console examples, run: each ``$ psoas ...`` line of a ``console`` block
is run as a pipe would run it, and what follows it in the block is what it must print
(stdout and stderr, as a terminal shows them).

A line holding only ``...`` stands for any lines, none included, so an example may show
the start of a long output. ``printf '...' | psoas ...`` feeds the text to stdin and
``| cat`` at the end only says the output is piped. Lines without ``$`` are usage
sketches, not run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import psoas_cli.routine
from psoas_cli.routine import FakeClock

README = Path(__file__).parent.parent / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)


def examples() -> list[tuple[str, list[str]]]:
    """(command, the lines it prints) for every ``$`` line of the README."""
    found: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(README.read_text(encoding="utf-8")):
        shown: list[str] | None = None  # what the block's last command prints
        for line in block.splitlines():
            if line.startswith("$ "):
                shown = []
                found.append((line[2:], shown))
            elif shown is not None:
                shown.append(line)
    return [(command, _trimmed(lines)) for command, lines in found]


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def parse(command: str) -> tuple[list[str], str | None]:
    """The psoas arguments of an example, and what it feeds to stdin."""
    words = shlex.split(command)
    stdin = None
    if words[0] == "printf":
        stdin = words[1].encode().decode("unicode_escape")
        assert words[2] == "|", command
        words = words[3:]
    if words[-2:] == ["|", "cat"]:
        words = words[:-2]
    assert words[0] == "psoas" and "|" not in words, command
    return words[1:], stdin


def matches(expected: list[str], shown: list[str]) -> bool:
    """Whether ``shown`` is ``expected``, a ``...`` line standing for any lines."""
    if not expected:
        return not shown
    if expected[0].strip() == "...":
        return any(matches(expected[1:], shown[at:]) for at in range(len(shown) + 1))
    return bool(shown) and shown[0] == expected[0] and matches(expected[1:], shown[1:])


EXAMPLES = examples()


def test_the_readme_has_examples_with_output():
    assert len(EXAMPLES) >= 6
    assert all(lines for _, lines in EXAMPLES)


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(
    run, monkeypatch: pytest.MonkeyPatch, command: str, expected: list[str]
):
    monkeypatch.setattr(psoas_cli.routine, "SystemClock", FakeClock)  # a routine in no time
    args, stdin = parse(command)
    result = run(*args, input=stdin)
    shown = _trimmed(result.output.splitlines())
    assert matches(expected, shown), "\n".join(shown)


@pytest.mark.parametrize(
    ("expected", "shown", "same"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a", "..."], ["a", "b", "c"], True),
        (["a", "...", "c"], ["a", "c"], True),
        (["a", "...", "c"], ["a", "b"], False),
        (["a"], ["a", "b"], False),
    ],
)
def test_how_an_example_is_compared(expected, shown, same: bool):
    assert matches(expected, shown) is same
