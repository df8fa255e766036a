"""The command line, end to end through Typer: commands, options, exit codes, JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from psoas_cli import __version__
from psoas_cli.cli import app

ANSI = re.compile(r"\x1b\[")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"psoas {__version__}"


def test_no_command_prints_an_overview_with_examples(run):
    result = run()
    assert result.exit_code == 0
    for command in ("ask", "list", "show", "exercises", "redflags"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), command
    assert "psoas ask" in result.stdout


@pytest.mark.parametrize(
    "command", ["ask", "list", "show", "exercises", "redflags", "eval", "chat", "tip"]
)
def test_every_command_has_help_with_an_example(run, command: str):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert f"psoas {command}" in result.stdout


def test_ask_answers_unquoted_words(run):
    result = run("ask", "why", "does", "my", "lower", "back", "hurt")
    assert result.exit_code == 0
    assert "score" in result.stdout
    assert "back" in result.stdout.lower()
    assert not ANSI.search(result.stdout)


def test_ask_json_contract(run, bundled):
    result = run("ask", "--json", "psoas stretch")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"query", "matches", "red_flags"}
    assert document["query"] == "psoas stretch"
    assert document["red_flags"] == []
    assert 1 <= len(document["matches"]) <= 3
    ids = {e.id for e in bundled.entries}
    for match in document["matches"]:
        assert set(match) == {"id", "question", "answer", "score", "related"}
        assert set(match["related"]) <= ids - {m["id"] for m in document["matches"]}
        assert isinstance(match["score"], float) and 0 <= match["score"] <= 100
    scores = [m["score"] for m in document["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_limit(run):
    document = json.loads(run("ask", "--json", "-n", "1", "tight psoas mid back").stdout)
    assert len(document["matches"]) == 1  # a ceiling, even when two are close
    document = json.loads(run("ask", "--json", "--limit", "5", "--min-score", "0", "psoas").stdout)
    assert len(document["matches"]) == 5


def test_ask_declines_off_topic_with_exit_1(run):
    result = run("ask", "recipe for pancakes")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No confident answer" in result.stderr
    assert "psoas list" in result.stderr


def test_ask_json_decline_is_an_empty_match_list(run):
    result = run("ask", "--json", "my cat is sneezing")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["matches"] == []


def test_ask_min_score_overrides_the_threshold(run):
    assert run("ask", "--min-score", "100", "hip flexor").exit_code == 1
    assert run("ask", "--min-score", "0", "hip flexor").exit_code == 0


@pytest.mark.parametrize("args", [["ask"], ["ask", "   "], ["ask", "-"]])
def test_an_empty_query_is_a_usage_error(run, args: list[str]):
    result = run(*args, input="")
    assert result.exit_code == 2
    assert "empty query" in result.stderr


def test_ask_reads_the_query_from_stdin(run):
    result = run("ask", "--json", "-", input="boat pose\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["query"] == "boat pose"


@pytest.mark.parametrize("args", [["--limit", "0"], ["--min-score", "101"], ["--nope"]])
def test_bad_options_exit_2(run, args: list[str]):
    assert run("ask", *args, "psoas").exit_code == 2


def test_ask_explain_names_the_typo_and_synonym(run):
    result = run("ask", "--explain", "psoes ache")
    assert result.exit_code == 0
    assert "psoes -> psoas (typo" in result.stdout
    assert "ache -> pain (synonym" in result.stdout


def test_batch_answers_one_json_line_per_input_line(run):
    result = run(
        "ask", "--batch", "--json", input="psoas stretch\n\nrecipe for pancakes\nboat pose\n"
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    documents = [json.loads(line) for line in lines]
    assert [d["query"] for d in documents] == [
        "psoas stretch",
        "",
        "recipe for pancakes",
        "boat pose",
    ]
    assert documents[0]["matches"] and documents[3]["matches"]
    assert documents[1]["matches"] == [] and documents[2]["matches"] == []


def test_list_plain_is_one_entry_per_line(run, bundled):
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(bundled.entries)
    assert lines[0].startswith(bundled.entries[0].id + "\t")


def test_list_json_and_topic_filter(run, bundled):
    document = json.loads(run("list", "--json").stdout)
    assert [d["id"] for d in document] == [e.id for e in bundled.entries]
    assert set(document[0]) == {"id", "question", "topics"}
    release = json.loads(run("list", "--json", "--topic", "Release").stdout)
    assert release and all("release" in d["topics"] for d in release)
    missing = run("list", "--topic", "knitting")
    assert missing.exit_code == 1 and "Topics:" in missing.stderr


def test_show_prints_one_entry(run, bundled):
    entry = bundled.entries[0]
    result = run("show", entry.id)
    assert result.exit_code == 0
    assert entry.question in result.stdout and entry.answer in result.stdout
    document = json.loads(run("show", "--json", entry.id).stdout)
    assert document == {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "topics": list(entry.topics),
    }


def test_show_unknown_id_suggests_close_ids(run):
    result = run("show", "psoas-back-pian")
    assert result.exit_code == 1
    assert "no entry with id" in result.stderr
    assert "psoas-back-pain" in result.stderr


def test_exercises_list_steps_and_their_question(run, bundled):
    result = run("exercises")
    assert result.exit_code == 0
    for exercise in bundled.exercises:
        assert exercise.name in result.stdout
        assert f"1. {exercise.steps[0]}" in result.stdout
    document = json.loads(run("exercises", "--json").stdout)
    assert [set(d) for d in document] == [{"id", "name", "steps", "source_id"}] * 3


def test_data_option_and_environment_variable(run, small_faq: Path):
    result = run("ask", "--json", "--data", str(small_faq), "descale the kettle")
    assert json.loads(result.stdout)["matches"][0]["id"] == "kettle-descale"
    result = run("list", "--json", env={"PSOAS_DATA": str(small_faq)})
    assert len(json.loads(result.stdout)) == 3
    assert run("exercises", "--data", str(small_faq)).exit_code == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        ("", "empty"),
        ("[{", "invalid JSON"),
        ('[{"question": "Q"}]', "missing 'answer'"),
    ],
)
@pytest.mark.parametrize("command", [["ask", "psoas"], ["list"], ["show", "x"], ["exercises"]])
def test_unusable_data_file_exits_2_with_one_line(run, tmp_path: Path, content, message, command):
    path = tmp_path / "faq.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(*command, "--data", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("psoas: ") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "text",
    ["[/]", "[bold]x", "\x1b[31mred\x1b[0m", "bell\x07 and \x9b31m", "[link=http://x]y[/link]"],
)
def test_query_and_data_strings_print_literally(run, tmp_path: Path, text: str):
    path = tmp_path / "faq.json"
    rows = [
        {"id": "odd", "question": f"Odd sample {text} text?", "answer": f"It is {text} indeed."}
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    for env in ({}, {"FORCE_COLOR": "1", "NO_COLOR": None}):
        result = run("ask", "--data", str(path), f"odd sample {text} text", env=env)
        assert result.exit_code == 0, result.output
        printable = text.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\x9b", "\\x9b")
        shown = SGR.sub("", result.stdout)  # Rich's own styling removed, nothing else
        assert printable in shown
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown)
        if not env:
            assert shown == result.stdout
    result = run("ask", "--json", "--data", str(path), f"odd sample {text}")
    document = json.loads(result.stdout)
    assert document["matches"][0]["answer"] == f"It is {text} indeed."
    assert "\x9b" not in result.stdout


def test_markup_in_the_query_does_not_crash(run):
    for query in ("[/]", "[bold]x", "[red]psoas[/red]"):
        result = run("ask", query)
        assert result.exit_code in (0, 1)
        assert "Traceback" not in result.output


def _query_of(length: int) -> str:
    return ("psoas stretch " + "lorem ipsum dolor " * 600)[: length - 1] + "x"


@pytest.mark.parametrize("via_stdin", [False, True], ids=["words", "stdin"])
def test_a_query_of_10000_characters_is_answered(run, via_stdin: bool):
    query = _query_of(10_000)
    args = ["ask", "--json", "-"] if via_stdin else ["ask", "--json", query]
    result = run(*args, input=query if via_stdin else None)
    assert result.exit_code in (0, 1)
    assert json.loads(result.stdout)["query"] == query


@pytest.mark.parametrize("via_stdin", [False, True], ids=["words", "stdin"])
def test_a_query_over_10000_characters_is_a_usage_error(run, via_stdin: bool):
    query = _query_of(10_001)
    args = ["ask", "-"] if via_stdin else ["ask", query]
    result = run(*args, input=query if via_stdin else None)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "psoas: the query is longer than 10,000 characters; ask a shorter question\n"
    )


def test_an_overlong_batch_line_gets_an_error_line_and_the_batch_goes_on(run):
    lines = ["psoas stretch", _query_of(10_001), _query_of(10_000), "boat pose"]
    result = run("ask", "--batch", input="\r\n".join(lines) + "\r\n")
    assert result.exit_code == 2
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    message = "line 2 is longer than 10,000 characters; not answered"
    assert documents[1] == {"line": 2, "error": message}
    assert [d.get("query") for d in documents] == [lines[0], None, lines[2], lines[3]]
    assert result.stderr == f"psoas: {message}\n"


def test_force_color_draws_with_rich_in_a_pipe(run):
    result = run("ask", "psoas stretch", env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert ANSI.search(result.stdout)
    assert "General information" in result.stdout


def test_no_color_removes_colour_even_when_forced(run):
    result = run("ask", "psoas stretch", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "╭" in result.stdout  # still drawn with Rich
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", result.stdout)  # but no colour


def test_typer_app_is_exposed_for_completion():
    result = (
        __import__("typer.testing")
        .testing.CliRunner()
        .invoke(app, ["--show-completion", "bash"], env={"SHELL": "/bin/bash"})
    )
    assert result.exit_code == 0
    assert "_PSOAS_COMPLETE" in result.stdout


def test_eval_reports_the_figures_and_the_misses(run, tmp_path: Path, bundled):
    path = tmp_path / "queries.jsonl"
    rows = [
        {"query": "boat pose", "relevant": ["release-iliopsoas"]},
        {"query": "psoas stretch", "relevant": ["How do you release the iliopsoas muscle?"]},
        {"query": "recipe for pancakes", "relevant": []},
        {"query": "boat pose", "relevant": ["hip-to-back-muscle"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    document = json.loads(run("eval", "--json", str(path)).stdout)
    assert (document["queries"], document["in_scope"], document["off_topic"]) == (4, 3, 1)
    assert document["top1"] == pytest.approx(2 / 3, abs=1e-3)
    assert document["declined"] == 1.0 and document["overall"] == 0.75
    assert [m["query"] for m in document["misses"]] == ["boat pose"]
    text = run("eval", str(path)).stdout
    assert "overall  0.750" in text and "expected hip-to-back-muscle" in text


@pytest.mark.parametrize(
    ("relevant", "absent", "present"),
    [
        (["release-iliopsoas"], ["declined"], ["top1", "top3", "mrr"]),
        ([], ["top1", "top3", "mrr"], ["declined"]),
    ],
    ids=["nothing to decline", "nothing to answer"],
)
def test_eval_says_n_a_for_a_figure_with_nothing_to_measure(
    run, tmp_path: Path, relevant: list[str], absent: list[str], present: list[str]
):
    path = tmp_path / "queries.jsonl"
    path.write_text(json.dumps({"query": "boat pose", "relevant": relevant}), encoding="utf-8")
    document = json.loads(run("eval", "--json", str(path)).stdout)
    assert [document[name] for name in absent] == [None] * len(absent)
    assert all(isinstance(document[name], float) for name in present)
    labels = {"top1": "top-1   ", "top3": "top-3   ", "mrr": "MRR     ", "declined": "declined"}
    text = run("eval", str(path)).stdout
    assert all(f"{labels[name]} n/a" in text for name in absent)
    assert not any(f"{labels[name]} n/a" in text for name in present)


def test_eval_with_a_broken_file_exits_2(run, tmp_path: Path):
    path = tmp_path / "queries.jsonl"
    path.write_text('{"query": "x", "relevant": []}\nnot json\n', encoding="utf-8")
    result = run("eval", str(path))
    assert result.exit_code == 2 and "line 2" in result.stderr


def test_json_puts_the_warnings_before_the_answers(run):
    document = json.loads(run("ask", "--json", "back pain and a fever").stdout)
    assert list(document) == ["query", "red_flags", "emergency_numbers", "matches"]
    assert document["red_flags"]


def test_see_also_never_repeats_an_answer_or_an_earlier_suggestion(run):
    document = json.loads(run("ask", "--json", "--limit", "3", "tight hip flexors").stdout)
    shown = [m["id"] for m in document["matches"]]
    offered = [i for m in document["matches"] for i in m["related"]]
    assert not set(offered) & set(shown)
    assert len(offered) == len(set(offered))


@pytest.mark.parametrize("command", ["ask", "chat", "eval"])
def test_help_states_the_real_default_threshold(run, command: str):
    from psoas_cli.matcher import DEFAULT_MIN_SCORE

    text = " ".join(run(command, "--help", env={"COLUMNS": "200"}).stdout.split())
    assert f"[default: {DEFAULT_MIN_SCORE:g}]" in text


@pytest.mark.parametrize(
    "command", ["ask", "list", "show", "exercises", "redflags", "eval", "chat", "tip"]
)
def test_help_names_arguments_plainly_and_keeps_paragraphs_whole(run, command: str):
    out = run(command, "--help", env={"COLUMNS": "200"}).stdout
    usage = next(line for line in out.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage
    assert not re.search(r"[a-z] \.(\s|$)", out)  # no "[default: N]" eaten as markup
    for paragraph in re.split(r"\n\s*\n", out.split("Examples")[0]):
        # a paragraph's lines end only where the width does: no stray line break
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        assert all(len(line) > 150 for line in lines[:-1]), paragraph


def test_help_text_of_eval_and_show(run):
    assert "top-1, top-3, MRR, declined" in run("eval", "--help", env={"COLUMNS": "200"}).stdout
    assert "Usage: psoas show [OPTIONS] ID " in run("show", "--help").stdout
    limit = run("ask", "--help", env={"COLUMNS": "200"}).stdout
    assert "[default: 3; 1 after a warning]" in limit


def test_every_command_is_in_the_readme():
    import typer

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    names = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert names
    for name, command in names.items():
        assert f"psoas {name}" in readme, name
        assert command.help and "Examples" in command.help, name


def _write_faq(path: Path, count: int) -> None:
    rows = [
        {"question": f"Question number {n} about topic {n % 7}?", "answer": f"Answer {n}."}
        for n in range(count)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")


def test_indexing_a_large_file_shows_progress_on_a_terminal(run, tmp_path, monkeypatch):
    from psoas_cli import render

    monkeypatch.setattr(render, "PROGRESS_FROM", 10)
    monkeypatch.setattr(render, "_styled", lambda stream: True)
    path = tmp_path / "faq.jsonl"
    _write_faq(path, 50)
    result = run("ask", "--json", "--data", str(path), "question number 7")
    assert result.exit_code == 0
    assert "Indexing 50 entries" in result.stderr


def test_no_progress_when_stderr_is_not_a_terminal(run, tmp_path, monkeypatch):
    from psoas_cli import render

    monkeypatch.setattr(render, "PROGRESS_FROM", 10)
    path = tmp_path / "faq.jsonl"
    _write_faq(path, 50)
    result = run("ask", "--json", "--data", str(path), "question number 7")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_chat_more_numbers_on_from_the_first_answers(run):
    result = run("chat", "--limit", "2", input="tight hip flexors\nmore\n")
    numbers = [int(m) for m in re.findall(r"^(\d+)\. ", result.stdout, re.M)]
    assert numbers[:4] == [1, 2, 3, 4]


def _psoas(*args: str, **kwargs):
    import subprocess
    import sys

    command = [sys.executable, "-m", "psoas_cli", *args]
    return subprocess.run(command, capture_output=True, **kwargs)


def test_bytes_that_are_not_utf8_never_break_the_json(tmp_path: Path):
    env = {"PSOAS_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    for args, stdin in (
        ((b"ask", b"--json", b"\xff psoas"), b""),
        ((b"ask", b"--batch"), b"\xff psoas\n"),
    ):
        result = _psoas(*[a.decode("utf-8", "surrogateescape") for a in args], input=stdin, env=env)
        assert result.returncode in (0, 1), result.stderr
        assert "psoas" in json.loads(result.stdout.decode("utf-8"))["query"]


def test_only_without_guide_is_a_usage_error(run):
    result = run("exercises", "--only", "boat-pose")
    assert result.exit_code == 2 and "--guide" in result.stderr


def test_not_a_number_threshold_is_a_usage_error(run):
    result = run("ask", "--min-score", "nan", "psoas")
    assert result.exit_code == 2 and "--min-score" in result.stderr


def test_an_unknown_topic_in_json_is_an_empty_list(run):
    result = run("list", "--json", "--topic", "knitting")
    assert result.exit_code == 1 and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"query": "psoas pain"}', "'relevant' must be a list"),
        ('{"query": "psoas pain", "relevant": "psoas-back-pain"}', "'relevant' must be a list"),
        ('{"query": "psoas pain", "relevant": ["no-such-entry"]}', "no entry has the id"),
        ('{"query": "psoas pain", "relevant": [null]}', "'relevant' must be a list"),
    ],
)
def test_eval_refuses_labels_it_cannot_use(run, tmp_path: Path, line: str, message: str):
    path = tmp_path / "queries.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = run("eval", str(path))
    assert result.exit_code == 2 and message in result.stderr and "line 1" in result.stderr


def test_show_ignores_the_case_of_an_id(run, bundled):
    entry = bundled.entries[0]
    result = run("show", "--json", entry.id.upper())
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == entry.id


def test_gb_is_the_uk(run):
    result = run("redflags", "--region", "GB")
    assert result.exit_code == 0 and "999" in result.stdout


def test_did_you_mean_when_the_top_two_read_the_query_differently(run, tmp_path: Path):
    path = tmp_path / "faq.json"
    rows = [
        {"id": "a", "question": "How do I oil a bike chain?", "answer": "With chain oil."},
        {"id": "b", "question": "How do I clean a bike chain?", "answer": "Degrease it."},
        {"id": "c", "question": "How do I descale a kettle?", "answer": "With vinegar."},
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    result = run("ask", "--data", str(path), "--limit", "2", "oil or clean my bike chain")
    assert result.exit_code == 0
    assert result.stdout.startswith("Did you mean one of these?")
    assert "[a, score" in result.stdout and "[b, score" in result.stdout
    # a limit is a ceiling, and one answer alone is no question of what was meant
    result = run("ask", "--data", str(path), "--limit", "1", "oil or clean my bike chain")
    assert "Did you mean" not in result.stdout and "[b, score" not in result.stdout


def test_no_did_you_mean_when_close_answers_read_the_query_alike(run):
    result = run("ask", "why does my lower back hurt")
    assert result.exit_code == 0 and "Did you mean" not in result.stdout


GOLDEN = Path(__file__).parent / "data" / "golden_ask.txt"


def test_a_rendered_answer_matches_the_golden_file(run):
    """The plain rendering, byte for byte (PSOAS_UPDATE_GOLDEN=1 rewrites it)."""
    import os

    result = run("ask", "--explain", "--limit", "2", "psoes streches for my lower back")
    assert result.exit_code == 0
    if os.environ.get("PSOAS_UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("via", ["option", "environment"])
def test_every_hint_repeats_the_data_option(run, small_faq: Path, tmp_path: Path, via: str):
    spaced = tmp_path / "my faq.jsonl"
    spaced.write_bytes(small_faq.read_bytes())
    option = ["--data", str(spaced)] if via == "option" else []
    env = {"PSOAS_DATA": str(spaced)} if via == "environment" else {}
    hint = f"`psoas list --data '{spaced}'`"
    declined = run("ask", *option, "how do I tune a piano", env=env)
    assert declined.exit_code == 1
    assert f"Run {hint} to see every question." in declined.stderr
    unknown = run("show", *option, "kettle-descal", env=env)
    assert unknown.exit_code == 1
    assert f"Run {hint} to see every id." in unknown.stderr
    assert "Did you mean: kettle-descale?" in unknown.stderr


def test_the_empty_query_hint_keeps_the_data_too(run, small_faq: Path):
    result = run("ask", "--data", str(small_faq), "  ")
    assert result.exit_code == 2
    assert result.stderr == (
        f"psoas: empty query: say what you want to know, psoas ask --data {small_faq} "
        "YOUR QUESTION\n"
    )


def test_hints_on_the_bundled_faq_name_plain_commands(run):
    assert "Run `psoas list` to see every question." in run("ask", "recipe for pancakes").stderr
    assert "Run `psoas list` to see every id." in run("show", "nope").stderr


@pytest.mark.parametrize(
    ("asked", "topic"),
    [
        ("exercise", "exercises"),
        ("Exercises", "exercises"),
        ("lower back", "lower-back"),
        ("LOWER_BACK", "lower-back"),
        ("mid back", "mid-back"),
        ("cause", "causes"),
        ("hips", "hip"),
        ("symptom", "symptoms"),
    ],
)
def test_a_topic_is_found_whatever_its_number_case_or_spacing(run, asked: str, topic: str):
    result = run("list", "--json", "--topic", asked)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document and all(topic in d["topics"] for d in document)
    assert document == json.loads(run("list", "--json", "--topic", topic).stdout)


def test_an_unknown_topic_suggests_close_ones(run):
    result = run("list", "--topic", "lowr bak")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "psoas: no entries with topic 'lowr bak'",
        "Did you mean: lower-back?",
        "Topics: causes, lower-back, posture, anatomy, sitting, symptoms, bursitis, release, "
        "exercises, hip, mid-back, injury",
    ]


EVIDENCE_KEYS = {"query_word", "entry_term", "how", "where", "weight", "counts"}


def test_json_explain_puts_the_explanation_in_each_match(run):
    plain = run("ask", "--explain", "--limit", "1", "psoes ache").stdout
    document = json.loads(run("ask", "--json", "--explain", "--limit", "1", "psoes ache").stdout)
    [match] = document["matches"]
    assert match["explanation"] and all(set(e) == EVIDENCE_KEYS for e in match["explanation"])
    assert {
        "query_word": "psoes",
        "entry_term": "psoas",
        "how": "typo",
        "where": match["explanation"][0]["where"],
        "weight": 0.6,
        "counts": match["explanation"][0]["counts"],
    } in match["explanation"]
    for item in match["explanation"]:  # the same facts as the "why:" line
        assert f"{item['query_word']} -> {item['entry_term']} ({item['how']}, " in plain
        assert f"weight {item['weight']:.2f}, counts {item['counts']:.2f})" in plain
    assert document["read_as"] is None and document["red_flags"] == []
    quiet = json.loads(run("ask", "--json", "psoes ache").stdout)
    assert "explanation" not in quiet["matches"][0] and "read_as" not in quiet


def test_json_explain_names_the_sentence_read_as_the_question(run):
    story = (
        "I have been sitting at a desk all day for years and I go to the gym twice a week. "
        "Lately my hips feel stiff. Why do my hip flexors and lower back hurt?"
    )
    document = json.loads(run("ask", "--json", "--explain", story).stdout)
    assert document["read_as"] == "Why do my hip flexors and lower back hurt?"
    assert f'Read as the question: "{document["read_as"]}"' in run("ask", "--explain", story).stdout


def test_batch_explain_explains_each_line(run):
    result = run("ask", "--batch", "--explain", input="psoes ache\nboat pose\n")
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == 2
    assert all(m["explanation"] for d in documents for m in d["matches"])
    assert all("findings" in d for d in documents)


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash's Tab offers after ``words`` (the last word is the one being typed)."""
    from typer.testing import CliRunner

    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    completion = {"_PSOAS_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(app, [], env={**completion, **(env or {})}, prog_name="psoas")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_completion_offers_entry_ids_topics_exercises_and_regions(bundled):
    assert _complete("psoas show ") == [e.id for e in bundled.entries]
    assert _complete("psoas show release-") == ["release-psoas-tension", "release-iliopsoas"]
    assert _complete("psoas list --topic ") == bundled.topics
    assert _complete("psoas list -t low") == ["lower-back"]
    assert _complete("psoas exercises --guide --only ") == [x.id for x in bundled.exercises]
    assert _complete("psoas exercises --guide --only bo") == ["boat-pose"]
    for command in ("ask", "chat", "redflags"):
        assert _complete(f"psoas {command} --region ") == ["uk", "us", "ca", "eu", "au", "nz"]
    assert _complete("psoas redflags --region n") == ["nz"]


def test_completion_reads_the_faq_given_with_data(small_faq: Path, tmp_path: Path):
    env = {"PSOAS_CACHE_DIR": str(tmp_path / "cache")}
    data = f"psoas show --data {small_faq} "
    assert _complete(data, env) == [
        "kettle-descale",
        "bike-chain",
        "why-does-my-sourdough-not-rise",
    ]
    assert _complete(f"psoas list --data {small_faq} --topic ", env) == ["kitchen"]
    assert _complete(f"psoas exercises --data {small_faq} --guide --only ", env) == []
    # a file that cannot be read offers nothing, and says nothing
    assert _complete(f"psoas show --data {tmp_path / 'missing.json'} ", env) == []


def test_zsh_completion_describes_each_value():
    from typer.testing import CliRunner

    env = {"_PSOAS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "psoas show psoas-"}
    result = CliRunner().invoke(app, [], env=env, prog_name="psoas")
    assert '"psoas-back-pain":"Can the psoas muscle cause back pain?"' in result.stdout


@pytest.mark.parametrize(
    "words", ["psoas a", "psoas show ", "psoas ask --region ", "psoas list --topic "]
)
def test_completion_imports_neither_rich_nor_rapidfuzz(words: str, tmp_path: Path):
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "PSOAS_CACHE_DIR": str(tmp_path),
        "_PSOAS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    code = "import sys; from psoas_cli.__main__ import main; sys.argv = ['psoas']; main()"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.split()  # it offered something
    imported = {line.split("|")[-1].strip() for line in result.stderr.decode().splitlines()}
    assert not {name for name in imported if name.split(".")[0] in ("rich", "rapidfuzz")}


def test_completion_of_a_large_stored_faq_offers_every_id(tmp_path: Path):
    words = "about the hips, the psoas and the lower back when sitting all day at a desk"
    rows = [{"question": f"Question {n} {words}?", "answer": "An answer."} for n in range(700)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(rows), encoding="utf-8")  # over 64 KB: kept in the store
    env = {"PSOAS_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # indexed and stored, then read from the store
        offered = _complete(f"psoas show --data {path} question-1", env)
        assert len(offered) == 111 and all(i.startswith("question-1") for i in offered)
    assert (tmp_path / "cache" / "index.sqlite3").exists()
