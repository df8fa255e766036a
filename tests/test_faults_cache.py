"""Hostile and broken caches: each fault that once broke psoas, reproduced, and held.

S1 a crafted cache that declares a huge size; S2 a cache planted by someone else;
S3 a FIFO or a device in place of the store; S4 a well-formed store of another shape;
D1 pruning files psoas did not write; M2 a lone surrogate in a large FAQ; L5 a relative
XDG_CACHE_HOME or an empty HOME. In every case the answer comes from the data file,
with at most one short note on stderr, and never a traceback.
"""

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
from psoas_cli.store import STORE_NAME

QUERY = "how do I clean the garden hose"
ANSWER = "To clean the garden hose, follow the maker's advice."
THINGS = ("kettle", "bicycle chain", "garden hose", "laptop battery", "tomato plant", "car tyre")

needs_posix = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown, mknod)"
)


@pytest.fixture(autouse=True)
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store FAQs of any size (in this process), so that the small ones here are stored."""
    monkeypatch.setattr(psoas_cli.store, "MIN_BYTES", 0)


def faq(path: Path) -> Path:
    rows = [
        {
            "id": f"thing-{number}",
            "question": f"How do I clean the {thing}?",
            "answer": f"To clean the {thing}, follow the maker's advice.",
        }
        for number, thing in enumerate(THINGS)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def large_faq(path: Path, entries: int = 2500, answer: str = "Water it.") -> Path:
    """A FAQ large enough to be stored by a psoas in another process."""
    rows = (
        {"question": f"How do I look after plant {n}?", "answer": f"{answer} ({n})"}
        for n in range(entries)
    )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def ask(run, path: Path, folder: Path, query: str = QUERY, **env: str):
    result = run(
        "ask", "--json", "--data", str(path), query, env={"PSOAS_CACHE_DIR": str(folder), **env}
    )
    assert "Traceback" not in result.output
    return result


def top_answer(result) -> str:
    return json.loads(result.stdout)["matches"][0]["answer"]


def store_rows(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / STORE_NAME) as connection:
        return connection.execute(sql).fetchall()


def poison(folder: Path) -> None:
    """Rewrite every stored answer, as someone who could write the store would."""
    with sqlite3.connect(folder / STORE_NAME) as connection:
        connection.execute("UPDATE entry SET answer = 'IGNORE YOUR DOCTOR. Stop all medication.'")


# --------------------------------------------------------------------------- S2: planted


@needs_posix
@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o770])
def test_a_store_in_a_folder_others_can_write_to_is_not_used(run, tmp_path: Path, mode: int):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "shared"
    assert ask(run, path, folder).exit_code == 0
    poison(folder)
    folder.chmod(mode)
    result = ask(run, path, folder)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert result.stderr == f"psoas: not using the cache folder {folder}: others can write to it\n"


@needs_posix
def test_a_store_others_can_write_to_is_not_used(run, tmp_path: Path):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    ask(run, path, folder)
    poison(folder)
    (folder / STORE_NAME).chmod(0o666)
    result = ask(run, path, folder)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert result.stderr == f"psoas: not using {folder / STORE_NAME}: others can write to it\n"


@needs_root
def test_a_folder_of_another_user_is_not_used(run, tmp_path: Path):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "theirs"
    ask(run, path, folder)
    poison(folder)
    os.chown(folder, 54321, 54321)
    result = ask(run, path, folder)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert "belongs to another user" in result.stderr
    assert result.stderr.count("\n") == 1


@needs_root
def test_a_store_of_another_user_is_not_used(run, tmp_path: Path):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    ask(run, path, folder)
    poison(folder)
    os.chown(folder / STORE_NAME, 54321, 54321)
    result = ask(run, path, folder)
    assert top_answer(result) == ANSWER
    assert result.stderr == f"psoas: not using {folder / STORE_NAME}: it belongs to another user\n"


@needs_posix
def test_a_refused_cache_is_not_written_to(run, tmp_path: Path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    result = ask(run, faq(tmp_path / "faq.jsonl"), folder)
    assert top_answer(result) == ANSWER
    assert list(folder.iterdir()) == []


def test_the_bundled_faq_never_notes_a_refused_cache(run, tmp_path: Path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    result = run("ask", "--json", "psoas stretch", env={"PSOAS_CACHE_DIR": str(folder)})
    assert result.exit_code == 0
    assert result.stderr == ""


# --------------------------------------------------------------------------- S3: not a file


@needs_posix
def test_a_fifo_in_place_of_the_store_never_blocks(tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / STORE_NAME, 0o600)
    path = large_faq(tmp_path / "faq.jsonl")
    env = {**os.environ, "PSOAS_CACHE_DIR": str(folder)}
    command = [sys.executable, "-m", "psoas_cli", "ask", "--json", "--data", str(path), "plant 7"]
    result = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert result.returncode == 0
    assert json.loads(result.stdout)["matches"]
    assert (
        result.stderr
        == f"psoas: not using {folder / STORE_NAME}: it is not a regular file\n".encode()
    )
    assert stat.S_ISFIFO(os.lstat(folder / STORE_NAME).st_mode)


@pytest.mark.parametrize("target", ["/dev/zero", "elsewhere.sqlite3"])
def test_a_symlink_in_place_of_the_store_is_not_followed(run, tmp_path: Path, target: str):
    path = faq(tmp_path / "faq.jsonl")
    elsewhere = tmp_path / "elsewhere.sqlite3"
    elsewhere.write_bytes(b"")
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    (folder / STORE_NAME).symlink_to(target if target.startswith("/") else elsewhere)
    result = ask(run, path, folder)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert result.stderr.endswith("it is not a regular file\n")
    assert elsewhere.read_bytes() == b""


@needs_root
def test_a_device_in_place_of_the_store_is_not_read(run, tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    os.mknod(folder / STORE_NAME, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
    result = ask(run, faq(tmp_path / "faq.jsonl"), folder)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert result.stderr.endswith("it is not a regular file\n")


def test_a_store_larger_than_the_bound_is_not_opened(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(psoas_cli.store, "MAX_STORE_BYTES", 2**20)
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    with open(folder / STORE_NAME, "wb") as sparse:
        sparse.truncate(2**20 + 1)
    (folder / STORE_NAME).chmod(0o600)
    result = ask(run, faq(tmp_path / "faq.jsonl"), folder)
    assert top_answer(result) == ANSWER
    assert result.stderr.endswith("it is larger than 1 MB\n")


# --------------------------------------------------------------------------- S1, S4: crafted


def _marshal_bomb() -> bytes:
    """The 34 bytes that once declared a tuple of 2**28 items to the marshal cache."""
    return (
        b"psoas-index\n" + (22).to_bytes(8, "little") + bytes(4) + b")\x00\x00\x00\x10" + bytes(6)
    )


def _other_schema(store: Path) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("DROP TABLE term")
        connection.execute("CREATE TABLE term (faq, term, postings)")


def _extra_trigger(store: Path) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("CREATE TRIGGER sneaky AFTER INSERT ON faq BEGIN DELETE FROM entry; END")


def _other_version(store: Path) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA user_version = 1")


def _other_column_type(store: Path) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'answer TEXT', 'answer BLOB')"
            " WHERE name = 'entry'"
        )


def _foreign_database(store: Path) -> None:
    store.unlink()
    with sqlite3.connect(store) as connection:
        connection.execute("CREATE TABLE notes (text)")
        connection.execute("INSERT INTO notes VALUES ('someone else''s')")


def _bytes(content: bytes):
    def write(store: Path) -> None:
        store.write_bytes(content)

    return write


def _truncated(store: Path) -> None:
    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])


def _damaged_pages(store: Path) -> None:
    blob = bytearray(store.read_bytes())
    for at in range(4096, len(blob), 4096):  # the kind of every page but the first
        blob[at] = 0x77
    store.write_bytes(bytes(blob))


@pytest.mark.parametrize(
    "damage",
    [
        _other_schema,
        _extra_trigger,
        _other_version,
        _other_column_type,
        _foreign_database,
        _bytes(b""),
        _bytes(os.urandom(10000)),
        _bytes(b"SQLite format 3\x00" + bytes(84)),
        _bytes(_marshal_bomb()),
        _truncated,
        _damaged_pages,
    ],
    ids=lambda damage: getattr(damage, "__name__", "bytes").strip("_"),
)
def test_a_store_in_another_shape_is_made_again(run, tmp_path: Path, damage):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    first = ask(run, path, folder)
    damage(folder / STORE_NAME)
    (folder / STORE_NAME).chmod(0o600)
    for _ in range(2):  # a store found damaged only while read is made at the next call
        again = ask(run, path, folder)
        assert again.exit_code == 0
        assert again.stdout == first.stdout
        assert again.stderr == ""
    assert store_rows(folder, "SELECT source, entries FROM faq") == [(str(path), len(THINGS))]
    assert store_rows(folder, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE faq SET entries = 1099511627776",  # 2**40 entries declared (S1)
        "UPDATE faq SET entries = entries - 1",
        "UPDATE field SET lengths = x'00' WHERE name = 'answer'",
        "DELETE FROM field WHERE name = 'topics'",
        "UPDATE field SET total = 'many' WHERE name = 'question'",
        "UPDATE faq SET entries = 'six'",
    ],
)
def test_stored_rows_that_do_not_fit_together_are_indexed_again(run, tmp_path: Path, sql: str):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    first = ask(run, path, folder)
    with sqlite3.connect(folder / STORE_NAME) as connection:
        connection.execute(sql)
    again = ask(run, path, folder)
    assert again.stdout == first.stdout
    assert again.stderr == ""
    assert store_rows(folder, "SELECT entries FROM faq") == [(len(THINGS),)]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE term SET question = x'0102030405'",  # not whole (entry, count) pairs
        "UPDATE term SET answer = x'ffffffff01000000'",  # an entry beyond the last
        "UPDATE entry SET topics = 'not json', phrasings = '[1, 2]'",
        "UPDATE entry SET question = 5, answer = x'00ff', id = 2.5 WHERE number = 2",
        "UPDATE term SET entries = 'many', topics = 'text, not a blob'",
        "UPDATE word SET entries = -5",
        "DELETE FROM entry WHERE number = 2",
        "DELETE FROM term",
    ],
)
def test_stored_values_edited_by_hand_never_give_a_traceback(run, tmp_path: Path, sql: str):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    ask(run, path, folder)
    with sqlite3.connect(folder / STORE_NAME) as connection:
        connection.execute(sql)
    for query in (QUERY, "garden hoze", "thing"):
        result = ask(run, path, folder, query)
        assert result.exit_code in (0, 1)
        json.loads(result.stdout)
    shown = run("show", "--data", str(path), "thing-2", env={"PSOAS_CACHE_DIR": str(folder)})
    assert shown.exit_code in (0, 1)
    assert "Traceback" not in shown.output


# --------------------------------------------------------------------------- D1: pruning


def test_pruning_removes_only_what_the_store_records(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    theirs = {
        "psoas-0123456789abcdef.index": b"a cache of an earlier psoas",
        "psoas-bundled-1234.index": b"another",
        "notes.index": b"someone else's",
        ".psoas-index-abc.tmp": b"half written, long ago",
        "other.sqlite3": b"not ours",
    }
    for name, content in theirs.items():
        (folder / name).write_bytes(content)
        os.utime(folder / name, (time.time() - 7200, time.time() - 7200))
    monkeypatch.setattr(psoas_cli.store, "KEEP", 2)
    for number in range(4):
        path = tmp_path / f"faq{number}.jsonl"
        path.write_text(
            json.dumps({"question": f"Question {number}?", "answer": "A."}) + "\n", "utf-8"
        )
        assert ask(run, path, folder, f"question {number}").exit_code == 0
    assert store_rows(folder, "SELECT count(*) FROM faq") == [(2,)]
    for name, content in theirs.items():
        assert (folder / name).read_bytes() == content, name
    assert sorted(p.name for p in folder.iterdir()) == sorted([*theirs, STORE_NAME])


# --------------------------------------------------------------------------- M2


def test_a_lone_surrogate_in_a_large_faq_is_stored_and_shown(tmp_path: Path):
    path = tmp_path / "faq.json"
    rows = [
        {"question": f"How do I look after plant {n}?", "answer": "a \\ud83d"} for n in range(2500)
    ]
    path.write_text(
        "[" + ",".join(json.dumps(r).replace("\\\\ud83d", "\\ud83d") for r in rows) + "]"
    )
    assert "\\ud83d" in path.read_text(encoding="utf-8")
    folder = tmp_path / "c"
    env = {**os.environ, "PSOAS_CACHE_DIR": str(folder)}
    command = [sys.executable, "-m", "psoas_cli", "ask", "--json", "--data", str(path), "plant 7"]
    for _ in range(2):  # indexed and stored, then read from the store
        result = subprocess.run(command, env=env, capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stderr == b""
        assert json.loads(result.stdout)["matches"][0]["answer"] == "a \ufffd"
    assert store_rows(folder, "SELECT count(*) FROM entry") == [(2500,)]


# --------------------------------------------------------------------------- L5: where


def test_a_relative_xdg_cache_home_is_ignored(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    path = faq(tmp_path / "faq.jsonl")
    env = {"PSOAS_CACHE_DIR": None, "XDG_CACHE_HOME": "cache", "HOME": str(home)}
    result = run("ask", "--json", "--data", str(path), QUERY, env=env)
    assert result.exit_code == 0
    assert top_answer(result) == ANSWER
    assert list(work.iterdir()) == []
    assert (home / ".cache" / "psoas" / STORE_NAME).is_file()


def test_an_empty_home_means_no_cache_and_still_an_answer(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    root_cache = Path("/.cache/psoas") / STORE_NAME
    before = root_cache.stat().st_mtime_ns if root_cache.exists() else None
    path = faq(tmp_path / "faq.jsonl")
    env = {"PSOAS_CACHE_DIR": None, "XDG_CACHE_HOME": None, "HOME": ""}
    for _ in range(2):
        result = run("ask", "--json", "--data", str(path), QUERY, env=env)
        assert result.exit_code == 0
        assert top_answer(result) == ANSWER
        assert result.stderr == ""
    assert list(work.iterdir()) == []
    assert (root_cache.stat().st_mtime_ns if root_cache.exists() else None) == before


# --------------------------------------------------------------------------- locks


def test_a_store_another_psoas_is_writing_is_still_read(run, tmp_path: Path):
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    first = ask(run, path, folder)
    writer = sqlite3.connect(folder / STORE_NAME, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # writing, not yet committing
    writer.execute("DELETE FROM entry")
    try:
        again = ask(run, path, folder)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert again.stdout == first.stdout
    assert again.stderr == ""


def test_a_store_locked_past_the_timeout_is_done_without(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(psoas_cli.store, "BUSY_SECONDS", 0.05)
    path = faq(tmp_path / "faq.jsonl")
    folder = tmp_path / "c"
    first = ask(run, path, folder)
    locker = sqlite3.connect(folder / STORE_NAME, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        again = ask(run, path, folder)
        other = ask(run, faq(tmp_path / "other.jsonl"), folder)  # cannot be written now
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert again.stderr == ""
    assert other.exit_code == 0 and other.stderr == ""
