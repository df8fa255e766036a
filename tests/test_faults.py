"""Fault injection: every way the world around psoas can fail, and what psoas does.

Each test reproduces one failure of a fault-injection review (issue 10): a reader
that goes away, a full disk, closed standard streams, signals, oversized input, odd
terminal widths and hostile text in a user's FAQ. Where the fault is in the process
and its streams, the installed ``psoas`` command runs in a new process; where only
what is printed matters, in-process. The promise is always the same: the documented
exit code, at most one line on stderr per failure, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BUNDLED_ENTRIES = 12
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's bold and dim, left by NO_COLOR


def _command() -> list[str]:
    """The installed ``psoas`` script of this environment, else ``python -m psoas_cli``."""
    script = Path(sys.executable).with_name("psoas")
    return [str(script)] if script.exists() else [sys.executable, "-m", "psoas_cli"]


PSOAS = _command()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A plain environment: no terminal, no colour, a private cache, buffered output."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C.UTF-8",
        "PSOAS_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "80",
    }


@pytest.fixture(scope="module")
def big_faq(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FAQ whose plain ``list`` (90 KB) is more than a pipe holds (64 KiB on Linux)."""
    path = tmp_path_factory.mktemp("big") / "big.json"
    words = "about the hips, the psoas and the lower back when sitting all day at a desk"
    rows = [{"question": f"Question {n} {words}?", "answer": "An answer."} for n in range(700)]
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def psoas(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*PSOAS, *args], env=env, capture_output=True, timeout=60, **kwargs)


def in_shell(redirection: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """psoas run by ``sh`` with a redirection such as ``>&-`` (stdout closed)."""
    script = f'exec "$@" {redirection}'
    return subprocess.run(
        ["sh", "-c", script, "sh", *PSOAS, *args], env=env, capture_output=True, timeout=60
    )


# --------------------------------------------------------------------------- broken pipe

EVERY_KIND_OF_OUTPUT = [
    # buffered: the pipe fails at the last flush
    ("", ["--version"]),
    ("", ["list"]),
    ("", ["ask", "--json", "psoas", "stretch"]),
    # unbuffered: at the first write, inside the command (Typer made that exit 1)
    ("1", ["--help"]),
    ("1", ["list"]),
    ("1", ["ask", "psoas", "stretch"]),
    ("1", ["redflags"]),
]


@pytest.mark.parametrize(("unbuffered", "args"), EVERY_KIND_OF_OUTPUT, ids=str)
def test_a_reader_gone_before_any_output_is_exit_141(env, unbuffered: str, args: list[str]):
    env["PYTHONUNBUFFERED"] = unbuffered
    process = subprocess.Popen(
        [*PSOAS, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before anything is written
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141, stderr
    assert stderr == b""


@pytest.mark.parametrize(("styled", "unbuffered"), [(False, ""), (False, "1"), (True, "")], ids=str)
def test_a_reader_gone_during_the_output_is_exit_141(env, big_faq, styled, unbuffered: str):
    """``psoas list --data big.json | head -1``: the pipe closes while psoas writes."""
    env["PYTHONUNBUFFERED"] = unbuffered
    if styled:
        env["FORCE_COLOR"] = "1"
    process = subprocess.Popen(
        [*PSOAS, "list", "--data", str(big_faq)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline()  # one line read; psoas is blocked on a full pipe
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141, stderr
    assert stderr == b""


def test_a_batch_whose_reader_leaves_stops_with_141(env, tmp_path: Path):
    queries = tmp_path / "queries.txt"
    queries.write_text("psoas stretch\n" * 2000, encoding="utf-8")
    with queries.open("rb") as stdin:
        process = subprocess.Popen(
            [*PSOAS, "ask", "--batch"],
            env=env,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["matches"]
        process.stdout.close()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 141, stderr
    assert stderr == b""


# --------------------------------------------------------------------------- full disk

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")


@needs_dev_full
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list"], ["ask", "psoas"]], ids=str)
def test_a_full_disk_is_exit_74_with_one_line(env, args: list[str]):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [*PSOAS, *args], env=env, stdout=full, stderr=subprocess.PIPE, timeout=60
        )
    assert result.returncode == 74
    assert result.stderr.decode() == "psoas: cannot write the output: No space left on device\n"


# --------------------------------------------------------------------------- closed streams


@pytest.mark.parametrize("args", [["--version"], ["list"], ["ask", "--json", "psoas"]], ids=str)
def test_a_closed_stdout_is_exit_74_with_one_line(env, args: list[str]):
    result = in_shell(">&-", *args, env=env)
    assert result.returncode == 74
    assert result.stderr.decode() == "psoas: cannot write the output: stdout is closed\n"


def test_a_closed_stderr_leaves_success_a_success(env):
    result = in_shell("2>&-", "list", env=env)
    assert result.returncode == 0
    assert len(result.stdout.decode().splitlines()) == BUNDLED_ENTRIES


@pytest.mark.parametrize(
    ("args", "code"),
    [(["show", "no-such-entry"], 1), (["ask", "--limit", "0", "psoas"], 2), (["ask", ""], 2)],
    ids=str,
)
def test_with_stderr_closed_an_error_never_goes_to_stdout(env, args: list[str], code: int):
    result = in_shell("2>&-", *args, env=env)
    assert result.returncode == code
    assert result.stdout == b""


def test_a_closed_stdin_is_an_empty_query(env):
    result = in_shell("<&-", "ask", "-", env=env)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("psoas: empty query")
    assert b"Traceback" not in result.stderr


def test_a_usage_error_keeps_typers_message_and_exit_2(env):
    result = psoas("ask", "--limit", "0", "psoas", env=env)
    assert result.returncode == 2
    assert b"Invalid value for '--limit'" in result.stderr
    assert result.stdout == b""


# --------------------------------------------------------------------------- oversized input


def test_an_endless_query_on_stdin_is_refused_at_the_bound(env):
    """``psoas ask - < /dev/zero`` read without bound until a MemoryError."""
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [*PSOAS, "ask", "-"], env=env, stdin=zero, capture_output=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "psoas: the query is longer than 10,000 characters; ask a shorter question\n"
    )


@pytest.mark.parametrize("command", [["ask", "--batch"], ["chat"]], ids=" ".join)
def test_an_endless_line_stops_the_reading_with_exit_2(env, command: list[str]):
    """An overlong line is read past so the next ones are answered, but not forever."""
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [*PSOAS, *command], env=env, stdin=zero, capture_output=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        f"psoas: {'line 1' if command[0] == 'ask' else 'the line'} is longer than 10,000 "
        "characters; not answered",
        "psoas: line 1 goes on for more than 32 MiB; stopped reading",
    ]


def _a_20_mb_line():
    yield b"psoas stretch\n"
    for _ in range(20):
        yield b"lorem ipsum " * 87_382  # about 1 MB at a time, never all of it at once
    yield b"\nboat pose\n"


@pytest.mark.parametrize("command", [["ask", "--batch"], ["chat"]], ids=" ".join)
def test_a_20_mb_line_is_refused_and_the_other_lines_answered(env, command: list[str]):
    process = subprocess.Popen(
        [*PSOAS, *command],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    for chunk in _a_20_mb_line():
        process.stdin.write(chunk)
    process.stdin.close()
    stdout, stderr = process.stdout.read().decode(), process.stderr.read().decode()
    assert process.wait(timeout=60) == 2
    assert stderr.count("\n") == 1 and "longer than 10,000 characters" in stderr
    assert "Traceback" not in stderr
    if command[0] == "ask":
        documents = [json.loads(line) for line in stdout.splitlines()]
        assert [d.get("query") for d in documents] == ["psoas stretch", None, "boat pose"]
        assert documents[1]["line"] == 2
    else:
        assert "release-iliopsoas" in stdout and "Boat Pose" in stdout


# --------------------------------------------------------------------------- terminal widths

RED_FLAG_QUERY = "back pain and I can't pee"
EMERGENCY_UK = "In the UK, call 999 in an emergency"


@pytest.mark.parametrize("columns", ["0", "1", "2", "3", "4", "29"])
def test_the_warning_is_printed_plain_below_30_columns(run, columns: str):
    """At COLUMNS=0..4 with FORCE_COLOR=1 Rich drew the warning as nothing at all."""
    forced = {"COLUMNS": columns, "FORCE_COLOR": "1", "NO_COLOR": None}
    result = run("ask", RED_FLAG_QUERY, "--region", "uk", env=forced)
    assert result.exit_code == 0
    assert result.stdout.startswith("WARNING: GET MEDICAL HELP NOW\n- New trouble peeing")
    assert EMERGENCY_UK in result.stdout
    assert "\x1b" not in result.stdout


def test_at_30_columns_the_warning_is_drawn_with_its_whole_heading(run):
    forced = {"COLUMNS": "30", "FORCE_COLOR": "1", "NO_COLOR": "1"}
    result = run("ask", RED_FLAG_QUERY, "--region", "uk", env=forced)
    assert "⚠ Get medical help now" in result.stdout.splitlines()[0]


@pytest.mark.parametrize("command", [["ask", "psoas", "stretch"], ["list"], ["redflags"]], ids=str)
def test_a_huge_width_is_capped_at_200_columns(run, command: list[str]):
    """COLUMNS=1000000 FORCE_COLOR=1 psoas ask psoas stretch wrote 300 MB."""
    forced = {"COLUMNS": "1000000", "FORCE_COLOR": "1", "NO_COLOR": "1"}
    result = run(*command, env=forced)
    assert result.exit_code == 0
    assert "╭" in result.stdout or "┏" in result.stdout  # still drawn by Rich
    assert max(len(line) for line in SGR.sub("", result.stdout).splitlines()) <= 200


@pytest.mark.parametrize(("columns", "widest"), [("1000000", 200), ("0", 30)])
def test_typers_help_keeps_within_the_same_widths(env, columns: str, widest: int):
    env.update(COLUMNS=columns, FORCE_COLOR="1", NO_COLOR="1")
    result = psoas("ask", "--help", env=env)
    lines = SGR.sub("", result.stdout.decode()).splitlines()
    assert result.returncode == 0
    assert any("--limit" in line for line in lines)
    assert max(len(line) for line in lines) <= widest


# --------------------------------------------------------------------------- hostile text

FORGED_QUESTION = "How do I descale a kettle?\nfake-id\tA forged question \u202edesrever\u2066"
FORGED_ID = "kettle\tforged\u200f"
RAW_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_faq(tmp_path: Path) -> Path:
    """A user's FAQ whose fields hold line ends, tabs, bidi controls and half a
    surrogate pair (written as JSON's \\ud83d escape, as a file can hold it)."""
    rows = [
        {
            "id": FORGED_ID,
            "question": FORGED_QUESTION,
            "answer": "Boil water\u2028and vinegar.\nRinse well. \ud83d",
            "topics": ["kitchen\nforged"],
        },
        {"question": "How often should I oil my bike chain?", "answer": "Every 300 km."},
    ]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(rows), encoding="ascii")
    return path


@pytest.mark.parametrize("styled", [False, True], ids=["plain", "rich"])
def test_list_prints_one_line_per_entry_whatever_the_question_holds(run, hostile_faq, styled):
    forced = {"FORCE_COLOR": "1", "NO_COLOR": "1"} if styled else {}
    result = run("list", "--data", str(hostile_faq), env=forced)
    assert result.exit_code == 0
    assert not RAW_HIDDEN.search(SGR.sub("", result.stdout))
    if not styled:
        lines = result.stdout.splitlines()  # splits at U+2028 and the like as well
        assert len(lines) == 2
        assert [line.count("\t") for line in lines] == [1, 1]  # id, tab, question
        assert lines[0] == (
            "kettle\\x09forged\\u200f\tHow do I descale a kettle?\\x0afake-id\\x09"
            "A forged question \\u202edesrever\\u2066  [kitchen\\x0aforged]"
        )


@pytest.mark.parametrize(
    "command",
    [["ask", "descale", "kettle"], ["show", FORGED_ID], ["tip", "--seed", "1"]],
    ids=lambda c: c[0],
)
def test_plain_output_escapes_line_ends_and_bidi_controls_in_every_field(
    run, hostile_faq, command: list[str]
):
    result = run(*command, "--data", str(hostile_faq))
    assert result.exit_code == 0
    assert not RAW_HIDDEN.search(result.stdout)
    assert "A forged question \\u202edesrever" in result.stdout
    assert "\t" not in result.stdout
    assert not any(line.startswith("fake-id") for line in result.stdout.splitlines())


def test_json_keeps_the_fields_and_escapes_what_would_hide_text(run, hostile_faq):
    result = run("list", "--json", "--data", str(hostile_faq))
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    assert json.loads(result.stdout)[0]["question"] == FORGED_QUESTION


@pytest.mark.parametrize("args", [["show", FORGED_ID], ["ask", "--json", "descale", "kettle"]])
def test_half_a_surrogate_pair_is_replaced_never_a_traceback(env, hostile_faq, args: list[str]):
    result = psoas(*args, "--data", str(hostile_faq), env=env)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # strict: every byte is UTF-8
    assert "Rinse well. \ufffd" in (
        json.loads(text)["matches"][0]["answer"] if "{" in text else text
    )


# --------------------------------------------------------------------------- signals

HIDE_CURSOR, SHOW_CURSOR = b"\x1b[?25l", b"\x1b[?25h"


def _read_until(fd: int, wanted: bytes, seen: bytearray, seconds: float = 30) -> bool:
    """Read a pseudo-terminal into ``seen`` until ``wanted`` shows (True) or it closes."""
    import select
    import time

    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other side closed
            return False
        if not chunk:
            return False
        seen += chunk
    return wanted in seen


def _start_on_a_terminal(env: dict[str, str], *args: str) -> tuple[subprocess.Popen, int]:
    """psoas started in a session of its own on a pseudo-terminal 80 columns wide: the
    process and the controlling side of the terminal (the caller closes it)."""
    import termios

    controller, terminal = os.openpty()
    termios.tcsetwinsize(terminal, (24, 80))
    process = subprocess.Popen(
        [*PSOAS, *args],
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    return process, controller


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")
@pytest.mark.parametrize(("signal_name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_during_the_guide_restores_the_cursor(env, signal_name: str, code: int):
    """SIGTERM left the cursor hidden on a terminal; now it cleans up as Ctrl-C does."""
    import signal

    env.pop("COLUMNS")  # the terminal's own width
    env["TERM"] = "xterm-256color"
    process, controller = _start_on_a_terminal(env, "exercises", "--guide", "--hold", "60")
    seen = bytearray()
    try:
        assert _read_until(controller, HIDE_CURSOR, seen), bytes(seen)
        process.send_signal(getattr(signal, signal_name))
        _read_until(controller, b"\x00never", seen)  # everything, to the end
        assert process.wait(timeout=30) == code
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    after = bytes(seen[seen.index(HIDE_CURSOR) :])
    assert SHOW_CURSOR in after
    assert b"Stopped after 0 of" in after
    assert b"Traceback" not in seen


def test_sigterm_ends_a_session_quietly_with_143(env):
    import signal

    process = subprocess.Popen(
        [*PSOAS, "chat"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"psoas stretch\n")
    process.stdin.flush()
    assert process.stdout.readline()  # answering: the session is under way
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143
    assert b"Traceback" not in stderr


# --------------------------------------------------------------------------- waiting for input


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ask", "--json", "-"], "psoas: reading the question: type it, then press Ctrl-D"),
        (["ask", "--batch"], "psoas: reading one question per line, each answered as one JSON"),
    ],
    ids=["ask -", "ask --batch"],
)
def test_reading_stdin_at_a_terminal_says_what_it_waits_for(env, args: list[str], said: str):
    """At a terminal, `ask -` and `ask --batch` waited in silence."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [*PSOAS, *args], env=env, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    os.close(terminal)
    try:
        os.write(controller, b"boat pose\n\x04")  # a line, then Ctrl-D at the start of a line
        stdout, stderr = process.communicate(timeout=30)
    finally:
        os.close(controller)
    assert process.returncode == 0, stderr
    assert stderr.decode().startswith(said)
    assert stderr.decode().rstrip().endswith("Ctrl-D at the start of a line.")
    assert stderr.count(b"\n") == 1
    assert json.loads(stdout.decode().splitlines()[0] if "--batch" in args else stdout)["matches"]


def test_reading_stdin_from_a_pipe_says_nothing(env):
    for args in (["ask", "--json", "-"], ["ask", "--batch"]):
        result = psoas(*args, env=env, input=b"boat pose\n")
        assert result.returncode == 0 and result.stderr == b""


def _guide_on_a_terminal(env: dict[str, str], *args: str) -> bytes:
    """A one-hold routine (1 s) on a pseudo-terminal 80 columns wide; all it wrote."""
    env.pop("COLUMNS", None)
    command = ["exercises", "--guide", "--only", "boat-pose", "--hold", "1", "--ready", "0"]
    process, controller = _start_on_a_terminal(env, *command, *args)
    seen = bytearray()
    try:
        _read_until(controller, b"\x00never", seen)  # everything, to the end
        assert process.wait(timeout=30) == 0, bytes(seen)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return bytes(seen)


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")
@pytest.mark.parametrize("term", ["xterm-256color", "dumb"], ids=["rich", "plain"])
def test_the_bell_rings_at_the_end_of_each_hold_unless_quiet(env, term: str):
    env["TERM"] = term
    rung = _guide_on_a_terminal(env)
    assert rung.count(b"\x07") == 1
    assert rung.index(b"\x07") > rung.index(b"Hold 1 s")
    assert b"Done: 1 of 1 hold" in rung
    assert b"\x07" not in _guide_on_a_terminal(env, "--quiet")


# --------------------------------------------------------------------------- narrow terminals


def test_at_40_columns_a_panel_title_is_cut_with_an_ellipsis_and_the_score_kept(run):
    forced = {"COLUMNS": "40", "FORCE_COLOR": "1", "NO_COLOR": "1"}
    document = json.loads(run("ask", "--json", "why does my lower back hurt").stdout)
    out = SGR.sub("", run("ask", "why does my lower back hurt", env=forced).stdout)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 40
    tops = [line for line in lines if line.startswith("╭─ ")]
    bottoms = [line for line in lines if line.startswith("╰─")]
    assert len(tops) == len(bottoms) == len(document["matches"])
    rows = zip(tops, bottoms, document["matches"], strict=True)
    for number, (top, bottom, match) in enumerate(rows, start=1):
        assert top.endswith("… ─╮") and top.startswith(f"╭─ {number}. ")
        assert bottom.endswith(f"· score {match['score']:.0f} ─╯")
    words = " ".join(line.strip("│ ") for line in lines)
    for match in document["matches"]:  # the whole question still reads inside
        assert f"{match['question']}" in " ".join(words.split())


def _on_a_terminal(env: dict[str, str], columns: int, *args: str) -> str:
    """psoas run with stdout and stderr on a pseudo-terminal ``columns`` wide."""
    import termios

    controller, terminal = os.openpty()
    termios.tcsetwinsize(terminal, (50, columns))
    env.pop("COLUMNS", None)
    process = subprocess.Popen(
        [*PSOAS, *args], env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    seen = bytearray()
    try:
        _read_until(controller, b"\x00never", seen)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return seen.decode().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")
@pytest.mark.parametrize(
    "args",
    [
        [],
        ["ask", "what shoes help lower back pain"],
        ["ask", "-n", "1", "back pain, can't pee"],
        ["list", "--topic", "knit"],
    ],
    ids=["overview", "decline", "warning", "error"],
)
@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_at_40_columns_no_word_is_broken(env, args: list[str], term: str):
    """The overview and the decline were cut inside words ("em/ergency") at 40 columns."""
    env["TERM"] = term
    shown = SGR.sub("", _on_a_terminal(env, 40, *args))
    piped = psoas(*args, env=env)
    whole = set((piped.stdout + piped.stderr).decode().split())
    assert max(len(line) for line in shown.splitlines()) <= 40
    if term == "dumb":  # plain text: the same lines, wrapped between words
        assert set(shown.split()) == whole
    else:  # Rich: every word on screen is one of the output, or cut with an ellipsis
        assert _words(shown) <= _words(" ".join(whole))


def _words(text: str) -> set[str]:
    found = (w.strip("()[],.;:`\"'?") for w in text.split() if "…" not in w)
    return {w.casefold() for w in found if w and not re.fullmatch("[─│╭╮╰╯⚠·]+", w)}
