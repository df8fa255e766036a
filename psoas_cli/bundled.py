"""The bundled FAQ's index, kept ready between calls.

Building the lexicon's tables, indexing the twelve entries, ranking their related
entries and reading their phrases takes about 13 ms of every ``psoas ask``, far more
than reading them back from one small JSON file (about 2 ms), so they are kept in the
cache folder as ``bundled-index.json`` under the same rules as the index store
(:mod:`psoas_cli.cache`): a folder or file that is not the user's own, not a regular
file or too large is not read. JSON holds no object of a declared size, and what does
not fit the expected shape is built again, never an error. The file carries the stamp
of what it was made from (the release, and the size and time of the code and data
files it depends on), so an edit or a reinstall makes it anew.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from psoas_cli import cache
from psoas_cli.analysis import Analyzer, default_analyzer
from psoas_cli.dataset import Dataset, load_bundled
from psoas_cli.index import FIELDS, Index, IndexTables
from psoas_cli.resources import data_file

FILE_NAME = "bundled-index.json"
#: The file is about 60 KB; one much larger is not ours.
MAX_BYTES = 2 * 2**20


def open_bundled(notice: Any = None) -> tuple[Dataset, Index]:
    """The bundled FAQ and its index: read back when kept for the same code and data,
    else built and kept. ``notice`` is told, in one line, when the folder is refused."""
    dataset = load_bundled()
    stamp = _stamp()
    path = _path(notice)
    index = _read(path, stamp, len(dataset.entries)) if path is not None else None
    if index is not None:
        return dataset, index
    from psoas_cli.matcher import known_phrases, rank_all_related

    index = Index.build(dataset.entries, default_analyzer())
    rank_all_related(dataset, index)
    known_phrases(dataset, index)
    if path is not None:
        _write(path, stamp, index)
    return dataset, index


def _stamp() -> str:
    """What the kept index was made from: the release, and the size and time of each
    file of code and data it depends on (no hashing: 4 ms saved on every call). A new
    release, an edit in a checkout or a reinstall changes it."""
    from psoas_cli import __version__

    here = Path(__file__).resolve().parent
    sources = [here / name for name in _SOURCES] + [
        data_file(n) for n in ("lexicon.json", "faq.json")
    ]
    parts = [__version__]
    for path in sources:
        try:
            info = path.stat()
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path.name}:-")
    return " ".join(parts)


_SOURCES = ("analysis.py", "dataset.py", "index.py", "matcher.py", "bundled.py")


def _path(notice: Any) -> Path | None:
    try:
        folder = cache.open_folder()
    except cache.UntrustedCache as refused:
        if notice is not None:
            notice(f"psoas: {refused}")
        return None
    return None if folder is None else folder / FILE_NAME


def _read(path: Path, stamp: str, size: int) -> Index | None:
    try:
        if cache.check_file(path, MAX_BYTES) is None:
            return None
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        if not isinstance(document, dict) or document.get("stamp") != stamp:
            return None
        analyzer = Analyzer.from_tables(document["analyzer"])
        index = Index(analyzer, size, _index_tables(document["index"]))
        index.related = {
            str(entry): [str(other) for other in others]
            for entry, others in document["related"].items()
        }
        index.phrases = frozenset(_pairs(document["phrases"]))
        return index
    except (OSError, ValueError, KeyError, TypeError, AttributeError, cache.UntrustedCache):
        return None  # missing, damaged, of another shape: build it again


def _pairs(text: str) -> list[tuple[str, str]]:
    """The phrase pairs, one "a b" a line; ValueError for a line of another shape."""
    pairs = []
    for line in text.split("\n") if text else ():
        first, second = line.split(" ")
        pairs.append((first, second))
    return pairs


def _index_tables(raw: dict[str, Any]) -> IndexTables:
    postings = {
        name: {term: bytes.fromhex(packed) for term, packed in raw["postings"][name].items()}
        for name in FIELDS
    }
    lengths = {name: [int(n) for n in raw["lengths"][name]] for name in FIELDS}
    totals = {name: int(raw["totals"][name]) for name in FIELDS}
    frequency = {str(term): int(n) for term, n in raw["document_frequency"].items()}
    vocabulary = {str(word): int(n) for word, n in raw["vocabulary"].items()}
    return IndexTables(postings, lengths, totals, frequency, vocabulary)


def _write(path: Path, stamp: str, index: Index) -> None:
    """Write the file whole or not at all: a temporary file, renamed into place."""
    tables = index.tables
    document = {
        "stamp": stamp,
        "analyzer": index.analyzer.tables(),
        "index": {
            "postings": {
                name: {term: bytes(packed).hex() for term, packed in tables.postings[name].items()}
                for name in FIELDS
            },
            "lengths": {name: list(tables.lengths[name]) for name in FIELDS},
            "totals": {name: tables.totals[name] for name in FIELDS},
            "document_frequency": dict(tables.document_frequency),
            "vocabulary": dict(tables.vocabulary),
        },
        "related": index.related,
        "phrases": "\n".join(f"{a} {b}" for a, b in sorted(index.phrases or ())),
    }
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=True, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass  # a full or read-only disk: the index is simply not kept
