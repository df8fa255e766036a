"""The interactive session, driven by scripted lines instead of a keyboard."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable

import pytest

from psoas_cli import chat
from psoas_cli.chat import Command, enable_line_editing, parse_line, run_chat
from psoas_cli.dataset import Dataset
from psoas_cli.errors import Terminated
from psoas_cli.matcher import Index, find_matches
from psoas_cli.render import chat as chat_render
from psoas_cli.store import open_indexed

EMERGENCY = "In an emergency call 999."
ANSWER_ID = re.compile(r"^\d+\. .* \[([a-z0-9-]+), score \d+\]$", re.MULTILINE)


@pytest.fixture(scope="module")
def indexed() -> tuple[Dataset, Index]:
    return open_indexed(None)


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


class Script:
    """A read_line that types the given lines, then Ctrl-D; KeyboardInterrupt is Ctrl-C."""

    def __init__(self, lines: Iterable[str | type[BaseException]]) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if isinstance(line, type):
            raise line
        return line


def _chat(
    indexed: tuple[Dataset, Index], lines: Iterable[str | type[BaseException]], **options: object
) -> tuple[int, Script]:
    script = Script(lines)
    options.setdefault("interactive", False)
    code = run_chat(*indexed, read_line=script, emergency_line=EMERGENCY, **options)  # type: ignore[arg-type]
    return code, script


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("", None),
        ("   ", None),
        ("more", Command("more")),
        ("  MORE ", Command("more")),
        ("list", Command("list")),
        ("exercises", Command("exercises")),
        ("help", Command("help")),
        ("?", Command("help")),
        ("quit", Command("quit")),
        ("Exit", Command("quit")),
        ("show psoas-back-pain", Command("show", "psoas-back-pain")),
        ("show", Command("show", "")),
        ("show me a psoas stretch", Command("ask", "show me a psoas stretch")),
        ("list the causes of back pain", Command("ask", "list the causes of back pain")),
        ("more exercises", Command("ask", "more exercises")),
        ("why does my back hurt ", Command("ask", "why does my back hurt")),
    ],
)
def test_parse_line(line: str, command: Command | None) -> None:
    assert parse_line(line) == command


def test_a_question_is_answered_like_ask(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _chat(indexed, ["can the psoas cause back pain"])
    out = capsys.readouterr().out
    expected = find_matches("can the psoas cause back pain", *indexed, limit=3)
    assert code == 0
    assert ANSWER_ID.findall(out) == [m.entry.id for m in expected.matches]
    assert "WARNING" not in out


def test_more_continues_where_the_answers_stopped(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["psoas"] + ["more"] * 7, limit=2)
    out = capsys.readouterr().out
    every = find_matches("psoas", *indexed, limit=100).matches
    # together the batches are the full ranking, in order, nothing repeated
    assert ANSWER_ID.findall(out) == [m.entry.id for m in every]
    assert 'More for "psoas": answers 3 to 4.' in out
    assert f'No more answers for "psoas" beyond the {len(every)} shown.' in out


def test_more_before_any_question(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["more"])
    assert "Ask a question first" in capsys.readouterr().out


def test_more_after_a_question_with_no_answer(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["xylophone tuning", "more"])
    captured = capsys.readouterr()
    assert 'No confident answer for "xylophone tuning"' in captured.err
    assert 'There are no answers for "xylophone tuning" to show more of.' in captured.out


def test_red_flags_come_first_with_the_emergency_line(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["my back hurts and I have crushing chest pain", "more"])
    out = capsys.readouterr().out
    assert out.startswith("WARNING: GET MEDICAL HELP NOW\n")
    assert EMERGENCY in out
    assert out.count("WARNING") == 1  # `more` does not repeat the warning


@pytest.mark.parametrize(
    ("lines", "stdout_has", "stderr_has"),
    [
        (
            ["show psoas-back-pain"],
            ["Can the psoas muscle cause back pain? [psoas-back-pain]\nTightness"],
            [],
        ),
        (["show psoas-bak-pain"], [], ["no entry with id 'psoas-bak-pain'", "psoas-back-pain"]),
        (["show"], ["Say which entry: show ID"], []),
        (["list"], ["psoas-back-pain\t", "release-iliopsoas\t"], []),
        (["exercises"], ["Psoas Stretch\n  1. Lie on your back", "Upper Psoas Release"], []),
        (["help"], [f"  {name}" for name, _ in chat_render.COMMANDS], []),
    ],
)
def test_commands(
    indexed: tuple[Dataset, Index],
    capsys: pytest.CaptureFixture[str],
    lines: list[str],
    stdout_has: list[str],
    stderr_has: list[str],
) -> None:
    assert _chat(indexed, lines)[0] == 0
    captured = capsys.readouterr()
    for text in stdout_has:
        assert text in captured.out
    for text in stderr_has:
        assert text in captured.err
    assert not ANSWER_ID.findall(captured.out)  # a command is not answered as a question


def test_exercises_in_a_dataset_without_any(capsys: pytest.CaptureFixture[str]) -> None:
    dataset = Dataset(entries=open_indexed(None)[0].entries, exercises=())
    run_chat(
        dataset, Index.build(dataset.entries), read_line=Script(["exercises"]), interactive=False
    )
    assert "This dataset has no exercises." in capsys.readouterr().out


@pytest.mark.parametrize("word", ["quit", "exit", "QUIT"])
def test_quit_ends_without_reading_further(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str], word: str
) -> None:
    code, script = _chat(indexed, ["list", word, "psoas"])
    assert code == 0
    assert script.lines == ["psoas"]
    assert not ANSWER_ID.findall(capsys.readouterr().out)


def test_ctrl_c_at_the_prompt_cancels_the_line_when_interactive(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    code, script = _chat(indexed, [KeyboardInterrupt, "psoas stretch"], interactive=True)
    out = capsys.readouterr().out
    assert code == 0
    assert "(Cancelled. Type quit or press Ctrl-D to leave.)" in out
    assert "release-iliopsoas" in out  # the session went on to answer
    assert script.prompts == [chat_render.PROMPT] * 3


def test_ctrl_c_while_answering_cancels_that_answer(
    indexed: tuple[Dataset, Index],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(chat, "answer_query", interrupted)
    code, _ = _chat(indexed, ["psoas", "help"], interactive=True)
    out = capsys.readouterr().out
    assert code == 0
    assert "Cancelled." in out and "Type a question to get answers" in out


@pytest.mark.parametrize("interactive", [True, False])
def test_sigterm_ends_even_an_interactive_session_with_143(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str], interactive: bool
) -> None:
    code, script = _chat(indexed, [Terminated, "psoas stretch"], interactive=interactive)
    assert code == 143
    assert script.lines == ["psoas stretch"]  # nothing read after it
    assert "Cancelled" not in capsys.readouterr().out


def test_an_overlong_line_is_refused_and_the_session_goes_on_to_exit_2(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _chat(indexed, ["x" * 10_001, "psoas stretch"], interactive=True)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == "psoas: the line is longer than 10,000 characters; not answered\n"
    assert "release-iliopsoas" in captured.out


def test_ctrl_c_ends_a_piped_session_with_130(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    code, script = _chat(indexed, ["list", KeyboardInterrupt, "psoas"])
    assert code == 130
    assert script.lines == ["psoas"]


def test_interactive_session_greets_and_prompts(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _, script = _chat(indexed, ["help"], interactive=True)
    out = capsys.readouterr().out
    assert out.startswith("psoas chat: ask about the psoas muscle")
    assert "not medical advice" in out
    assert out.endswith("\n\n")  # Ctrl-D ends the prompt's line
    assert script.prompts == [chat_render.PROMPT, chat_render.PROMPT]


def test_piped_session_prints_only_answers(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _, script = _chat(indexed, ["help"])
    assert capsys.readouterr().out.startswith("Type a question to get answers")
    assert script.prompts == ["", ""]


def test_not_interactive_when_stdin_is_a_pipe(
    indexed: tuple[Dataset, Index],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    _, script = _chat(indexed, [], interactive=None)
    assert script.prompts == [""]
    assert capsys.readouterr().out == ""


def _editing_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []

    def record() -> bool:
        calls.append(True)
        return True

    monkeypatch.setattr(chat, "enable_line_editing", record)
    return calls


@pytest.mark.parametrize(
    ("use_input", "interactive", "enabled"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_line_editing_only_for_input_on_a_terminal(
    indexed: tuple[Dataset, Index],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    use_input: bool,
    interactive: bool,
    enabled: bool,
) -> None:
    calls = _editing_calls(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO("psoas stretch\n"))
    read_line: Callable[[str], str] = input if use_input else Script([])
    run_chat(*indexed, read_line=read_line, interactive=interactive)
    assert calls == ([True] if enabled else [])
    if use_input:  # the real input() read the line from stdin and it was answered
        assert "release-iliopsoas" in capsys.readouterr().out


def test_enable_line_editing_without_readline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "readline", None)  # import readline -> ImportError
    assert enable_line_editing() is False


def test_styled_messages_print_user_text_literally(
    indexed: tuple[Dataset, Index],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _chat(indexed, ["[red]psoas\x1b[2J[/red]", "more"])
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().out)
    assert 'There are no answers for "[red]psoas\\x1b[2J[/red]" to show more of.' in out


@pytest.mark.parametrize("styled", [False, True])
@pytest.mark.parametrize(
    ("first", "last", "text"),
    [(4, 6, 'More for "[b]x[/b]": answers 4 to 6.'), (3, 3, 'More for "[b]x[/b]": answer 3.')],
)
def test_more_heading(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    styled: bool,
    first: int,
    last: int,
    text: str,
) -> None:
    if styled:
        monkeypatch.setenv("FORCE_COLOR", "1")
    chat_render.more_heading("[b]x[/b]", first, last)
    out = capsys.readouterr().out
    assert re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out) == text + "\n"
    assert ("\x1b[" in out) == styled
