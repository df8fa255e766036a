"""The index cache: reused while the file is unchanged, rebuilt when it changes or breaks."""

from __future__ import annotations

import json
import marshal
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

import psoas_cli.cache
import psoas_cli.matcher
from psoas_cli.analysis import default_analyzer, general_analyzer
from psoas_cli.cache import cache_dir, load_bundled_indexed, load_indexed
from psoas_cli.dataset import load_bundled, load_file
from psoas_cli.matcher import Index, find_matches

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
BUNDLED_QUERIES = ("why does my lower back hurt", "psoas stretch", "psoes ache", "pancakes")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and a cache for files of any size."""
    folder = tmp_path / "c"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    monkeypatch.setattr(psoas_cli.cache, "MIN_ENTRIES", 1)
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the indexes built (one item per build, the number of entries indexed)."""
    counted: list[int] = []
    original = Index.build.__func__  # type: ignore[attr-defined]

    def build(cls, entries, *args, **kwargs):
        counted.append(len(entries))
        return original(cls, entries, *args, **kwargs)

    monkeypatch.setattr(psoas_cli.matcher.Index, "build", classmethod(build))
    return counted


def _no_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the index was built again instead of read from the cache")

    monkeypatch.setattr(psoas_cli.matcher.Index, "build", refuse)


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


def caches(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.index"))


def answers(dataset, index, queries=QUERIES) -> list[list[tuple[str, float]]]:
    results = []
    for query in queries:
        result = find_matches(query, dataset, index, limit=5, min_score=0)
        results.append([(m.entry.id, m.score) for m in result.matches])
    return results


def fresh(path: Path):
    dataset = load_file(path)
    return dataset, Index.build(dataset.entries, general_analyzer())


# --------------------------------------------------------------------------- reuse


def test_the_first_call_writes_one_cache_and_the_second_reuses_it(
    tmp_path: Path, cache: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
):
    path = faq(tmp_path / "faq.jsonl")
    first = load_indexed(path)
    assert builds == [len(THINGS)]
    [written] = caches(cache)
    stamp = written.stat()
    _no_builds(monkeypatch)
    second = load_indexed(path)
    assert caches(cache) == [written]
    assert (written.stat().st_mtime_ns, written.stat().st_ino) == (stamp.st_mtime_ns, stamp.st_ino)
    assert [e.id for e in second[0].entries] == [e.id for e in first[0].entries]
    assert answers(*second) == answers(*first)


def test_a_small_file_is_not_cached_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "c"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    assert len(THINGS) < psoas_cli.cache.MIN_ENTRIES
    dataset, index = load_indexed(faq(tmp_path / "faq.jsonl"))
    assert len(dataset.entries) == len(THINGS)
    assert not folder.exists() or caches(folder) == []


def test_the_cache_is_keyed_by_content_not_by_path(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    load_indexed(faq(tmp_path / "faq.jsonl"))
    _no_builds(monkeypatch)
    copy = tmp_path / "elsewhere" / "copy.jsonl"
    copy.parent.mkdir()
    copy.write_bytes((tmp_path / "faq.jsonl").read_bytes())
    dataset, _ = load_indexed(copy)
    assert len(caches(cache)) == 1
    assert dataset.source == str(copy)


def test_an_edited_file_gets_a_new_index_even_at_the_same_size(
    tmp_path: Path, cache: Path, builds: list[int]
):
    path = faq(tmp_path / "faq.jsonl")
    load_indexed(path)
    size = path.stat().st_size
    # "kettle" becomes "teapot": the same number of bytes, different words
    edited = tuple("teapot" if thing == "kettle" else thing for thing in THINGS)
    faq(path, edited)
    assert path.stat().st_size == size
    dataset, index = load_indexed(path)
    assert len(builds) == 2
    assert len(caches(cache)) == 2
    best = find_matches("how do I clean the teapot", dataset, index).matches
    assert best and best[0].entry.question == "How do I clean the teapot?"
    assert not any("kettle" in e.question for e in dataset.entries)


def test_cached_answers_equal_freshly_built_ones(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    built = load_indexed(path)
    cached = load_indexed(path)
    assert answers(*cached) == answers(*built) == answers(*fresh(path))
    assert any(answers(*cached))  # the queries do find something


def test_cached_evidence_and_closest_equal_freshly_built_ones(tmp_path: Path, cache: Path):
    path = faq(tmp_path / "faq.jsonl")
    load_indexed(path)
    cached = load_indexed(path)
    reference = fresh(path)
    for query in QUERIES:
        got = find_matches(query, *cached)
        expected = find_matches(query, *reference)
        assert got.matches == expected.matches
        assert got.closest == expected.closest
        assert got.ambiguous == expected.ambiguous


# --------------------------------------------------------------------------- broken caches


def _header(payload: bytes) -> bytes:
    magic = psoas_cli.cache._MAGIC
    return magic + len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")


def _truncated(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _random(blob: bytes) -> bytes:
    return os.urandom(len(blob))


def _empty(blob: bytes) -> bytes:
    return b""


def _header_only(blob: bytes) -> bytes:
    return blob[: len(psoas_cli.cache._MAGIC) + 12]


def _flipped_byte(blob: bytes) -> bytes:
    middle = len(blob) // 2
    return blob[:middle] + bytes([blob[middle] ^ 0xFF]) + blob[middle + 1 :]


def _not_marshal(blob: bytes) -> bytes:
    payload = b"\xff" * 64  # a valid header around bytes marshal cannot read
    return _header(payload) + payload


def _too_short_a_tuple(blob: bytes) -> bytes:
    payload = marshal.dumps((1, 2, 3))
    return _header(payload) + payload


@pytest.mark.parametrize(
    "damage",
    [_truncated, _random, _empty, _header_only, _flipped_byte, _not_marshal, _too_short_a_tuple],
)
def test_a_broken_cache_is_rebuilt_silently(
    tmp_path: Path,
    cache: Path,
    builds: list[int],
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[bytes], bytes],
):
    path = faq(tmp_path / "faq.jsonl")
    expected = answers(*fresh(path))
    builds.clear()
    load_indexed(path)
    [written] = caches(cache)
    written.write_bytes(damage(written.read_bytes()))
    dataset, index = load_indexed(path)
    assert len(builds) == 2
    assert answers(dataset, index) == expected
    assert capsys.readouterr() == ("", "")
    # ... and the rebuilt cache is good again: a third call builds nothing
    load_indexed(path)
    assert len(builds) == 2


# A cache whose header and checksum are right but whose content has another shape: what
# an older or newer release of the tool could leave under the same key if the saved form
# changed without Index.FORMAT being bumped, or what a bug in `_state` would write.
WRONG_SHAPES = [
    (1, 2, 3, 4),
    ([], [], None, None),
    ("a", "b", "c", "d"),
    ([("only-an-id",)], [], {}, ()),
    # the shape FORMAT 2 saved: entries as (id, question, answer, topics, phrasings)
    ([("an-id", "A question?", "An answer.", (), ())] * 2, [], {}, ()),
]


@pytest.mark.parametrize("state", WRONG_SHAPES)
def test_a_cache_in_another_format_is_rebuilt(
    tmp_path: Path, cache: Path, builds: list[int], state: tuple[object, ...]
):
    path = faq(tmp_path / "faq.jsonl")
    expected = answers(*fresh(path))
    builds.clear()
    load_indexed(path)
    [written] = caches(cache)
    payload = marshal.dumps(state)
    written.write_bytes(_header(payload) + payload)
    dataset, index = load_indexed(path)
    assert len(builds) == 2
    assert answers(dataset, index) == expected


def test_an_unusable_cache_folder_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(psoas_cli.cache, "MIN_ENTRIES", 1)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(blocker))
    path = faq(tmp_path / "faq.jsonl")
    for _ in range(2):
        dataset, index = load_indexed(path)
        assert answers(dataset, index) == answers(*fresh(path))
    bundled = load_bundled_indexed()
    assert len(bundled[0].entries) == len(load_bundled().entries)
    assert blocker.read_text(encoding="utf-8") == "a file where the cache folder should be"


def test_the_cli_answers_with_an_unusable_cache_folder(run, tmp_path: Path):
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    result = run("ask", "--json", "psoas stretch", env={"PSOAS_CACHE_DIR": str(blocker)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["matches"]
    assert result.stderr == ""


# --------------------------------------------------------------------------- atomic writes


def test_writes_leave_no_temporary_files(tmp_path: Path, cache: Path):
    for number in range(3):
        load_indexed(faq(tmp_path / f"faq{number}.jsonl", THINGS[number:]))
    load_bundled_indexed()
    assert {p.suffix for p in cache.iterdir()} == {".index"}
    assert len(list(cache.iterdir())) == 4


def test_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    def fail(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(psoas_cli.cache.os, "replace", fail)
    path = faq(tmp_path / "faq.jsonl")
    dataset, index = load_indexed(path)
    assert answers(dataset, index) == answers(*fresh(path))
    assert list(cache.iterdir()) == []


def test_an_interrupted_write_leaves_no_cache_and_the_next_call_builds_one(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    def interrupt(source, target):
        raise KeyboardInterrupt

    path = faq(tmp_path / "faq.jsonl")
    with monkeypatch.context() as patch:
        patch.setattr(psoas_cli.cache.os, "replace", interrupt)
        with pytest.raises(KeyboardInterrupt):
            load_indexed(path)
    assert list(cache.iterdir()) == []  # neither a half-written cache nor its temporary file
    dataset, index = load_indexed(path)
    assert len(caches(cache)) == 1
    assert answers(dataset, index) == answers(*fresh(path))


# --------------------------------------------------------------------------- where and how many


def test_cache_dir_honours_psoas_cache_dir_then_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("PSOAS_CACHE_DIR", "")
    assert cache_dir() == tmp_path / "xdg" / "psoas"
    monkeypatch.delenv("PSOAS_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "psoas"


def test_cache_dir_falls_back_to_the_home_cache_on_linux(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PSOAS_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cache_dir() == tmp_path / ".cache" / "psoas"


def test_the_caches_are_written_where_cache_dir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(psoas_cli.cache, "MIN_ENTRIES", 1)
    monkeypatch.delenv("PSOAS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_indexed(faq(tmp_path / "faq.jsonl"))
    assert len(caches(tmp_path / "xdg" / "psoas")) == 1


def test_only_the_most_recent_caches_are_kept(tmp_path: Path, cache: Path):
    keep = psoas_cli.cache.KEEP
    written: list[Path] = []
    for number in range(keep + 3):
        before = set(caches(cache))
        load_indexed(faq(tmp_path / f"faq{number}.jsonl", THINGS, verb=f"fix{number}"))
        [new] = set(caches(cache)) - before
        written.append(new)
        # clearly ordered times, older for earlier writes, whatever the clock's resolution
        os.utime(new, ns=(10**18 + number * 10**9, 10**18 + number * 10**9))
        assert len(caches(cache)) == min(number + 1, keep)
    assert caches(cache) == sorted(written[-keep:])


# --------------------------------------------------------------------------- the bundled data


def test_bundled_cache_is_reused_with_equal_answers(
    cache: Path, monkeypatch: pytest.MonkeyPatch, builds: list[int]
):
    first = load_bundled_indexed()
    [written] = caches(cache)
    assert written.name.startswith("psoas-bundled-")
    assert len(builds) == 1
    _no_builds(monkeypatch)
    monkeypatch.setattr(psoas_cli.cache, "load_bundled", lambda: pytest.fail("parsed again"))
    second = load_bundled_indexed()
    assert list(second[0].entries) == list(first[0].entries)
    assert second[0].exercises == first[0].exercises
    assert answers(*second, BUNDLED_QUERIES) == answers(*first, BUNDLED_QUERIES)


def test_bundled_cached_answers_equal_freshly_built_ones(cache: Path):
    load_bundled_indexed()
    cached = load_bundled_indexed()
    dataset = load_bundled()
    reference = (dataset, Index.build(dataset.entries, default_analyzer()))
    assert answers(*cached, BUNDLED_QUERIES) == answers(*reference, BUNDLED_QUERIES)
    assert any(answers(*cached, BUNDLED_QUERIES))


@pytest.mark.parametrize("damage", [_truncated, _random, _empty, _flipped_byte])
def test_a_corrupted_bundled_cache_is_rebuilt(
    cache: Path, builds: list[int], damage: Callable[[bytes], bytes]
):
    expected = answers(*load_bundled_indexed(), BUNDLED_QUERIES)
    [written] = caches(cache)
    written.write_bytes(damage(written.read_bytes()))
    assert answers(*load_bundled_indexed(), BUNDLED_QUERIES) == expected
    assert len(builds) == 2
    load_bundled_indexed()
    assert len(builds) == 2  # rewritten, and good again
    assert caches(cache) == [written]


def test_the_cli_reuses_its_cache_between_calls(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(psoas_cli.cache, "MIN_ENTRIES", 1)
    folder = tmp_path / "cli-cache"
    env = {"PSOAS_CACHE_DIR": str(folder)}
    path = faq(tmp_path / "faq.jsonl")
    first = run("ask", "--json", "--data", str(path), "leaking garden hose", env=env)
    assert first.exit_code == 0
    assert len(caches(folder)) == 1
    _no_builds(monkeypatch)
    second = run("ask", "--json", "--data", str(path), "leaking garden hose", env=env)
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout


def test_the_cli_rebuilds_a_bundled_cache_in_another_format(run, tmp_path: Path, monkeypatch):
    folder = tmp_path / "cli-cache"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    load_bundled_indexed()
    [written] = caches(folder)
    payload = marshal.dumps(WRONG_SHAPES[-1])
    written.write_bytes(_header(payload) + payload)
    result = run("ask", "--json", "psoas stretch", env={"PSOAS_CACHE_DIR": str(folder)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["matches"]


def test_pruning_touches_only_the_caches_own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import os
    import time

    import psoas_cli.cache as cache_module

    folder = tmp_path / "shared"
    folder.mkdir()
    theirs = folder / "notes.index"
    theirs.write_text("someone else's")
    stale = folder / ".psoas-index-abc.tmp"
    stale.write_text("half written")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = folder / ".psoas-index-def.tmp"
    fresh.write_text("being written")
    monkeypatch.setattr(cache_module, "KEEP", 1)
    cache_module._write(folder / "psoas-one.index", ((), (), (), ()))
    cache_module._write(folder / "psoas-two.index", ((), (), (), ()))
    assert theirs.exists() and fresh.exists() and not stale.exists()
    assert [p.name for p in folder.glob("psoas-*.index")] == ["psoas-two.index"]
