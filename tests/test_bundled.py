"""The bundled FAQ's index, kept in the cache folder between calls (psoas_cli.bundled)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from psoas_cli.bundled import FILE_NAME
from psoas_cli.dataset import load_bundled
from psoas_cli.index import Index
from psoas_cli.matcher import find_matches, known_phrases, rank_all_related, related_for_matches
from psoas_cli.store import open_indexed

QUERIES = ("why does my lower back hurt", "psoes streches", "tight hip flexors from sitting")


def answers(index_pair) -> list[tuple[str, float, list[str]]]:
    dataset, index = index_pair
    found = []
    for query in QUERIES:
        result = find_matches(query, dataset, index)
        related = related_for_matches(result.matches, dataset, index, ())
        found += [
            (m.entry.id, m.score, [e.id for e in related.get(m.entry.id, [])])
            for m in result.matches
        ]
    return found


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    return folder


def test_the_index_is_kept_once_and_read_back_with_the_same_answers(folder: Path):
    built = answers(open_indexed(None))
    kept = folder / FILE_NAME
    assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    written = kept.stat().st_mtime_ns
    assert answers(open_indexed(None)) == built
    assert kept.stat().st_mtime_ns == written  # read, not written again
    assert sorted(p.name for p in folder.iterdir()) == [FILE_NAME]  # no temporary left


def test_the_kept_index_holds_what_the_matcher_works_out(folder: Path):
    open_indexed(None)  # builds and keeps
    dataset, kept = open_indexed(None)  # reads back
    fresh = Index.build(dataset.entries, kept.analyzer)
    rank_all_related(dataset, fresh)
    assert kept.related == fresh.related and len(kept.related) == len(dataset.entries)
    assert kept.phrases == known_phrases(dataset, fresh) and kept.phrases


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"stamp": "someone else\'s"}',
        "",
        "\x00" * 100,
    ],
)
def test_a_damaged_or_foreign_file_is_made_again(folder: Path, content: str):
    expected = answers(open_indexed(None))
    (folder / FILE_NAME).write_text(content, encoding="utf-8")
    assert answers(open_indexed(None)) == expected
    assert json.loads((folder / FILE_NAME).read_text("utf-8"))["stamp"]


def test_a_file_of_the_right_stamp_but_the_wrong_shape_is_made_again(folder: Path):
    expected = answers(open_indexed(None))
    kept = folder / FILE_NAME
    document = json.loads(kept.read_text("utf-8"))
    document["analyzer"]["phrases"] = 7
    kept.write_text(json.dumps(document), encoding="utf-8")
    assert answers(open_indexed(None)) == expected
    document = json.loads(kept.read_text("utf-8"))
    del document["related"]
    kept.write_text(json.dumps(document), encoding="utf-8")
    assert answers(open_indexed(None)) == expected
    document = json.loads(kept.read_text("utf-8"))
    document["analyzer"]["keep"] = [1]  # a number where a word belongs
    kept.write_text(json.dumps(document), encoding="utf-8")
    assert answers(open_indexed(None)) == expected
    assert json.loads(kept.read_text("utf-8"))["analyzer"]["keep"] != [1]
    assert "related" in json.loads(kept.read_text("utf-8"))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_file_others_can_write_is_not_read(folder: Path):
    open_indexed(None)
    kept = folder / FILE_NAME
    document = json.loads(kept.read_text("utf-8"))
    # a planted index that would answer every question with the first entry only
    document["index"]["postings"] = {name: {} for name in document["index"]["postings"]}
    kept.write_text(json.dumps(document), encoding="utf-8")
    kept.chmod(0o666)
    dataset, index = open_indexed(None)
    assert find_matches("psoas stretch", dataset, index).matches


def test_without_a_cache_folder_nothing_is_written(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("PSOAS_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    monkeypatch.chdir(tmp_path)
    dataset, index = open_indexed(None)
    assert list(dataset.entries) == list(load_bundled().entries)
    assert find_matches("psoas stretch", dataset, index).matches
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_folder_others_can_write_is_left_alone_and_unsaid(run, tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    result = run("ask", "--json", "psoas stretch", env={"PSOAS_CACHE_DIR": str(shared)})
    assert result.exit_code == 0 and result.stderr == ""
    assert list(shared.iterdir()) == []
