"""The index store: a user's FAQ kept in SQLite, reused while the file is unchanged."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import psoas_cli.store
from psoas_cli.analysis import general_analyzer
from psoas_cli.dataset import Dataset, Entry, load_file
from psoas_cli.index import Index
from psoas_cli.matcher import find_matches
from psoas_cli.store import (
    KEEP,
    SCHEMA,
    STORE_NAME,
    FileState,
    IndexKey,
    IndexStore,
    code_stamp,
    open_indexed,
    schema_version,
)

THINGS = (
    "kettle",
    "bicycle chain",
    "sourdough starter",
    "garden hose",
    "laptop battery",
    "wooden floor",
    "tomato plant",
    "washing machine",
    "car tyre",
    "fountain pen",
    "leather boots",
    "cast iron pan",
)
QUERIES = (
    "how do I clean the kettle",
    "leaking garden hose",
    "battery of my laptop",
    "tomatoe plant",  # a typo, mended from the index's vocabulary
    "boots",
    "something about nothing at all",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and a store for files of any size."""
    folder = tmp_path / "c"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    monkeypatch.setattr(psoas_cli.store, "MIN_BYTES", 0)
    return folder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once (else only seconds after they were written)."""
    monkeypatch.setattr(psoas_cli.store, "SETTLED_NS", -(10**12))


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the indexes built (one item per build, the number of entries indexed)."""
    counted: list[int] = []
    original = Index.build.__func__  # type: ignore[attr-defined]

    def build(cls, entries, *args, **kwargs):
        counted.append(len(entries))
        return original(cls, entries, *args, **kwargs)

    monkeypatch.setattr(Index, "build", classmethod(build))
    return counted


def faq(path: Path, things: tuple[str, ...] = THINGS, verb: str = "clean") -> Path:
    rows = [
        {
            "id": f"thing-{number}",
            "question": f"How do I {verb} the {thing}?",
            "answer": f"To {verb} the {thing}, follow the maker's advice for the {thing}.",
            "topics": [thing.split()[-1]],
        }
        for number, thing in enumerate(things)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def answers(dataset, index, queries=QUERIES) -> list[list[tuple[str, float]]]:
    results = []
    for query in queries:
        result = find_matches(query, dataset, index, limit=5, min_score=0)
        results.append([(m.entry.id, m.score) for m in result.matches])
    return results


def fresh(path: Path):
    dataset = load_file(path)
    return dataset, Index.build(dataset.entries, general_analyzer())


def sha1(path: Path) -> str:
    import hashlib

    return hashlib.sha1(path.read_bytes()).hexdigest()


def stored(folder: Path) -> list[tuple[str, int]]:
    """(source, entries) of each FAQ in the store, oldest first, read as a user would."""
    with sqlite3.connect(folder / STORE_NAME) as connection:
        return connection.execute("SELECT source, entries FROM faq ORDER BY faq").fetchall()


# --------------------------------------------------------------------------- reuse


def test_the_first_call_stores_the_index_and_the_second_reads_it(
    tmp_path: Path, cache: Path, builds: list[int]
):
    path = faq(tmp_path / "faq.jsonl")
    first = open_indexed(path)
    assert builds == [len(THINGS)]
    assert stored(cache) == [(str(path), len(THINGS))]
    second = open_indexed(path)
    assert builds == [len(THINGS)]
    assert stored(cache) == [(str(path), len(THINGS))]
    assert [e.id for e in second[0].entries] == [e.id for e in first[0].entries]
    assert list(second[0].entries) == list(first[0].entries)
    assert answers(*second) == answers(*first)


def test_only_the_store_is_in_the_cache_folder(tmp_path: Path, cache: Path):
    for number in range(3):
        open_indexed(faq(tmp_path / f"faq{number}.jsonl", THINGS[number:]))
    assert sorted(p.name for p in cache.iterdir()) == [STORE_NAME]
    assert stat.S_IMODE((cache / STORE_NAME).stat().st_mode) & 0o077 == 0
    assert len(stored(cache)) == 3


def test_a_small_file_is_not_stored_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "c"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    path = faq(tmp_path / "faq.jsonl")
    assert path.stat().st_size < psoas_cli.store.MIN_BYTES
    dataset, _ = open_indexed(path)
    assert len(dataset.entries) == len(THINGS)
    assert not folder.exists()


def test_a_file_of_min_bytes_is_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "c"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    path = tmp_path / "faq.jsonl"
    rows = (
        {"question": f"How do I look after plant {n}?", "answer": "Water it. " * 20}
        for n in range(400)
    )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert path.stat().st_size >= psoas_cli.store.MIN_BYTES
    open_indexed(path)
    assert stored(folder) == [(str(path), 400)]


def test_the_store_is_keyed_by_content_not_by_path(tmp_path: Path, cache: Path, builds):
    open_indexed(faq(tmp_path / "faq.jsonl"))
    copy = tmp_path / "elsewhere" / "copy.jsonl"
    copy.parent.mkdir()
    copy.write_bytes((tmp_path / "faq.jsonl").read_bytes())
    dataset, _ = open_indexed(copy)
    assert len(builds) == 1
    assert len(stored(cache)) == 1
    assert dataset.source == str(copy)


def test_an_edited_file_gets_a_new_index_even_at_the_same_size(
    tmp_path: Path, cache: Path, builds: list[int], settled: None
):
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    size = path.stat().st_size
    # "kettle" becomes "teapot": the same number of bytes, different words
    faq(path, tuple("teapot" if thing == "kettle" else thing for thing in THINGS))
    assert path.stat().st_size == size
    dataset, index = open_indexed(path)
    assert len(builds) == 2
    assert len(stored(cache)) == 2
    best = find_matches("how do I clean the teapot", dataset, index).matches
    assert best and best[0].entry.question == "How do I clean the teapot?"
    assert not any("kettle" in e.question for e in dataset.entries)


def test_an_edit_that_keeps_the_times_is_still_seen(
    tmp_path: Path, cache: Path, builds: list[int], settled: None
):
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    times = path.stat()
    faq(path, tuple("teapot" if thing == "kettle" else thing for thing in THINGS))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))  # the change time moves on
    dataset, _ = open_indexed(path)
    assert len(builds) == 2
    assert dataset.get("thing-0").question == "How do I clean the teapot?"


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, cache: Path, settled: None, monkeypatch: pytest.MonkeyPatch
):
    path = faq(tmp_path / "faq.jsonl")
    expected = answers(*open_indexed(path))

    def unread(path: Path) -> bytes:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(psoas_cli.store, "read_bytes", unread)
    assert answers(*open_indexed(path)) == expected


def test_a_file_changed_moments_ago_is_read_to_know_its_content(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    # Within the resolution of a file system's times, an edit may not move them.
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    read: list[Path] = []
    original = psoas_cli.store.read_bytes

    def counted(path: Path) -> bytes:
        read.append(path)
        return original(path)

    monkeypatch.setattr(psoas_cli.store, "read_bytes", counted)
    open_indexed(path)
    assert read == [path]


def test_stored_answers_equal_freshly_built_ones(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    built = open_indexed(path)
    again = open_indexed(path)
    reference = fresh(path)
    assert answers(*again) == answers(*built) == answers(*reference)
    assert any(answers(*again))  # the queries do find something
    for query in QUERIES:
        got = find_matches(query, *again, highlight=True)
        expected = find_matches(query, *reference, highlight=True)
        assert got == expected


def test_a_stored_dataset_finds_ids_and_lists_them(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    dataset, _ = open_indexed(path)
    assert dataset.ids == [f"thing-{n}" for n in range(len(THINGS))]
    assert dataset.get("thing-3").question == "How do I clean the garden hose?"
    assert dataset.get("THING-3").question == "How do I clean the garden hose?"
    assert dataset.get("thing-99") is None
    assert dataset.topics[:2] == ["kettle", "chain"]


def test_topics_and_phrasings_survive_the_store(tmp_path: Path, cache: Path):
    path = tmp_path / "faq.json"
    rows = [
        {"id": "a", "question": "Q one?", "answer": "A", "topics": ["t1", "t, 2"]},
        {"id": "b", "question": "Q two?", "answer": "B", "phrasings": ["P \u00e9 \u2603", "P2"]},
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")
    first = list(open_indexed(path)[0].entries)
    assert list(open_indexed(path)[0].entries) == first == list(load_file(path).entries)


# --------------------------------------------------------------------------- the store itself


def test_the_store_is_an_sqlite_database_in_psoas_schema(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    with sqlite3.connect(cache / STORE_NAME) as connection:
        tables = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
        assert tables == sorted(SCHEMA.items())
        assert connection.execute("PRAGMA user_version").fetchone() == (schema_version(),)
        questions = connection.execute("SELECT question FROM entry ORDER BY number").fetchall()
        assert questions[0] == ("How do I clean the kettle?",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_schema_version_follows_the_schema(monkeypatch: pytest.MonkeyPatch):
    before = schema_version()
    schema_version.cache_clear()
    monkeypatch.setitem(SCHEMA, "word", SCHEMA["word"].replace("entries", "uses"))
    try:
        assert schema_version() != before
    finally:
        schema_version.cache_clear()


def test_the_code_stamp_covers_every_module_that_shapes_the_index():
    import hashlib

    stamp = code_stamp()
    package = Path(psoas_cli.store.__file__).parent
    for name in ("dataset.py", "analysis.py", "index.py", "store.py"):
        assert (package / name).is_file()
    assert stamp == code_stamp()
    assert len(stamp) == len(hashlib.sha1().hexdigest())


def test_an_edit_to_the_indexing_code_is_a_new_index(
    tmp_path: Path, cache: Path, builds: list[int]
):
    path = faq(tmp_path / "faq.jsonl")
    cache.mkdir(mode=0o700)
    store = IndexStore.open(cache / STORE_NAME)
    assert store is not None
    dataset, index = fresh(path)
    key = IndexKey(sha1(path), "an older index.py", str(path), None)
    assert store.write(key, dataset, index)
    assert store.read_content(key.digest, key.code, str(path), None) is not None
    assert store.read_content(key.digest, code_stamp(), str(path), None) is None
    builds.clear()
    open_indexed(path)
    assert builds == [len(THINGS)]
    assert len(stored(cache)) == 2


def test_only_the_most_recent_indexes_are_kept(tmp_path: Path, cache: Path):
    for number in range(KEEP + 3):
        open_indexed(faq(tmp_path / f"faq{number}.jsonl", THINGS, verb=f"fix{number}"))
        assert len(stored(cache)) == min(number + 1, KEEP)
    assert [source for source, _ in stored(cache)] == [
        str(tmp_path / f"faq{number}.jsonl") for number in range(3, KEEP + 3)
    ]
    with sqlite3.connect(cache / STORE_NAME) as connection:
        # the pruned indexes' rows went with them
        assert connection.execute("SELECT count(DISTINCT faq) FROM entry").fetchone() == (KEEP,)
        assert connection.execute("SELECT count(DISTINCT faq) FROM term").fetchone() == (KEEP,)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_concurrent_first_calls_store_one_index(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    rows = (
        {"question": f"How do I look after item {n}?", "answer": f"Item {n} likes water."}
        for n in range(2500)
    )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    folder = tmp_path / "c"
    env = {**os.environ, "PSOAS_CACHE_DIR": str(folder)}
    command = [sys.executable, "-m", "psoas_cli", "ask", "--json", "--data", str(path), "item 7"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert all(err == b"" for _, err in outputs)
    assert len({out for out, _ in outputs}) == 1
    assert stored(folder) == [(str(path), 2500)]
    assert sorted(p.name for p in folder.iterdir()) == [STORE_NAME]


class _Interrupted(Dataset):
    """A dataset whose entries give out halfway through being stored."""

    def __init__(self, dataset: Dataset) -> None:
        entries = list(dataset.entries)

        class Entries(list):
            def __iter__(self):
                for number, entry in enumerate(entries):
                    if number == len(entries) // 2:
                        raise KeyboardInterrupt
                    yield entry

        super().__init__(Entries(entries), source=dataset.source)


def test_an_interrupted_write_leaves_the_store_as_it_was(tmp_path: Path, cache: Path):
    first = faq(tmp_path / "first.jsonl")
    open_indexed(first)
    store = IndexStore.open(cache / STORE_NAME)
    assert store is not None
    path = faq(tmp_path / "second.jsonl", verb="mend")
    dataset, index = fresh(path)
    key = IndexKey(sha1(path), code_stamp(), str(path), None)
    with pytest.raises(KeyboardInterrupt):
        store.write(key, _Interrupted(dataset), index)
    assert stored(cache) == [(str(first), len(THINGS))]
    assert sorted(p.name for p in cache.iterdir()) == [STORE_NAME]
    assert store.write(key, dataset, index)  # the same connection writes again
    assert len(stored(cache)) == 2


def test_a_process_killed_while_writing_leaves_a_store_that_opens(tmp_path: Path):
    path = tmp_path / "big.jsonl"
    rows = (
        {"question": f"Question number {n} about {n % 97}?", "answer": f"Answer {n} " * 40}
        for n in range(5000)
    )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    assert IndexStore.open(folder / STORE_NAME) is not None  # the tables, made beforehand
    env = {**os.environ, "PSOAS_CACHE_DIR": str(folder)}
    command = [
        sys.executable,
        "-m",
        "psoas_cli",
        "ask",
        "--json",
        "--data",
        str(path),
        "question number 5",
    ]
    journal = folder / f"{STORE_NAME}-journal"
    writer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while writer.poll() is None and not journal.exists() and time.monotonic() < deadline:
        time.sleep(0.0005)
    writer.kill()
    writer.wait()
    assert stored(folder) in ([], [(str(path), 5000)])  # all of it or nothing
    after = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert after.returncode == 0, after.stderr
    assert after.stderr == b""
    assert stored(folder) == [(str(path), 5000)]
    assert sorted(p.name for p in folder.iterdir()) == [STORE_NAME]


def test_a_full_store_is_not_written_and_the_answer_still_comes(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(psoas_cli.store, "MAX_STORE_BYTES", 64 * 1024)
    path = tmp_path / "faq.jsonl"
    rows = ({"question": f"Question {n}?", "answer": "Answer. " * 50} for n in range(400))
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    dataset, index = open_indexed(path)
    assert find_matches("question 17", dataset, index).matches[0].entry.question == "Question 17?"
    assert stored(cache) == []
    assert (cache / STORE_NAME).stat().st_size <= 64 * 1024


def test_the_file_state_of_a_regular_file_only(tmp_path: Path):
    path = faq(tmp_path / "faq.jsonl")
    state = FileState.of(path)
    assert state is not None and state.size == path.stat().st_size
    assert FileState.of(tmp_path) is None
    assert FileState.of(tmp_path / "absent") is None


def test_the_cli_reuses_its_store_between_calls(run, tmp_path: Path, monkeypatch, builds):
    monkeypatch.setattr(psoas_cli.store, "MIN_BYTES", 0)
    folder = tmp_path / "cli-cache"
    env = {"PSOAS_CACHE_DIR": str(folder)}
    path = faq(tmp_path / "faq.jsonl")
    first = run("ask", "--json", "--data", str(path), "leaking garden hose", env=env)
    assert first.exit_code == 0
    assert len(stored(folder)) == 1
    second = run("ask", "--json", "--data", str(path), "leaking garden hose", env=env)
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout
    assert builds == [len(THINGS)]
    shown = run("show", "--data", str(path), "thing-3", env=env)
    assert shown.exit_code == 0 and "garden hose" in shown.stdout
    assert builds == [len(THINGS)]


def test_entries_of_a_stored_faq_are_made_only_when_used(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    open_indexed(path)
    dataset, index = open_indexed(path)
    assert not isinstance(dataset.entries, tuple)
    assert isinstance(dataset.entries[0], Entry)
    with pytest.raises(IndexError):
        dataset.entries[len(THINGS)]
