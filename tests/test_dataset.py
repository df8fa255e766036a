"""Loading the bundled dataset and users' FAQ files, good and broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from psoas_cli.dataset import (
    Dataset,
    DatasetError,
    Entry,
    LazyEntries,
    load_file,
    slugify,
)

SOURCE_PAGE = Path(__file__).parent / "fixtures" / "source_page.txt"


def _source_pairs() -> list[tuple[str, str]]:
    """Question and answer pairs of the source page; its title repeats the first question."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", SOURCE_PAGE.read_text("utf-8"))]
    paragraphs = [p for p in paragraphs if p][1:]
    pairs: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        if paragraph.endswith("?") and "\n" not in paragraph:
            pairs.append((paragraph, []))
        else:
            pairs[-1][1].append(paragraph)
    return [(q, " ".join(" ".join(a).split())) for q, a in pairs]


def test_bundled_entries_are_the_source_page_word_for_word(bundled):
    expected = _source_pairs()
    assert len(expected) == 12
    got = [(e.question, " ".join(e.answer.split())) for e in bundled.entries]
    assert got == expected


def test_bundled_entries_have_readable_unique_ids_and_topics(bundled):
    assert repr(bundled) == "Dataset(12 entries from bundled)"
    ids = [e.id for e in bundled.entries]
    assert len(set(ids)) == len(ids)
    for entry in bundled.entries:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.id)
        assert entry.topics, entry.id


def test_exercises_come_from_the_page_and_link_to_their_entry(bundled):
    names = [x.name for x in bundled.exercises]
    assert names == ["Psoas Stretch", "Boat Pose", "Upper Psoas Release"]
    page = " ".join(SOURCE_PAGE.read_text("utf-8").split()).lower()
    for exercise in bundled.exercises:
        assert bundled.get(exercise.source_id) is not None
        for step in exercise.steps:
            # Each step is a sentence of the page, at most re-capitalised and re-punctuated.
            assert step.rstrip(".").lower() in page, step


@pytest.mark.parametrize(
    "text, suffix",
    [
        (
            '[{"question": "Q one?", "answer": "A one."}, {"question": "Q two?", "answer": "B"}]',
            ".json",
        ),
        (
            '{"question": "Q one?", "answer": "A one."}\n\n{"question": "Q two?", "answer": "B"}\n',
            ".jsonl",
        ),
        ('question,answer\nQ one?,A one.\n"Q two?","B"\n', ".csv"),
        ("\ufeffquestion,answer\nQ one?,A one.\nQ two?,B\n", ".csv"),
        (
            '{"faq": [{"question": "Q one?", "answer": "A one."}, {"question": "Q two?", '
            '"answer": "B"}]}',
            ".json",
        ),
    ],
    ids=["json-array", "jsonl", "csv", "csv-with-bom", "json-wrapped-array"],
)
def test_user_files_in_every_format(tmp_path: Path, text: str, suffix: str):
    path = tmp_path / f"faq{suffix}"
    path.write_text(text, encoding="utf-8")
    dataset = load_file(path)
    assert [e.question for e in dataset.entries] == ["Q one?", "Q two?"]
    assert [e.id for e in dataset.entries] == ["q-one", "q-two"]


def test_optional_fields_are_read_and_extra_keys_ignored(tmp_path: Path):
    path = tmp_path / "faq.json"
    rows = [{"id": "x1", "question": "Q?", "answer": "A", "topics": ["t1", "t2"], "votes": 3}]
    path.write_text(json.dumps(rows), encoding="utf-8")
    entry = load_file(path).entries[0]
    assert (entry.id, entry.topics) == ("x1", ("t1", "t2"))


def test_csv_topics_are_split_on_semicolons(tmp_path: Path):
    path = tmp_path / "faq.csv"
    path.write_text("id,question,answer,topics\na,Q?,A,one; two\n", encoding="utf-8")
    assert load_file(path).entries[0].topics == ("one", "two")


def test_generated_ids_stay_unique(tmp_path: Path):
    path = tmp_path / "faq.jsonl"
    rows = [{"question": "Same question?", "answer": str(n)} for n in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert [e.id for e in load_file(path).entries] == [
        "same-question",
        "same-question-2",
        "same-question-3",
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.json", None, "no such file"),
        ("empty.json", "", "empty"),
        ("blank.jsonl", "\n\n  \n", "empty"),
        ("array.json", "[]", "no entries"),
        ("bad.json", '[{"question": "Q?", "answer": "A"},', "line 1 column"),
        ("bad.jsonl", '{"question": "Q?", "answer": "A"}\n{"question": oops}\n', "line 2"),
        ("noanswer.jsonl", '{"question": "Q?"}\n', "line 1: missing 'answer'"),
        ("emptyq.json", '[{"question": "  ", "answer": "A"}]', "entry 1: empty question"),
        ("emptya.json", '[{"question": "Q", "answer": ""}]', "entry 1: empty answer"),
        ("number.json", '[{"question": 5, "answer": "A"}]', "'question' must be text"),
        ("notobj.json", '["just text"]', "entry 1: expected an object"),
        (
            "dupe.json",
            '[{"id": "a", "question": "Q", "answer": "A"},'
            ' {"id": "a", "question": "R", "answer": "B"}]',
            "entry 2: duplicate id 'a'",
        ),
        ("header.csv", "q,a\nQ?,A\n", "'question' and 'answer' columns"),
        ("object.json", '{"answers": 3, "x": {}}', "expected a JSON array"),
    ],
)
def test_broken_files_give_a_clear_error_naming_the_file(
    tmp_path: Path, name: str, content: str | None, message: str
):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_non_utf8_file_names_the_line(tmp_path: Path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("question,answer\nQ?,A\nCaf\u00e9?,B\n".encode("latin-1"))
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert (
        str(caught.value) == f"{path}: line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )


def test_a_directory_is_not_a_dataset(tmp_path: Path):
    with pytest.raises(DatasetError, match="is a directory"):
        load_file(tmp_path)


#: Edited copies of the bundled data files, each loaded by ``load_bundled`` in a copy of
#: the package (see ``bundled_outcomes``): what it gives, or the error it raises.
EXERCISE = {"id": "x", "name": "X", "steps": ["Lie down."], "source_id": "release-iliopsoas"}
EDITED_DATA = {
    "faq-without-id": (
        "faq.json",
        [{"id": "a", "question": "Q", "answer": "A"}, {"question": "R", "answer": "B"}],
    ),
    "not-an-object": ("exercises.json", ["Lie down."]),
    "no-steps": ("exercises.json", [{k: v for k, v in EXERCISE.items() if k != "steps"}]),
    "empty-steps": ("exercises.json", [{**EXERCISE, "steps": []}]),
    "steps-as-text": ("exercises.json", [{**EXERCISE, "steps": "Lie down."}]),
    "blank-step": ("exercises.json", [{**EXERCISE, "steps": ["Lie down.", " "]}]),
    "duplicate-id": ("exercises.json", [EXERCISE, EXERCISE]),
    "unknown-source": ("exercises.json", [{**EXERCISE, "source_id": "nope"}]),
    "sides": ("exercises.json", [{**EXERCISE, "sides": ["left", "right"]}]),
    "faq-not-json": ("faq.json", "oops"),
}

_LOAD_EACH = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from psoas_cli.dataset import DatasetError, load_bundled
data, cases = Path(sys.argv[1]) / "data", json.loads(sys.argv[2])
originals = {name: (data / name).read_text("utf-8") for name in ("faq.json", "exercises.json")}
for case, (name, records) in cases.items():
    for original, text in originals.items():
        (data / original).write_text(text, "utf-8")
    text = records if isinstance(records, str) else json.dumps(records)
    (data / name).write_text(text, "utf-8")
    try:
        outcome = [list(x.sides) for x in load_bundled().exercises]
    except DatasetError as error:
        outcome = str(error).replace(str(data), "data")
    print(json.dumps([case, outcome]))
"""


@pytest.fixture(scope="module")
def bundled_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Each of EDITED_DATA loaded as the bundled data, as in a checkout whose data/ was
    edited: a copy of the package next to a pyproject.toml and its own data/ folder."""
    import shutil
    import subprocess
    import sys

    import psoas_cli
    from psoas_cli.resources import data_file

    root = tmp_path_factory.mktemp("checkout")
    package = Path(psoas_cli.__file__).parent
    shutil.copytree(package, root / "psoas_cli", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "pyproject.toml").write_text("", "utf-8")
    (root / "data").mkdir()
    for name in ("faq.json", "exercises.json"):
        shutil.copy(data_file(name), root / "data" / name)
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_EACH, str(root), json.dumps(EDITED_DATA)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(line) for line in done.stdout.splitlines())


@pytest.mark.parametrize(
    "case, outcome",
    [
        ("faq-without-id", "data/faq.json: entry 2: missing 'id'"),
        ("not-an-object", "data/exercises.json: entry 1: expected an object"),
        ("no-steps", "data/exercises.json: entry 1: missing 'steps'"),
        ("empty-steps", "data/exercises.json: entry 1: 'steps' must be a non-empty list of text"),
        ("steps-as-text", "data/exercises.json: entry 1: 'steps' must be a non-empty list of text"),
        ("blank-step", "data/exercises.json: entry 1: 'steps' must be a non-empty list of text"),
        ("duplicate-id", "data/exercises.json: entry 2: duplicate id 'x'"),
        ("unknown-source", "data/exercises.json: entry 1: unknown source_id 'nope'"),
        ("sides", [["left", "right"]]),
        ("faq-not-json", "data/faq.json: line 1 column 1: invalid JSON (Expecting value)"),
    ],
)
def test_edited_bundled_data_is_checked_entry_by_entry(bundled_outcomes, case: str, outcome):
    assert bundled_outcomes[case] == outcome


@pytest.mark.parametrize(
    "question, slug",
    [
        ("Can the psoas cause pain?", "can-the-psoas-cause-pain"),
        ("Ça va?", "ca-va"),
        ("???", "entry"),
    ],
)
def test_slugify(question: str, slug: str):
    assert slugify(question) == slug


@pytest.mark.parametrize(
    "suffix, message",
    [(".json", "the JSON is nested too deeply"), (".jsonl", "line 1: nested too deeply")],
)
def test_deeply_nested_json_is_a_clear_error(tmp_path: Path, suffix: str, message: str):
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}: {message}"


def test_windows_line_ends_inside_csv_cells_become_plain(tmp_path: Path):
    path = tmp_path / "faq.csv"
    path.write_bytes(b'question,answer\r\n"Q?","Line one.\r\nLine two."\r\n')
    assert load_file(path).entries[0].answer == "Line one.\nLine two."


def test_a_blank_id_cell_gets_an_id_from_the_question(tmp_path: Path):
    path = tmp_path / "faq.csv"
    path.write_text("id,question,answer\n,How now?,Brown cow.\nx,Q?,A\n", encoding="utf-8")
    assert [e.id for e in load_file(path).entries] == ["how-now", "x"]


def test_made_up_ids_never_take_an_id_a_later_entry_gives(tmp_path: Path):
    path = tmp_path / "faq.json"
    rows = [
        {"question": "Same?", "answer": "A"},
        {"id": "same", "question": "Other?", "answer": "B"},
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert [e.id for e in load_file(path).entries] == ["same-2", "same"]


@pytest.mark.parametrize("given, expected", [(7, "7"), (" a ", "a")])
def test_ids_may_be_text_or_whole_numbers(tmp_path: Path, given, expected: str):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps([{"id": given, "question": "Q?", "answer": "A"}]), "utf-8")
    assert load_file(path).entries[0].id == expected


@pytest.mark.parametrize("given", [True, ["x"], {"a": 1}, 1.5])
def test_other_ids_are_refused(tmp_path: Path, given):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps([{"id": given, "question": "Q?", "answer": "A"}]), "utf-8")
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}: entry 1: 'id' must be text or a whole number"


def test_json_lines_of_which_none_is_valid_json_are_an_error(tmp_path: Path):
    # Each line is broken, though the lines joined by commas would be one valid array.
    path = tmp_path / "broken.jsonl"
    path.write_text(
        '{"question": "Q one?", "answer": "A one."}, {"question": "Q two?"\n"answer": "A two."}\n',
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match=r"broken.jsonl: line 1: invalid JSON \(Extra data\)"):
        load_file(path)


def test_the_cli_refuses_json_lines_with_no_valid_line(run, tmp_path: Path):
    path = tmp_path / "broken.jsonl"
    lines = '{"question": "Q?", "answer": "A"}, {"question": "R?"\n"answer": "B"}\n'
    path.write_text(lines, encoding="utf-8")
    result = run("ask", "--data", str(path), "Q")
    assert result.exit_code == 2
    assert "line 1: invalid JSON" in result.stderr


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_surrogate_is_replaced_when_the_file_is_loaded(tmp_path: Path, suffix: str):
    record = (
        '{"id": "a\\ud83d", "question": "Q \\udc00?", "answer": "a \\ud83d",'
        ' "topics": ["t\\uDBFF"], "phrasings": ["p \\ud83d"]}'
    )
    path = tmp_path / f"faq{suffix}"
    path.write_text(f"[{record}]" if suffix == ".json" else record + "\n", encoding="utf-8")
    entry = load_file(path).entries[0]
    assert entry == ("a\ufffd", "Q \ufffd?", "a \ufffd", ("t\ufffd",), ("p \ufffd",))
    assert "".join([*entry[:3], *entry.topics, *entry.phrasings]).encode("utf-8")


def test_a_surrogate_pair_in_json_stays_one_character(tmp_path: Path):
    path = tmp_path / "faq.json"
    path.write_text('[{"question": "Smile?", "answer": "\\ud83d\\ude00"}]', encoding="utf-8")
    assert load_file(path).entries[0].answer == "\U0001f600"


def test_a_file_that_cannot_be_opened_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import socket

    monkeypatch.chdir(tmp_path)  # a short, relative socket path
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("faq.sock")
        path = tmp_path / "faq.sock"
        with pytest.raises(OSError) as opening:
            path.open("rb")
        with pytest.raises(DatasetError) as caught:
            load_file(path)
    assert str(caught.value) == f"{path}: cannot read: {opening.value.strerror}"


@pytest.mark.parametrize(
    "record, message",
    [
        ({"answer": "A"}, "entry 1: missing 'question'"),
        ({"question": "Q?", "answer": ["A"]}, "entry 1: 'answer' must be text"),
        (
            {"question": "Q?", "answer": "A", "phrasings": 5},
            "entry 1: 'phrasings' must be a list of text",
        ),
        (
            {"question": "Q?", "answer": "A", "topics": ["t", 5]},
            "entry 1: 'topics' must be a list of text",
        ),
    ],
)
def test_a_wrong_field_is_named(tmp_path: Path, record: dict, message: str):
    path = tmp_path / "faq.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}: {message}"


def test_topics_and_phrasings_may_be_one_text(tmp_path: Path):
    path = tmp_path / "faq.json"
    rows = [{"question": "Q?", "answer": "A", "topics": "kitchen", "phrasings": [" P? ", " "]}]
    path.write_text(json.dumps(rows), encoding="utf-8")
    entry = load_file(path).entries[0]
    assert (entry.topics, entry.phrasings) == (("kitchen",), ("P?",))


def test_an_id_is_found_ignoring_case_when_only_one_matches():
    entries = (
        Entry("Back-Pain", "Q1?", "A"),
        Entry("back-pain", "Q2?", "A"),
        Entry("Hip", "Q3?", "A"),
    )
    dataset = Dataset(entries)
    assert dataset.get("Back-Pain") is entries[0] and dataset.get("back-pain") is entries[1]
    assert dataset.get("HIP") is entries[2]
    assert dataset.get("BACK-PAIN") is None  # two ids match it ignoring case
    assert dataset.get("knee") is None


def test_lazy_entries_are_made_once_when_first_asked_for():
    made: list[int] = []

    def make(number: int) -> Entry:
        made.append(number)
        return Entry(f"e{number}", f"Q{number}?", "A")

    lazy = LazyEntries(3, make)
    assert len(lazy) == 3 and made == []
    assert lazy[0].id == "e0" and lazy[-1].id == "e2" and lazy[0] is lazy[0]
    assert made == [0, 2]
    assert [e.id for e in lazy[1:]] == ["e1", "e2"] and [e.id for e in lazy] == ["e0", "e1", "e2"]
    with pytest.raises(IndexError, match="^3$"):
        lazy[3]
    with pytest.raises(IndexError):
        lazy[-4]
    dataset = Dataset(lazy, source="store", numbers={"e0": 0, "e1": 1, "e2": 2})
    assert dataset.get("E1") == Entry("e1", "Q1?", "A") and dataset.ids == ["e0", "e1", "e2"]


def test_going_through_lazy_entries_reads_them_in_one_go():
    entries = [Entry("a", "Q?", "A"), Entry("b", "R?", "B")]
    lazy = LazyEntries(2, lambda number: pytest.fail("made one by one"), lambda: iter(entries))
    assert list(lazy) == entries
