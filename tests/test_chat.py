"""The interactive session, driven by scripted lines instead of a keyboard."""

from __future__ import annotations

import io
import os
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
        (["show"], ["Say which: show N for answer N, or show ID"], []),
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


# --------------------------------------------------------------------------- show N


def test_show_n_shows_the_answer_numbered_n(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["psoas stretch", "more", "show 2", "show 4"], limit=2)
    out = capsys.readouterr().out
    ids = ANSWER_ID.findall(out)
    assert len(ids) == 4
    dataset = indexed[0]
    second, fourth = dataset.get(ids[1]), dataset.get(ids[3])
    assert f"{second.question} [{second.id}]\n" in out
    assert f"{fourth.question} [{fourth.id}]\n" in out


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (["show 1"], "There is no answer 1: ask a question first, or show ID for an entry."),
        (
            ["psoas stretch", "show 7"],
            "There is no answer 7: the answers shown are numbered 1 to 3.",
        ),
    ],
)
def test_show_n_without_such_an_answer_says_so(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str], lines, said: str
) -> None:
    assert _chat(indexed, lines)[0] == 0
    assert said in capsys.readouterr().out


def test_an_answers_number_wins_over_an_id_that_is_a_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from psoas_cli.analysis import general_analyzer
    from psoas_cli.dataset import Entry

    entries = (
        Entry("1", "How do I oil a bike chain?", "With chain oil."),
        Entry("kettle", "How do I descale a kettle?", "With vinegar."),
    )
    lines = ["show 1", "descale kettle", "show 1"]
    index = Index.build(entries, general_analyzer())  # as for a user's own FAQ
    run_chat(Dataset(entries), index, read_line=Script(lines), safety_net=False)
    before, after = capsys.readouterr().out.split("1. How do I descale", 1)
    assert "How do I oil a bike chain? [1]" in before  # no answer yet: the entry "1"
    assert "How do I descale a kettle? [kettle]" in after  # answer 1, in sight
    assert "bike" not in after


# --------------------------------------------------------------------------- once a session


def test_the_not_medical_advice_line_is_said_once_a_session(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["tight hip flexors", "more", "psoas stretch", "show 1", "exercises"]
    _chat(indexed, lines)
    assert capsys.readouterr().out.count("not medical advice") == 1
    _chat(indexed, ["xylophone tuning", "exercises", "psoas stretch"])
    assert capsys.readouterr().out.count("not medical advice") == 1
    _chat(indexed, lines, interactive=True)  # said in the welcome
    out = capsys.readouterr().out
    assert out.count("not medical advice") == 1
    assert out.index("not medical advice") < out.index("1. ")


def test_more_does_not_ask_did_you_mean_again(tmp_path, capsys) -> None:
    import json

    from psoas_cli.store import open_indexed as open_file

    rows = [
        {"id": "a", "question": "How do I oil a bike chain?", "answer": "With chain oil."},
        {"id": "b", "question": "How do I clean a bike chain?", "answer": "Degrease it."},
        {"id": "c", "question": "How do I fix a bike puncture?", "answer": "Patch the tube."},
        {"id": "d", "question": "How do I pump a bike tyre?", "answer": "With a pump."},
        {"id": "e", "question": "How do I descale a kettle?", "answer": "With vinegar."},
    ]
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    dataset, index = open_file(path)
    lines = ["oil or clean my bike chain", "more"]
    run_chat(dataset, index, read_line=Script(lines), limit=2, min_score=0, safety_net=False)
    out = capsys.readouterr().out
    assert out.startswith("Did you mean one of these?")  # a and b read it differently
    assert out.count("Did you mean") == 1
    assert len(ANSWER_ID.findall(out)) == 4  # two, then two more: the limit is a ceiling


@pytest.mark.parametrize("limit", [1, 2])
def test_the_limit_is_a_ceiling_for_each_answer_and_each_more(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str], limit: int
) -> None:
    _chat(indexed, ["why does my lower back hurt", "more", "more"], limit=limit)
    out = capsys.readouterr().out
    batches = re.split(r"^More for .*$", out, flags=re.M)
    assert [len(ANSWER_ID.findall(batch)) for batch in batches] == [limit] * 3


def test_a_declined_question_names_the_chat_command(
    indexed: tuple[Dataset, Index], capsys: pytest.CaptureFixture[str]
) -> None:
    _chat(indexed, ["xylophone tuning"])
    captured = capsys.readouterr()
    assert "Type `list` to see every question." in captured.err
    assert "see `redflags`." in captured.err
    assert "psoas list" not in captured.err and "psoas redflags" not in captured.err


# --------------------------------------------------------------------------- history


@pytest.fixture
def state(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "psoas"


def test_history_lives_in_the_state_folder_made_0700(state, monkeypatch) -> None:
    import os

    from psoas_cli.history import FILE_NAME, history_file, state_dir

    monkeypatch.setattr(os, "umask", os.umask)  # restored after the test
    os.umask(0o022)
    notes: list[str] = []
    assert state_dir() == state
    assert history_file(notes.append) == state / FILE_NAME
    assert (state.stat().st_mode & 0o777, state.parent.stat().st_mode & 0o777) == (0o700, 0o700)
    assert notes == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"XDG_STATE_HOME": "relative/state", "HOME": "/home/me"}, "/home/me/.local/state/psoas"),
        ({"XDG_STATE_HOME": "", "HOME": "/home/me"}, "/home/me/.local/state/psoas"),
        ({"XDG_STATE_HOME": "/xdg", "HOME": ""}, "/xdg/psoas"),
        ({"XDG_STATE_HOME": None, "HOME": ""}, None),
        ({"XDG_STATE_HOME": "relative", "HOME": "relative/home"}, None),
    ],
)
def test_where_the_history_is(monkeypatch, variables, expected) -> None:
    from pathlib import Path

    from psoas_cli.history import state_dir

    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert state_dir() == (Path(expected) if expected else None)


def test_history_is_written_0600_and_read_back_within_its_bounds(state) -> None:
    from psoas_cli.history import MAX_LINES, history_file, read_history, write_history

    path = history_file(print)
    assert path is not None
    lines = [f"question {n}" for n in range(MAX_LINES + 5)] + ["", "x" * 10_001, "last one"]
    assert write_history(path, lines)
    assert path.stat().st_mode & 0o777 == 0o600
    kept = read_history(path)
    assert len(kept) == MAX_LINES and kept[-1] == "last one" and kept[0] == "question 6"
    assert [p.name for p in state.iterdir()] == [path.name]  # no partial file left


def test_a_history_others_can_write_to_is_not_used(state) -> None:
    import os

    from psoas_cli.history import history_file, read_history

    notes: list[str] = []
    path = history_file(notes.append)
    assert path is not None
    path.write_text("planted\n", encoding="utf-8")
    os.chmod(path, 0o622)
    assert history_file(notes.append) is None
    assert read_history(path) == []
    os.chmod(path, 0o600)
    os.chmod(state, 0o770)
    assert history_file(notes.append) is None
    assert notes == [
        f"psoas: not using {path}: others can write to it",
        f"psoas: not keeping the chat history in {state}: others can write to it",
    ]


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder", "large"])
def test_only_a_regular_file_of_bounded_size_is_history(state, kind: str) -> None:
    import os

    from psoas_cli.history import FILE_NAME, MAX_BYTES, history_file

    assert history_file(print) is not None  # makes the folder
    path = state / FILE_NAME
    if kind == "symlink":
        (state / "elsewhere").write_text("psoas\n", encoding="utf-8")
        path.symlink_to(state / "elsewhere")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"psoas stretch\n" * (MAX_BYTES // 14 + 1))
    notes: list[str] = []
    assert history_file(notes.append) is None
    assert len(notes) == 1 and notes[0].startswith(f"psoas: not using {path}: ")


def _pty_chat(env: dict[str, str], typed: list[tuple[bytes, bytes]], *args: str) -> bytes:
    """``psoas chat`` on a pseudo-terminal: for each (wait_for, keys), the keys are
    typed once the output shows wait_for (after what the last one waited for); all
    it printed."""
    import os
    import select
    import subprocess
    import termios
    import time

    controller, terminal = os.openpty()
    termios.tcsetwinsize(terminal, (24, 80))
    process = subprocess.Popen(
        [sys.executable, "-m", "psoas_cli", "chat", *args],
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    seen, start = bytearray(), 0
    try:
        for wanted, keys in typed:
            deadline = time.monotonic() + 30
            while wanted not in seen[start:]:
                assert time.monotonic() < deadline, bytes(seen)
                if select.select([controller], [], [], 0.1)[0]:
                    seen += os.read(controller, 65536)
            start = seen.index(wanted, start) + len(wanted)
            os.write(controller, keys)
        assert process.wait(timeout=30) == 0, bytes(seen)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return bytes(seen)


@pytest.fixture
def pty_env(tmp_path) -> dict[str, str]:
    import os

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "PSOAS_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "dumb",
        "LC_ALL": "C.UTF-8",
    }


PROMPT = chat_render.PROMPT.encode()
on_linux = pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")


@on_linux
def test_a_later_session_recalls_the_lines_of_an_earlier_one(tmp_path, pty_env) -> None:
    _pty_chat(pty_env, [(PROMPT, b"boat pose\r"), (PROMPT, b"quit\r")])
    kept = tmp_path / "home" / ".local" / "state" / "psoas" / "chat_history"
    assert kept.read_text(encoding="utf-8") == "boat pose\nquit\n"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept.parent.stat().st_mode & 0o777 == 0o700
    # Up twice recalls "boat pose" from the earlier session, and it is answered.
    typed = [(PROMPT, b"\x1b[A\x1b[A\r"), (b"release-iliopsoas", b""), (PROMPT, b"quit\r")]
    out = _pty_chat(pty_env, typed)
    assert out.count(b"release-iliopsoas") >= 1
    assert kept.read_text(encoding="utf-8") == "boat pose\nquit\nboat pose\nquit\n"


@on_linux
@pytest.mark.parametrize("how", ["--no-history", "empty HOME"])
def test_no_history_is_kept_when_asked_or_with_no_home(tmp_path, pty_env, how: str) -> None:
    args = [how] if how.startswith("--") else []
    if not args:
        pty_env["HOME"] = ""
    _pty_chat(pty_env, [(PROMPT, b"boat pose\r"), (PROMPT, b"quit\r")], *args)
    assert not (tmp_path / "home").exists()
    assert [p.name for p in tmp_path.iterdir()] in (["cache"], [])


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away"
)
def test_a_history_of_another_user_is_not_used(state) -> None:
    from psoas_cli.history import history_file

    notes: list[str] = []
    path = history_file(notes.append)
    assert path is not None
    path.write_text("planted\n", encoding="utf-8")
    os.chown(path, 12345, 12345)
    assert history_file(notes.append) is None
    os.chown(path, 0, 0)
    os.chown(state, 12345, 12345)
    assert history_file(notes.append) is None
    assert notes == [
        f"psoas: not using {path}: it belongs to another user",
        f"psoas: not keeping the chat history in {state}: it belongs to another user",
    ]
