"""Red flags through the command line: the JSON records, the warning first, the numbers."""

from __future__ import annotations

import json
import re

import pytest

from psoas_cli.triage import load_red_flags

SGR = re.compile(r"\x1b\[[0-9;]*m")
RICH = {"FORCE_COLOR": "1", "NO_COLOR": None}
FLAG_KEYS = {"id", "symptom", "condition", "urgency", "advice"}
#: every emergency number the issue names (UK 999 and 111, US/Canada 911, EU 112, AU 000)
ALL_NUMBERS = ("999", "111", "911", "112", "000")

# Phrasings written for this file, in lay words; each must raise its flag through `ask`.
RED_FLAG_QUERIES = [
    ("my groin and inner thighs feel numb like I'm sitting on a saddle", "saddle-numbness"),
    ("can't feel anything when I wipe my bum", "saddle-numbness"),
    ("I have lost feeling around my private parts", "saddle-numbness"),
    ("I can't pee properly since my back went", "bladder-control"),
    ("I keep wetting myself since my back started hurting", "bladder-control"),
    ("I can't control my bladder anymore", "bladder-control"),
    ("I pooed myself without noticing", "bowel-control"),
    ("both my legs feel weak and wobbly", "both-legs"),
    ("my legs have gone like jelly and my back hurts", "both-legs"),
    ("sciatica down both legs", "both-legs"),
    ("I can't get an erection since my back pain started", "sexual-function"),
    ("I fell down the stairs and now my back hurts", "injury"),
    ("back pain since a car crash last week", "injury"),
    ("fell off a ladder onto my back", "injury"),
    ("I have a fever and back pain", "fever"),
    ("back pain with a high temperature and chills", "fever"),
    ("I feel hot and shivery and my back aches", "fever"),
    ("I've lost a stone without trying and my back aches", "weight-loss"),
    ("back pain that wakes me up at night", "night-pain"),
    ("I've found a lump on my back", "lump"),
    ("there is a swelling near my spine and my back hurts", "lump"),
    ("I had breast cancer five years ago and now my back hurts", "cancer-history"),
    ("I have chest pain and back pain", "chest-pain"),
    ("pain in my chest spreading to my back", "chest-pain"),
    ("a pulsing feeling in my tummy", "aneurysm"),
    ("I can feel my stomach throbbing like a heartbeat", "aneurysm"),
    ("sudden severe back pain and I feel dizzy and clammy", "aneurysm"),
    ("no fever but I can't feel my bottom", "saddle-numbness"),
]

# Ordinary, negated and lookalike queries: no flag.
NO_FLAG_QUERIES = [
    "psoas stretch",
    "why does my lower back hurt",
    "no fever",
    "stiff back, no fever",
    "not feverish but my back is stiff",
    "I have bladder pain",
    "never lost bladder control",
    "no numbness in my legs",
    "no lump or swelling",
    "my outer thigh is numb",
    "I have a saddle sore from cycling",
    "I fell asleep on the sofa and my back hurts",
    "sudden back pain when I bent down",
    "is walking good for hip flexors",
]


def _ask_json(run, *args: str, env: dict[str, str | None] | None = None) -> dict:
    result = run("ask", "--json", *args, env=env)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- JSON records


@pytest.mark.parametrize(("query", "flag_id"), RED_FLAG_QUERIES)
def test_ask_json_lists_the_red_flag(run, query: str, flag_id: str):
    document = _ask_json(run, query)
    flags = document["red_flags"]
    assert flag_id in [flag["id"] for flag in flags]
    for flag in flags:
        assert set(flag) == FLAG_KEYS
        assert flag["urgency"] in {"emergency", "urgent"}
        assert all(isinstance(flag[key], str) and flag[key].strip() for key in FLAG_KEYS)


@pytest.mark.parametrize("query", NO_FLAG_QUERIES)
def test_ask_json_has_no_red_flags_for_ordinary_or_negated_queries(run, query: str):
    assert _ask_json(run, query)["red_flags"] == []


def test_every_flag_family_has_a_phrasing_here():
    assert {flag_id for _, flag_id in RED_FLAG_QUERIES} == {f.id for f in load_red_flags()}


def test_json_records_are_the_flags_own_words_in_the_data_files_order(run):
    query = "I have chest pain and back pain, a fever, and I can't feel my bottom"
    flags = _ask_json(run, query)["red_flags"]
    known = {f.id: f for f in load_red_flags()}
    order = [f.id for f in load_red_flags()]
    ids = [flag["id"] for flag in flags]
    assert set(ids) >= {"chest-pain", "fever", "saddle-numbness"}
    assert ids == sorted(ids, key=order.index) and len(ids) == len(set(ids))
    for flag in flags:
        assert flag == known[flag["id"]]._asdict()


def test_json_keeps_the_answers_in_matches_beside_the_flags(run):
    document = _ask_json(run, "--min-score", "0", "I have a fever and tight hip flexors")
    assert [flag["id"] for flag in document["red_flags"]] == ["fever"]
    assert document["matches"]
    assert all({"id", "question", "answer", "score"} <= set(m) for m in document["matches"])


# --------------------------------------------------------------------------- warning first

WARNING_FIRST_QUERIES = [
    "I have a fever and tight hip flexors",
    "numb between my legs and my psoas hurts",
    "I fell off a ladder and my lower back hurts",
]


@pytest.mark.parametrize("query", WARNING_FIRST_QUERIES)
def test_plain_warning_comes_before_the_first_answer(run, query: str):
    document = _ask_json(run, "--min-score", "0", query)
    assert document["red_flags"] and document["matches"]
    result = run("ask", "--min-score", "0", query)
    assert result.exit_code == 0
    out = result.stdout
    first_question = document["matches"][0]["question"]
    assert "WARNING" in out and first_question in out
    assert out.index("WARNING") < out.index(first_question)
    for flag in document["red_flags"]:
        assert out.index(flag["symptom"]) < out.index(first_question)


@pytest.mark.parametrize("query", WARNING_FIRST_QUERIES)
def test_rich_warning_panel_comes_before_the_first_answer_panel(run, query: str):
    document = _ask_json(run, "--min-score", "0", query)
    assert document["red_flags"] and document["matches"]
    result = run("ask", "--min-score", "0", query, env=RICH)
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout  # drawn by Rich
    out = SGR.sub("", result.stdout)
    warning = out.find("⚠")
    first_answer = out.find("╭─ 1. ")
    assert 0 <= warning < first_answer
    # The warning sits in its own panel, above the answer's panel.
    assert out.rfind("╭", 0, warning) < out.find("╰", warning) < first_answer


@pytest.mark.parametrize("query", ["numb between my legs", "I have a fever"])
def test_a_red_flag_without_an_answer_exits_0_with_the_warning(run, query: str):
    assert _ask_json(run, query)["matches"] == []
    result = run("ask", query)
    assert result.exit_code == 0
    assert result.stdout.startswith("WARNING")
    assert "no answer" in result.stderr


def test_a_red_flag_is_shown_even_when_nothing_is_confident_enough(run):
    result = run("ask", "--min-score", "100", "I have chest pain and back pain")
    assert result.exit_code == 0
    assert "WARNING: GET MEDICAL HELP NOW" in result.stdout
    document = _ask_json(run, "--min-score", "100", "I have chest pain and back pain")
    assert document["matches"] == [] and document["red_flags"]


def test_an_off_topic_query_without_flags_exits_1(run):
    result = run("ask", "recipe for pancakes")
    assert result.exit_code == 1
    assert "WARNING" not in result.output


def test_the_urgency_sets_the_heading(run):
    urgent = run("ask", "--min-score", "100", "I have a fever").stdout
    emergency = run("ask", "--min-score", "100", "a pulsing feeling in my tummy").stdout
    assert "SEE A DOCTOR TODAY" in urgent and "GET MEDICAL HELP NOW" not in urgent
    assert "GET MEDICAL HELP NOW" in emergency


# --------------------------------------------------------------------------- regions

FLAG_QUERY = "I have chest pain and back pain"


def _warning(run, *args: str, env: dict[str, str | None] | None = None) -> str:
    result = run("ask", "--min-score", "100", *args, FLAG_QUERY, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("region", "shown", "absent"),
    [
        ("uk", ("999", "111"), ("911", "112", "000")),
        ("UK", ("999", "111"), ("911", "112", "000")),
        ("us", ("911",), ("999", "112", "000")),
        ("ca", ("911",), ("999", "112", "000")),
        ("eu", ("112",), ("999", "911", "000")),
        ("au", ("000",), ("999", "911", "112")),
        ("nz", ("111",), ("999", "911", "112")),
    ],
)
def test_region_picks_the_emergency_number(run, region: str, shown, absent):
    out = _warning(run, "--region", region)
    assert all(number in out for number in shown)
    assert not any(number in out for number in absent)


def test_without_a_region_every_number_is_named(run):
    out = _warning(run)
    assert all(number in out for number in ALL_NUMBERS)


def test_region_from_the_environment_and_the_option_wins(run):
    out = _warning(run, env={"PSOAS_REGION": "au"})
    assert "000" in out and "999" not in out
    out = _warning(run, "--region", "uk", env={"PSOAS_REGION": "au"})
    assert "999" in out and "000" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--region", "fr", FLAG_QUERY],
        ["ask", "--region", "fr", "psoas stretch"],
        ["ask", "--json", "--region", "fr", FLAG_QUERY],
        ["redflags", "--region", "fr"],
        ["chat", "--region", "fr"],
    ],
)
def test_an_unknown_region_exits_2_with_one_line(run, args: list[str]):
    result = run(*args, input="quit\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("psoas: ") and result.stderr.count("\n") == 1
    assert "'fr'" in result.stderr and "uk" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_region_in_the_environment_exits_2(run):
    result = run("ask", FLAG_QUERY, env={"PSOAS_REGION": "fr"})
    assert result.exit_code == 2 and "unknown region" in result.stderr


# --------------------------------------------------------------------------- psoas redflags


def test_redflags_lists_every_flag_with_its_urgency(run):
    result = run("redflags")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    headings = [line for line in lines if re.match(r"^(EMERGENCY|URGENT): ", line)]
    flags = load_red_flags()
    assert headings == [f"{flag.urgency.upper()}: {flag.symptom}" for flag in flags]
    for flag in flags:
        assert flag.condition in result.stdout and flag.advice in result.stdout
    assert all(number in lines[-1] for number in ALL_NUMBERS)


def test_redflags_json_is_the_list_of_records(run):
    result = run("redflags", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == [flag._asdict() for flag in load_red_flags()]
    assert all(set(record) == FLAG_KEYS for record in document)
    assert {record["urgency"] for record in document} == {"emergency", "urgent"}


def test_redflags_region_names_its_number(run):
    out = run("redflags", "--region", "nz").stdout
    last = out.splitlines()[-1]
    assert "New Zealand" in last and "111" in last
    assert "999" not in last and "911" not in last


def test_redflags_rich_table_names_every_urgency(run):
    result = run("redflags", env=RICH)
    assert result.exit_code == 0
    out = SGR.sub("", result.stdout)
    assert "┏" in out  # a Rich table
    assert out.count("emergency") + out.count("urgent") >= len(load_red_flags())


# --------------------------------------------------------------------------- batch


def test_batch_fills_red_flags_per_line(run):
    lines = [
        "psoas stretch",
        "I can't pee properly since my back went",
        "",
        "stiff back, no fever",
        "I fell down the stairs and now my back hurts",
    ]
    result = run("ask", "--batch", "--json", input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["query"] for d in documents] == lines
    assert [[f["id"] for f in d["red_flags"]] for d in documents] == [
        [],
        ["bladder-control"],
        [],
        [],
        ["injury"],
    ]
    for document in documents:
        assert all(set(flag) == FLAG_KEYS for flag in document["red_flags"])


# ------------------------------------------------------------ after a warning, the safety net

WARNING_QUERY = "my back hurts and I can't feel my bum when I wipe"


def test_json_carries_the_emergency_numbers_only_with_a_warning(run):
    warned = json.loads(run("ask", "--json", WARNING_QUERY).stdout)
    assert [n["region"] for n in warned["emergency_numbers"]] == [
        "uk", "us", "ca", "eu", "au", "nz"
    ]  # fmt: skip
    one = json.loads(run("ask", "--json", "--region", "au", WARNING_QUERY).stdout)
    assert one["emergency_numbers"] == [
        {"region": "au", "name": "Australia", "emergency": "000", "urgent": None}
    ]
    calm = json.loads(run("ask", "--json", "why does my lower back hurt").stdout)
    assert "emergency_numbers" not in calm


def test_after_a_warning_one_answer_is_shown_and_said_not_to_explain_it(run):
    out = run("ask", "my lower back hurts and I can't feel my bum when I wipe").stdout
    warning_at = out.index("WARNING")
    note_at = out.index("it does not explain the warning above")
    assert warning_at < note_at < out.index("1. ")
    assert "\n2. " not in out


def test_after_a_warning_limit_asks_for_more_answers(run):
    out = run("ask", "--limit", "3", "lower back pain and I can't pee").stdout
    assert "WARNING" in out and "\n2. " in out


def test_json_keeps_its_answers_after_a_warning(run):
    document = json.loads(run("ask", "--json", "lower back pain and I can't pee").stdout)
    assert document["red_flags"] and len(document["matches"]) > 1


def test_every_rendered_answer_without_a_warning_ends_with_the_safety_net(run):
    out = run("ask", "why does my lower back hurt").stdout.rstrip()
    assert out.splitlines()[-1].endswith("see `psoas redflags`.")
    declined = run("ask", "how do I descale a kettle")
    assert "psoas redflags" in declined.stderr
    rich = run("ask", "tight hip flexors", env=RICH).stdout
    assert "psoas redflags" in SGR.sub("", rich)


def test_the_safety_net_is_not_shown_after_a_warning_or_with_a_users_faq(run, small_faq):
    assert "see `psoas redflags`" not in run("ask", WARNING_QUERY).stdout
    own = run("ask", "--data", str(small_faq), "descale a kettle").stdout
    assert "redflags" not in own


def test_chat_ends_each_answer_with_the_safety_net_naming_its_own_command(run):
    out = run("chat", input="tight hip flexors\nmore\nredflags\n").stdout
    assert out.count("see `redflags`.") == 2 and "psoas redflags" not in out
    assert "EMERGENCY: " in out  # and `redflags` is a command of the chat


def test_explain_says_why_a_warning_was_raised_and_what_was_set_aside(run):
    out = run("ask", "--explain", "no fever, but I cannot feel my bum").stdout
    assert 'Why saddle-numbness: "cannot feel my" -> numb; "bum" -> saddle' in out
    assert 'Set aside: "fever" (negated)' in out


def test_json_explain_lists_the_words_behind_each_warning_and_every_finding(run):
    document = json.loads(
        run("ask", "--json", "--explain", "no fever, but I cannot feel my bum").stdout
    )
    [flag] = document["red_flags"]
    assert {"concept": "saddle", "words": "bum"} in flag["matched"]
    assert {"concept": "fever", "words": "fever", "clause": 0, "context": "negated"} in document[
        "findings"
    ]


def test_redflags_says_how_warnings_are_found_and_that_they_can_miss(run):
    out = run("redflags").stdout
    assert "can miss wording it does not know" in out
