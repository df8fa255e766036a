"""The index cache for a user's own FAQ file.

Indexing tens of thousands of entries takes a few seconds, so the parsed entries and
their index are saved once and reused while the file's content stays the same. The
cache lives in ``$PSOAS_CACHE_DIR``, else ``$XDG_CACHE_HOME/psoas``, else the
platform's user cache folder. Its file name is a digest of the data file's bytes, the
lexicon, the index format and the release (see :func:`_code_stamp`), so a changed
file or a new release of the tool gets a new index. A cache that cannot be read
(truncated, corrupted, from another Python) is rebuilt, never reported as an error;
one that cannot be written is simply not kept.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from psoas_cli import __version__
from psoas_cli.analysis import Analyzer, default_analyzer, general_analyzer
from psoas_cli.dataset import (
    Dataset,
    Entry,
    Exercise,
    LazyEntries,
    decode,
    load_bundled,
    parse_text,
    read_bytes,
)
from psoas_cli.index import Index
from psoas_cli.matcher import rank_all_related
from psoas_cli.resources import data_file

_MAGIC = b"psoas-index\n"
#: Every file the cache writes starts so, and pruning touches no other file.
_PREFIX = "psoas-"
_TEMPORARY = f".{_PREFIX}index-"
#: A user's file with fewer entries than this is indexed on every call, which takes
#: no longer than reading a cache and keeps the cache folder for files that need it.
MIN_ENTRIES = 2000


def cache_dir() -> Path:
    """Where index caches are kept."""
    override = os.environ.get("PSOAS_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "psoas"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "psoas"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "psoas" / "Cache" if local else Path.home() / ".psoas-cache"
    return Path.home() / ".cache" / "psoas"


def cache_key(raw: bytes) -> str:
    import hashlib

    # SHA-1 here is a fingerprint of the file, not a safeguard: it is the quickest
    # digest in the standard library (12 ms for 18 MB against 24 ms for BLAKE2).
    digest = hashlib.sha1(raw, usedforsecurity=False)
    digest.update(data_file("lexicon.json").read_bytes())
    digest.update(_code_stamp().encode())
    return digest.hexdigest()


def _code_stamp() -> str:
    """What else an index depends on: the index format, this release, the Python, and
    (for a checkout being edited) when the analysing code last changed."""
    here = Path(__file__).resolve().parent
    changed = [(here / name).stat().st_mtime_ns for name in ("analysis.py", "matcher.py")]
    return f"{Index.FORMAT}:{__version__}:{sys.version_info[:2]}:{changed}"


#: A context manager factory, ``factory(total)``, that yields a callable told how many
#: more entries are indexed (or None for no progress shown). The CLI passes the
#: render layer's progress bar; the core never prints.
ProgressFactory = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


def load_indexed(path: Path, progress: ProgressFactory | None = None) -> tuple[Dataset, Index]:
    """The dataset in ``path`` and its index, from the cache when it is current."""
    raw = read_bytes(path)
    cache_file = cache_dir() / f"{_PREFIX}{cache_key(raw)}.index"
    restored = _restore(_read(cache_file), str(path))
    if restored is not None:
        return restored
    dataset = parse_text(decode(raw, path), path)
    analyzer = general_analyzer()
    index = _build(dataset, analyzer, progress)
    if len(dataset.entries) >= MIN_ENTRIES:
        _write(cache_file, _state(dataset, analyzer, index))
    return dataset, index


def load_bundled_indexed() -> tuple[Dataset, Index]:
    """The bundled dataset and its index, kept in the cache between calls.

    The bundled files are small, but parsing them, building the lexicon's tables and
    indexing the entries is most of what a ``psoas ask`` costs after Python and Typer
    have started; reading it all back from one file is a fraction of that.
    """
    # The bundled files change only with a new release or in a checkout being edited,
    # so their sizes and times stand for their content here.
    stamps = []
    for name in ("faq.json", "exercises.json", "lexicon.json"):
        stat = data_file(name).stat()
        stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    stamps.append(f"{_code_stamp()}:{data_file('')}")
    key = f"{zlib.crc32(';'.join(stamps).encode()):08x}"
    cache_file = cache_dir() / f"{_PREFIX}bundled-{key}.index"
    restored = _restore(_read(cache_file), "bundled")
    if restored is not None:
        return restored
    dataset = load_bundled()
    analyzer = default_analyzer()
    index = Index.build(dataset.entries, analyzer)
    rank_all_related(dataset, index)  # worked out once, saved with the index
    _write(cache_file, _state(dataset, analyzer, index))
    return dataset, index


def _state(dataset: Dataset, analyzer: Analyzer, index: Index) -> tuple[object, ...]:
    # The answers go in one block of bytes with their offsets: reading them back as
    # one object, and an entry's answer only when it is shown, is what keeps a
    # query on a large FAQ quick.
    answers = [entry.answer.encode() for entry in dataset.entries]
    offsets = [0]
    for answer in answers:
        offsets.append(offsets[-1] + len(answer))
    records = [(e.id, e.question, e.topics, e.phrasings) for e in dataset.entries]
    exercises = [(x.id, x.name, x.steps, x.source_id, x.sides) for x in dataset.exercises]
    return (
        (records, offsets, b"".join(answers)),
        exercises,
        analyzer.to_state(),
        index.to_state(),
    )


def _restore(state: tuple[object, ...] | None, source: str) -> tuple[Dataset, Index] | None:
    """The dataset and index saved by :func:`_state`, or None if the state is not one.

    A cache with the right checksum can still hold another layout (written by another
    version); it is then rebuilt like a damaged one.
    """
    if state is None:
        return None
    try:
        (records, offsets, answers), exercises, analyzer_state, index_state = state  # type: ignore[misc]
        if not (
            isinstance(records, list)
            and isinstance(answers, bytes)
            and isinstance(offsets, list)
            and len(offsets) == len(records) + 1
            and all(isinstance(r, tuple) and len(r) == 4 for r in records[:1] + records[-1:])
        ):
            return None
        analyzer = Analyzer.from_state(analyzer_state)  # type: ignore[arg-type]
        index = Index.from_state(index_state, analyzer)  # type: ignore[arg-type]
        exercise_list = tuple(Exercise(*record) for record in exercises)  # type: ignore[attr-defined]
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        return None
    if index.size != len(records):
        return None

    def make(number: int) -> Entry:
        entry_id, question, topics, phrasings = records[number]
        answer = answers[offsets[number] : offsets[number + 1]].decode()
        return Entry(entry_id, question, answer, topics, phrasings)

    dataset = Dataset(
        entries=LazyEntries(len(records), make),
        exercises=exercise_list,
        source=source,
        ids=[record[0] for record in records],
    )
    return dataset, index


def _build(dataset: Dataset, analyzer: Analyzer, progress: ProgressFactory | None) -> Index:
    if progress is None:
        return Index.build(dataset.entries, analyzer)
    with progress(len(dataset.entries)) as advance:
        return Index.build(dataset.entries, analyzer, advance)


def _read(path: Path) -> tuple[object, ...] | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + 12
    if len(blob) < header or not blob.startswith(_MAGIC):
        return None
    length = int.from_bytes(blob[len(_MAGIC) : len(_MAGIC) + 8], "little")
    checksum = int.from_bytes(blob[len(_MAGIC) + 8 : header], "little")
    payload = memoryview(blob)[header:]
    if len(payload) != length or zlib.crc32(payload) != checksum:
        return None
    try:
        state = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return state if isinstance(state, tuple) and len(state) == 4 else None


def _write(path: Path, value: object) -> None:
    import tempfile

    payload = marshal.dumps(value)
    header = _MAGIC + len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header)
                out.write(payload)
            os.replace(temporary, path)
            _prune(path.parent, keep=path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # no cache this time; the next call indexes again


#: How many index caches to keep; the least recently written go first.
KEEP = 8


def _prune(folder: Path, keep: Path) -> None:
    """Keep the KEEP newest caches; remove half-written files an hour old (a process
    killed while writing leaves one)."""
    import time

    caches = sorted(folder.glob(f"{_PREFIX}*.index"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in caches[KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)
    for stale in folder.glob(f"{_TEMPORARY}*.tmp"):
        if stale.stat().st_mtime < time.time() - 3600:
            stale.unlink(missing_ok=True)
