"""The index store: a user's FAQ and its index, kept in SQLite between calls.

Indexing tens of thousands of entries takes seconds, so once a user's FAQ file is
indexed, its entries and index are kept in one SQLite database in the cache folder,
``index.sqlite3`` (where the folder is, and when it is trusted: :mod:`psoas_cli.cache`).
A later call reads from it only what its query touches: the postings of its terms, the
entries it scores and shows. The file is not even read again while its size, times
and inode stay those recorded (see :class:`FileState`); when they change, its content
is hashed and, if that content is stored, used.

Open it with the ``sqlite3`` shell to look: one row of ``faq`` for each file content
indexed, its ``entry`` rows, the lengths of each ``field``, each ``term`` with its
postings by field, each ``word`` for mending typos, and in ``data_file`` where each was
last seen. Each index is written in one transaction, so an interrupted or concurrent
write leaves the store as it was, by SQLite's own guarantees; the most recently
written :data:`KEEP` are kept and pruning deletes rows of these tables only. A store
in another schema, or that is not a database, is made again; one that cannot be
opened or written is simply not used: the answer comes from the data file.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import cache as cache_function
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from psoas_cli import cache
from psoas_cli.analysis import Analyzer, general_analyzer
from psoas_cli.dataset import (
    Dataset,
    Entry,
    LazyEntries,
    decode,
    parse_text,
    read_bytes,
)
from psoas_cli.index import FIELDS, Index, IndexTables
from psoas_cli.resources import data_file

if TYPE_CHECKING:
    import sqlite3

#: A context manager factory, ``factory(total)``, that yields a callable told how many
#: more entries are indexed (or None for no progress shown). The CLI passes the
#: render layer's progress bar; the core never prints.
ProgressFactory = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]
#: Told, in one line, why the cache was not used (the CLI passes ``render.notice``).
Notice = Callable[[str], None]

#: A smaller file is indexed on every call, which takes no longer than opening the
#: store (measured with MedQuAD's entries: 49 KB, 88 ms either way; 100 KB, 101 ms
#: indexed against 90 ms stored; 1 MB, 305 against 95 ms).
MIN_BYTES = 64 * 1024
#: How many indexed FAQs the store keeps; the least recently written go first.
KEEP = 8
STORE_NAME = "index.sqlite3"
#: The store never grows beyond this, and a larger file is not opened.
MAX_STORE_BYTES = 2 * 2**30
#: How long to wait for another psoas writing the store before going on without it.
BUSY_SECONDS = 10.0
#: A file changed less than this long ago can change again within the resolution of
#: its file system's times (2 s on FAT): its size and times do not vouch for its content.
SETTLED_NS = 3 * 10**9

_APPLICATION_ID = 0x50534F41  # "PSOA", so that `file` and psoas tell the store apart
#: The tables, each as SQLite keeps its CREATE statement: a store whose schema differs
#: in any way is made again, never read.
SCHEMA = {
    "faq": """CREATE TABLE faq (
    faq INTEGER PRIMARY KEY,
    digest TEXT NOT NULL,  -- SHA-1 of the data file's bytes
    code TEXT NOT NULL,  -- what else the index depends on (see code_stamp)
    source TEXT NOT NULL,  -- the data file's path when it was indexed
    entries INTEGER NOT NULL CHECK (entries >= 0),
    written REAL NOT NULL,  -- seconds since 1970; the oldest go first
    UNIQUE (digest, code)
)""",
    "data_file": """CREATE TABLE data_file (
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    faq INTEGER NOT NULL REFERENCES faq ON DELETE CASCADE,
    PRIMARY KEY (device, inode, faq)
) WITHOUT ROWID""",
    "entry": """CREATE TABLE entry (
    faq INTEGER NOT NULL REFERENCES faq ON DELETE CASCADE,
    number INTEGER NOT NULL,  -- 0, 1, ... in the order of the file
    id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    topics TEXT NOT NULL,  -- a JSON array of text
    phrasings TEXT NOT NULL,  -- a JSON array of text
    PRIMARY KEY (faq, number),
    UNIQUE (faq, id)
)""",
    "field": """CREATE TABLE field (
    faq INTEGER NOT NULL REFERENCES faq ON DELETE CASCADE,
    name TEXT NOT NULL,  -- question, phrasings, topics or answer
    total INTEGER NOT NULL,  -- the terms of this field in all entries
    lengths BLOB NOT NULL,  -- the terms of this field in each entry, as uint32
    PRIMARY KEY (faq, name)
)""",
    "term": """CREATE TABLE term (
    faq INTEGER NOT NULL REFERENCES faq ON DELETE CASCADE,
    term TEXT NOT NULL,
    entries INTEGER NOT NULL,  -- how many entries use it
    question BLOB,  -- postings: (entry number, count) pairs as uint32
    phrasings BLOB,
    topics BLOB,
    answer BLOB,
    PRIMARY KEY (faq, term)
)""",
    "word": """CREATE TABLE word (
    faq INTEGER NOT NULL REFERENCES faq ON DELETE CASCADE,
    word TEXT NOT NULL,
    entries INTEGER NOT NULL,  -- how many entries use it, for mending typos
    PRIMARY KEY (faq, word)
) WITHOUT ROWID""",
}


@cache_function
def schema_version() -> int:
    """The store's ``user_version``: derived from the schema, never bumped by hand."""
    import zlib

    return zlib.crc32("\n".join(SCHEMA.values()).encode()) & 0x7FFFFFFF


def _damaged(error: Exception) -> bool:
    """Whether SQLite found the file not a database (SQLITE_NOTADB), or damaged inside
    (SQLITE_CORRUPT and its extended codes)."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (26, 11)


def open_indexed(
    data: str | Path | None,
    progress: ProgressFactory | None = None,
    notice: Notice | None = None,
) -> tuple[Dataset, Index]:
    """The dataset and an index over it, ready for :func:`psoas_cli.matcher.find_matches`.

    ``progress`` is told when a large file is indexed; ``notice`` is told, in one line,
    when the cache folder is refused (the answer still comes, from the data file).
    """
    if not data:
        from psoas_cli.bundled import open_bundled

        # a refused folder goes unsaid here: nobody asked for this cache, and the
        # bundled FAQ is quick enough without it
        return open_bundled()
    return _open_file(Path(data), progress, notice)


def _open_file(
    path: Path, progress: ProgressFactory | None, notice: Notice | None
) -> tuple[Dataset, Index]:
    seen = FileState.of(path)
    store = None if seen is not None and seen.size < MIN_BYTES else _open_store(notice)
    code = code_stamp() if store is not None else ""
    if store is not None and seen is not None:
        found = store.read_unchanged(seen, code, str(path))
        if found is not None:
            return found
    raw = read_bytes(path)
    digest = _digest(raw)
    if store is not None:
        found = store.read_content(digest, code, str(path), seen)
        if found is not None:
            return found
    with _no_cycle_collection():
        dataset = parse_text(decode(raw, path), path)
        index = _build(dataset, general_analyzer(), progress)
    if store is not None and len(raw) >= MIN_BYTES:
        store.write(IndexKey(digest, code, str(path), seen), dataset, index)
    return dataset, index


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Parsing and indexing make millions of objects but no reference cycles, which the
    cycle collector would only walk over and over: without it, 6% less time to parse
    and index MedQuAD (0.09 s)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _open_store(notice: Notice | None) -> IndexStore | None:
    try:
        folder = cache.open_folder()
        return None if folder is None else IndexStore.open(folder / STORE_NAME)
    except cache.UntrustedCache as refused:
        if notice is not None:
            notice(f"psoas: {refused}")
        return None


def _build(dataset: Dataset, analyzer: Analyzer, progress: ProgressFactory | None) -> Index:
    if progress is None:
        return Index.build(dataset.entries, analyzer)
    with progress(len(dataset.entries)) as advance:
        return Index.build(dataset.entries, analyzer, advance)


def _digest(raw: bytes) -> str:
    import hashlib

    # SHA-1 here is a fingerprint of the file, not a safeguard: it is the quickest
    # digest in the standard library (12 ms for 18 MB against 24 ms for BLAKE2).
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def code_stamp() -> str:
    """What a stored index depends on besides the data file: the code that reads,
    analyses, indexes and stores it, the lexicon, and how this Python packs integers.

    Taken from the files themselves, so an edit in a checkout or a new release is a
    new stamp without a version to bump by hand.
    """
    import hashlib

    digest = hashlib.sha1(usedforsecurity=False)
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("dataset.py", "analysis.py", "index.py", "store.py"):
        try:
            with open(os.path.join(here, name), "rb") as source:
                digest.update(source.read())
        except OSError:  # installed without sources: the release stands for them
            from psoas_cli import __version__

            digest.update(f"{name} of {__version__}".encode())
    digest.update(data_file("lexicon.json").read_bytes())
    digest.update(f"{sys.version_info[:2]} {sys.byteorder}".encode())
    return digest.hexdigest()


class FileState(NamedTuple):
    """What the file system says of a data file; while all of it stays the same, so
    does the content (an edit changes the times, a replacement the inode)."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileState | None:
        """The state of a regular file; None for anything else (a pipe has none)."""
        import stat

        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return cls(
            _signed(info.st_dev),
            _signed(info.st_ino),
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
        )

    def settled(self) -> bool:
        """Whether the file has been left alone long enough for its state to vouch for
        its content (an edit now would show in its times)."""
        return time.time_ns() - max(self.mtime_ns, self.ctime_ns) > SETTLED_NS


def _signed(number: int) -> int:
    """A 64-bit unsigned number (a device or inode) as SQLite's signed integer."""
    return number - 2**64 if number >= 2**63 else number


class IndexKey(NamedTuple):
    """What identifies an index in the store, and where its file was seen."""

    digest: str
    code: str
    source: str
    seen: FileState | None


class IndexStore:
    """The SQLite database of indexed FAQs in the cache folder."""

    def __init__(self, connection: sqlite3.Connection, path: Path, found: os.stat_result) -> None:
        self._connection = connection
        self.path = path
        self._found = found  # the file as it was when opened
        self._discarded = False

    def _failed(self, error: sqlite3.Error) -> None:
        """After an error: a store found damaged is removed, to be made again next time
        (this process goes on reading what it can, and writes no more)."""
        if _damaged(error) and not self._discarded:
            self._discarded = True
            _discard(self.path, self._found)

    @classmethod
    def open(cls, path: Path) -> IndexStore | None:
        """The store at ``path``, made when missing or in another schema; None when it
        cannot be opened or made. Raises :class:`psoas_cli.cache.UntrustedCache` when
        the file is not one to open (see :func:`psoas_cli.cache.check_file`)."""
        import sqlite3

        for attempt in range(2):
            info = cache.check_file(path, MAX_STORE_BYTES)
            if info is None:
                # made here, or at the same moment by another psoas: checked as found
                info = cache.check_file(path, MAX_STORE_BYTES) if _create(path) else None
                if info is None:
                    return None
            connection = None
            try:
                connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
                connection.execute("PRAGMA foreign_keys = ON")
                if not _in_schema(connection):
                    _make_schema(connection)
                return cls(connection, path, info)
            except sqlite3.DatabaseError as error:
                if connection is not None:
                    connection.close()
                if not _damaged(error) or attempt:
                    return None
                _discard(path, info)
        return None

    def read_unchanged(
        self, seen: FileState, code: str, source: str
    ) -> tuple[Dataset, Index] | None:
        """The stored index of a file seen before in this very state, if any."""
        found = self._fetch(
            "SELECT faq.faq, faq.entries FROM data_file JOIN faq USING (faq)"
            " WHERE device = ? AND inode = ? AND size = ? AND mtime_ns = ? AND ctime_ns = ?"
            " AND code = ?",
            (*seen, code),
        )
        return None if found is None else self._read(*found, source)

    def read_content(
        self, digest: str, code: str, source: str, seen: FileState | None
    ) -> tuple[Dataset, Index] | None:
        """The stored index of this content; the file's state is recorded with it."""
        found = self._fetch(
            "SELECT faq, entries FROM faq WHERE digest = ? AND code = ?", (digest, code)
        )
        if found is None:
            return None
        read = self._read(*found, source)
        if read is not None and seen is not None and seen.settled():
            self._transaction(lambda: self._record(found[0], seen))
        return read

    def write(self, key: IndexKey, dataset: Dataset, index: Index) -> bool:
        """Store the dataset and its index in one transaction; False if it could not
        be (another psoas kept the store busy, the disk is full...)."""
        return self._transaction(lambda: self._insert(key, dataset, index))

    # --- writing ------------------------------------------------------------------------

    def _transaction(self, work: Callable[[], object]) -> bool:
        import sqlite3

        connection = self._connection
        if self._discarded:
            return False
        try:
            page_size = connection.execute("PRAGMA page_size").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {MAX_STORE_BYTES // page_size}")
            # Pages stay in memory until the commit, so the store is locked against
            # readers only while it is written out, not while the rows are made.
            connection.execute("PRAGMA cache_spill = OFF")
            # Fewer waits for the disk (30 ms of 350 for MedQuAD): a write is still all or
            # nothing if psoas is killed, only not if the machine loses power meanwhile.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                work()
                connection.execute("COMMIT")
            except BaseException:
                _roll_back(connection)
                raise
        except sqlite3.Error as error:
            self._failed(error)
            return False
        return True

    def _insert(self, key: IndexKey, dataset: Dataset, index: Index) -> None:
        import json

        execute = self._connection.execute
        found = execute(
            "SELECT faq FROM faq WHERE digest = ? AND code = ?", (key.digest, key.code)
        ).fetchone()
        if found is not None:  # another psoas stored it meanwhile
            if key.seen is not None and key.seen.settled():
                self._record(found[0], key.seen)
            return
        execute(
            "DELETE FROM faq WHERE faq IN"
            " (SELECT faq FROM faq ORDER BY written DESC, faq DESC LIMIT -1 OFFSET ?)",
            (KEEP - 1,),
        )
        faq = execute(
            "INSERT INTO faq (digest, code, source, entries, written) VALUES (?, ?, ?, ?, ?)",
            (key.digest, key.code, key.source, len(dataset.entries), time.time()),
        ).lastrowid
        assert faq is not None  # every INSERT sets it
        many = self._connection.executemany

        def texts(values: tuple[str, ...]) -> str:
            return json.dumps(values, ensure_ascii=False) if values else "[]"

        many(
            "INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (faq, number, e.id, e.question, e.answer, texts(e.topics), texts(e.phrasings))
                for number, e in enumerate(dataset.entries)
            ),
        )
        tables = index.tables
        many(
            "INSERT INTO field VALUES (?, ?, ?, ?)",
            ((faq, f, tables.totals[f], _packed(tables.lengths[f])) for f in FIELDS),
        )
        postings = [tables.postings[f] for f in FIELDS]
        many(
            "INSERT INTO term VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (faq, term, entries, *(field.get(term) for field in postings))
                for term, entries in tables.document_frequency.items()
            ),
        )
        many(
            "INSERT INTO word VALUES (?, ?, ?)",
            ((faq, word, entries) for word, entries in tables.vocabulary.items()),
        )
        if key.seen is not None and key.seen.settled():
            self._record(faq, key.seen)
        execute("PRAGMA incremental_vacuum").fetchall()  # frees a page at each step

    def _record(self, faq: int, seen: FileState) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO data_file VALUES (?, ?, ?, ?, ?, ?)", (*seen, faq)
        )

    # --- reading ------------------------------------------------------------------------

    def _fetch(self, sql: str, parameters: tuple[object, ...]) -> tuple[int, int] | None:
        import sqlite3

        try:
            row = self._connection.execute(sql, parameters).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        return row

    def _read(self, faq: int, size: int, source: str) -> tuple[Dataset, Index] | None:
        """The stored FAQ as a dataset and an index that read the store as they are used.

        None if it cannot be read now, or if its rows do not fit together (a store edited
        by hand): that FAQ is then deleted, to be indexed and written again.
        """
        import sqlite3

        try:
            fields = self._connection.execute(
                "SELECT name, total, length(lengths) FROM field WHERE faq = ?", (faq,)
            ).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        totals = {name: total for name, total, _ in fields}
        fits = (
            isinstance(size, int)
            and sorted(totals) == sorted(FIELDS)
            and all(isinstance(total, int) and total >= 0 for total in totals.values())
            and all(n == 4 * size for _, _, n in fields)  # each length a uint32
        )
        if not fits:
            self._transaction(
                lambda: self._connection.execute("DELETE FROM faq WHERE faq = ?", (faq,))
            )
            return None
        rows = _Rows(self._connection, faq, size, self._failed)
        tables = IndexTables(
            postings={f: _Column(rows.postings_reader(f), rows.all_postings(f)) for f in FIELDS},
            lengths=_Column(rows.lengths, rows.all_lengths),
            totals=totals,
            document_frequency=_Column(rows.document_frequency, rows.all_document_frequencies),
            vocabulary=_Column(rows.word_entries, rows.all_words),
        )
        index = Index(general_analyzer(), size, tables)
        numbers = _Column(rows.number, rows.all_numbers)
        return Dataset(
            LazyEntries(size, rows.entry, rows.every_entry), source=source, numbers=numbers
        ), index


V = TypeVar("V")


class _Column(Mapping[str, V]):
    """A column of the store as a mapping, each key read when first asked for."""

    def __init__(
        self,
        read_one: Callable[[str], V | None],
        read_all: Callable[[], Iterator[tuple[str, V]]],
    ) -> None:
        self._read_one = read_one
        self._read_all = read_all
        self._known: dict[str, V | None] = {}

    def __getitem__(self, key: str) -> V:
        try:
            value = self._known[key]
        except KeyError:
            value = self._known[key] = self._read_one(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        for key, value in self._read_all():
            self._known[key] = value
            yield key

    def __len__(self) -> int:
        return sum(1 for _ in self._read_all())


class _Rows:
    """The rows of one stored FAQ, read as a query needs them.

    A value that cannot be read or does not fit (a store edited by hand, or locked
    past the busy timeout) reads as absent, never as an error in the middle of a query.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        faq: int,
        size: int,
        failed: Callable[[sqlite3.Error], None],
    ) -> None:
        self._connection = connection
        self._failed = failed
        self._faq = faq
        self._size = size
        self._terms: dict[str, tuple[object, ...] | None] = {}

    def _one(self, sql: str, key: object) -> tuple[object, ...] | None:
        import sqlite3

        try:
            row: tuple[object, ...] | None = self._connection.execute(
                sql, (self._faq, key)
            ).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        return row

    def _all(self, sql: str) -> Iterator[tuple[object, ...]]:
        import sqlite3

        try:
            yield from self._connection.execute(sql, (self._faq,))
        except sqlite3.Error as error:
            self._failed(error)

    # entries

    _ENTRY = "SELECT id, question, answer, topics, phrasings FROM entry WHERE faq = ?"

    def entry(self, number: int) -> Entry:
        row = self._one(f"{self._ENTRY} AND number = ?", number)
        if row is None:
            missing = "(this entry could not be read from the index store)"
            return Entry(f"entry-{number + 1}", missing, missing)
        return _entry(row)

    def every_entry(self) -> Iterator[Entry]:
        return map(_entry, self._all(f"{self._ENTRY} ORDER BY number"))

    def number(self, entry_id: str) -> int | None:
        row = self._one("SELECT number FROM entry WHERE faq = ? AND id = ?", entry_id)
        return _whole(row[0], self._size) if row else None

    def all_numbers(self) -> Iterator[tuple[str, int]]:
        for entry_id, number in self._all(
            "SELECT id, number FROM entry WHERE faq = ? ORDER BY number"
        ):
            checked = _whole(number, self._size)
            if checked is not None:
                yield str(entry_id), checked

    # the index

    def _term(self, term: str) -> tuple[object, ...] | None:
        if term not in self._terms:
            self._terms[term] = self._one(
                f"SELECT entries, {', '.join(FIELDS)} FROM term WHERE faq = ? AND term = ?", term
            )
        return self._terms[term]

    def document_frequency(self, term: str) -> int | None:
        row = self._term(term)
        return _whole(row[0], self._size + 1) if row else None

    def all_document_frequencies(self) -> Iterator[tuple[str, int]]:
        for term, entries in self._all("SELECT term, entries FROM term WHERE faq = ?"):
            checked = _whole(entries, self._size + 1)
            if checked is not None:
                yield str(term), checked

    def postings_reader(self, field_name: str) -> Callable[[str], bytes | None]:
        column = 1 + FIELDS.index(field_name)

        def postings(term: str) -> bytes | None:
            row = self._term(term)
            return self._pairs(row[column]) if row else None

        return postings

    def all_postings(self, field_name: str) -> Callable[[], Iterator[tuple[str, bytes]]]:
        def everything() -> Iterator[tuple[str, bytes]]:
            sql = f"SELECT term, {field_name} FROM term WHERE faq = ? AND {field_name} IS NOT NULL"
            for term, packed in self._all(sql):
                checked = self._pairs(packed)
                if checked is not None:
                    yield str(term), checked

        return everything

    def _pairs(self, packed: object) -> bytes | None:
        """Postings that fit this FAQ: whole (entry, count) pairs, the last entry (the
        highest, as they ascend) one of its entries."""
        if not isinstance(packed, bytes) or not packed or len(packed) % 8:
            return None
        last = int.from_bytes(packed[-8:-4], sys.byteorder)
        return packed if last < self._size else None

    def lengths(self, field_name: str) -> Sequence[int]:
        row = self._one("SELECT lengths FROM field WHERE faq = ? AND name = ?", field_name)
        packed = row[0] if row else None
        if not isinstance(packed, bytes) or len(packed) != 4 * self._size:
            packed = bytes(4 * self._size)  # unreadable: every entry counts as average
        return memoryview(packed).cast("I")

    def all_lengths(self) -> Iterator[tuple[str, Sequence[int]]]:
        for name in FIELDS:
            yield name, self.lengths(name)

    def word_entries(self, word: str) -> int | None:
        row = self._one("SELECT entries FROM word WHERE faq = ? AND word = ?", word)
        return _whole(row[0], self._size + 1) if row else None

    def all_words(self) -> Iterator[tuple[str, int]]:
        for word, entries in self._all("SELECT word, entries FROM word WHERE faq = ?"):
            checked = _whole(entries, self._size + 1)
            if checked is not None:
                yield str(word), checked


def _entry(row: tuple[object, ...]) -> Entry:
    entry_id, question, answer, topics, phrasings = row
    return Entry(str(entry_id), str(question), str(answer), _texts(topics), _texts(phrasings))


def _whole(value: object, below: int) -> int | None:
    return value if isinstance(value, int) and 0 <= value < below else None


def _texts(value: object) -> tuple[str, ...]:
    """Topics or phrasings from their JSON array; none if it is not one of text."""
    if value == "[]" or not isinstance(value, str):
        return ()
    import json

    try:
        items = json.loads(value)
    except (ValueError, RecursionError):
        return ()
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return ()
    return tuple(items)


def _packed(numbers: Sequence[int]) -> bytes:
    if isinstance(numbers, memoryview):
        return numbers.tobytes()
    from array import array

    return array("I", numbers).tobytes()


# --- making the store --------------------------------------------------------------------


def _create(path: Path) -> bool:
    """Make an empty store file, readable by its owner only; False if it cannot be."""
    try:
        handle = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except FileExistsError:
        return True  # made at the same moment by another psoas
    except OSError:
        return False
    os.close(handle)
    return True


def _in_schema(connection: sqlite3.Connection) -> bool:
    found = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"
    ).fetchall()
    (application,) = connection.execute("PRAGMA application_id").fetchone()
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    return (
        application == _APPLICATION_ID
        and version == schema_version()
        and sorted(found) == sorted(SCHEMA.items())
    )


def _make_schema(connection: sqlite3.Connection) -> None:
    """Make the tables, after dropping whatever else the file held."""
    connection.execute("PRAGMA foreign_keys = OFF")  # so that tables drop in any order
    # Pages freed by pruning are given back to the file system (only takes effect in a
    # file with no tables yet).
    connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
    connection.execute("BEGIN EXCLUSIVE")
    try:
        if not _in_schema(connection):  # another psoas may have made it meanwhile
            objects = connection.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
                " AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
            ).fetchall()
            for kind, name in objects:
                quoted = '"' + str(name).replace('"', '""') + '"'
                connection.execute(f"DROP {str(kind).upper()} IF EXISTS {quoted}")
            for statement in SCHEMA.values():
                connection.execute(statement)
            connection.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {schema_version()}")
        connection.execute("COMMIT")
    except BaseException:
        _roll_back(connection)
        raise
    finally:
        connection.execute("PRAGMA foreign_keys = ON")


def _roll_back(connection: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (it does after some errors)."""
    import sqlite3

    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _discard(path: Path, info: os.stat_result) -> None:
    """Remove a store file that is not a database or is damaged, so it is made again;
    only if it is still the file that was found so (not one another psoas just made)."""
    try:
        now = os.lstat(path)
        if (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
            os.unlink(path)
    except OSError:
        pass
