"""A user's FAQ file: its format told by its extension or, failing that, by its content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psoas_cli.dataset import DatasetError, load_file

ONE = {"question": "Q one?", "answer": "A one."}
TWO = {"question": "Q two?", "answer": "A two."}
ARRAY = json.dumps([ONE, TWO])
LINES = f"{json.dumps(ONE)}\n{json.dumps(TWO)}\n"
CSV = "question,answer\nQ one?,A one.\nQ two?,A two.\n"


def _load(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path, load_file(path)


@pytest.mark.parametrize(
    "name, text",
    [
        ("faq.txt", ARRAY),
        ("faq.txt", LINES),
        ("faq.txt", CSV),
        ("faq", LINES),
        ("faq.json", LINES),  # JSON Lines saved as .json
        ("faq.json", "\n  " + ARRAY),  # white space before the array
        ("FAQ.JSON", ARRAY),
        ("FAQ.JSONL", LINES),
        ("faq.ndjson", LINES),
        ("FAQ.CSV", CSV),
    ],
    ids=[
        "array-txt",
        "lines-txt",
        "csv-txt",
        "lines-no-extension",
        "lines-json",
        "array-after-space",
        "array-JSON",
        "lines-JSONL",
        "lines-ndjson",
        "csv-CSV",
    ],
)
def test_the_format_comes_from_the_extension_or_the_content(tmp_path: Path, name: str, text: str):
    path, dataset = _load(tmp_path, name, text)
    assert [(e.question, e.answer) for e in dataset.entries] == [
        ("Q one?", "A one."),
        ("Q two?", "A two."),
    ]
    assert dataset.source == str(path)


@pytest.mark.parametrize(
    "name, text",
    [
        ("faq.json", json.dumps(ONE)),
        ("faq.json", json.dumps(ONE, indent=2)),
        ("faq.txt", json.dumps(ONE)),
        ("faq.jsonl", json.dumps(ONE)),
    ],
    ids=["json", "json-indented", "txt", "jsonl"],
)
def test_a_file_holding_one_json_object_is_one_entry(tmp_path: Path, name: str, text: str):
    _, dataset = _load(tmp_path, name, text)
    assert [(e.id, e.question) for e in dataset.entries] == [("q-one", "Q one?")]


def test_an_indented_json_object_in_a_txt_file_is_one_entry(tmp_path: Path):
    _, dataset = _load(tmp_path, "faq.txt", json.dumps(ONE, indent=2))
    assert [e.question for e in dataset.entries] == ["Q one?"]


@pytest.mark.parametrize(
    "name, text, message",
    [
        # the extension says JSON: a CSV in it is invalid JSON, not read as CSV
        ("faq.json", CSV, "faq.json: line 1 column 1: invalid JSON (Expecting value)"),
        # the extension says JSON Lines: an array is not an object per line
        ("faq.jsonl", ARRAY, "faq.jsonl: line 1: expected an object with question and answer"),
        # the extension says CSV: JSON in it has no header row
        ("faq.csv", LINES, "faq.csv: CSV needs a header row with 'question' and 'answer'"),
        # JSON Lines with a broken second line names that line
        ("faq.txt", LINES + "{oops\n", "faq.txt: line 3: invalid JSON (Expecting property"),
    ],
    ids=["csv-json", "array-jsonl", "lines-csv", "broken-lines-txt"],
)
def test_content_that_contradicts_the_extension_is_an_error(
    tmp_path: Path, name: str, text: str, message: str
):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_file(path)
    assert str(caught.value).startswith(str(tmp_path))
    assert message in str(caught.value)


def test_csv_with_old_mac_line_ends_reads_every_row(tmp_path: Path):
    text = 'question,answer,topics\rQ one?,A one.,a; b\rQ two?,"Line one.\rLine two.",\r'
    _, dataset = _load(tmp_path, "faq.csv", text)
    assert [(e.question, e.answer, e.topics) for e in dataset.entries] == [
        ("Q one?", "A one.", ("a", "b")),
        ("Q two?", "Line one.\nLine two.", ()),
    ]
