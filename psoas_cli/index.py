"""The inverted index over a dataset's fields, and how it is built.

Postings are packed unsigned 32-bit pairs (entry number, term count), so a large
dataset's index is compact in memory and in the index store (:mod:`psoas_cli.store`),
and a query reads only the postings of its own terms. An index is made of named
tables (:class:`IndexTables`): dictionaries when it is built, columns of the store read
one key at a time when it is stored. A large FAQ is indexed in two processes where
the system can fork.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from psoas_cli.analysis import Analyzer, default_analyzer
from psoas_cli.dataset import Entry

FIELDS = ("question", "phrasings", "topics", "answer")
#: Datasets at least this large are indexed in two processes where possible.
PARALLEL_FROM = 20000
#: Indexing tells its progress every so many entries.
_PROGRESS_STEP = 1000


class IndexTables(NamedTuple):
    """What an index is made of, by name: built in memory, or read from the index store
    one key at a time (see :mod:`psoas_cli.store`)."""

    #: field -> term -> (entry number, count) pairs as packed unsigned 32-bit integers
    postings: Mapping[str, Mapping[str, bytes]]
    #: field -> each entry's length in terms, in entry order
    lengths: Mapping[str, Sequence[int]]
    #: field -> the sum of its lengths
    totals: Mapping[str, int]
    #: term -> how many entries use it
    document_frequency: Mapping[str, int]
    #: surface word -> how many entries use it, for mending typos
    vocabulary: Mapping[str, int]


class Index:
    """An inverted index over a dataset's fields, read through its tables."""

    def __init__(self, analyzer: Analyzer, size: int, tables: IndexTables) -> None:
        self.analyzer = analyzer
        self.size = size
        self.tables = tables
        self.lengths = tables.lengths
        self.average_length = {
            f: (tables.totals.get(f, 0) / size if size else 0.0) or 1.0 for f in FIELDS
        }
        self.document_frequency = tables.document_frequency
        #: surface word -> number of entries that use it, for mending typos
        self.vocabulary = tables.vocabulary
        self._unpacked: dict[tuple[str, str], Sequence[int] | None] = {}
        self._vocabulary_words: list[str] | None = None
        self._question_terms: dict[int, list[frozenset[str]]] = {}
        #: typo corrections worked out so far (a batch repeats its words)
        self.corrections: dict[str, tuple[str, float] | None] = {}
        #: entry id -> ids of related entries, best first (see related_entries)
        self.related: dict[str, list[str]] = {}
        #: neighbouring terms of the FAQ's own text, once read (see known_phrases)
        self.phrases: frozenset[tuple[str, str]] | None = None

    @classmethod
    def build(
        cls,
        entries: Sequence[Entry],
        analyzer: Analyzer | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Index:
        """Index the entries; ``progress(n)`` is told every so many entries.

        A large FAQ is indexed in two halves at once where the system can fork: the
        second half in a child process, which sends its part back through a pipe.
        """
        analyzer = analyzer or default_analyzer()
        middle = _halfway(entries)
        child = _fork_part(entries, middle, analyzer) if len(entries) >= PARALLEL_FROM else None
        if child is None:
            parts = [_index_part(entries, 0, analyzer, progress)]
        else:
            try:
                first = _index_part(entries[:middle], 0, analyzer, progress)
            except BaseException:  # Ctrl-C, say: leave no child behind
                _stop_part(child)
                raise
            second = _join_part(child)
            if second is None:  # the child failed: index its half here
                second = _index_part(entries[middle:], middle, analyzer, progress)
            elif progress is not None:
                progress(len(entries) - middle)
            parts = [first, second]
        return cls(analyzer, len(entries), _tables(analyzer, parts))

    def postings(self, field_name: str, term: str) -> Sequence[int] | None:
        """(entry number, count) pairs, flat, for a term in one field."""
        key = (field_name, term)
        if key in self._unpacked:
            return self._unpacked[key]
        packed = self.tables.postings[field_name].get(term)
        plist = self._unpacked[key] = None if packed is None else _unpacked(packed)
        return plist

    def question_terms(self, document: int, entry: Entry) -> list[frozenset[str]]:
        """The terms of an entry's question and of each alternate phrasing (memoised)."""
        found = self._question_terms.get(document)
        if found is None:
            texts = (entry.question, *entry.phrasings)
            found = [frozenset(self.analyzer.terms(text)) for text in texts]
            self._question_terms[document] = found
        return found

    def idf(self, term: str) -> float:
        df = self.document_frequency.get(term, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        return term in self.document_frequency

    def vocabulary_words(self) -> list[str]:
        if self._vocabulary_words is None:
            self._vocabulary_words = list(self.vocabulary)
        return self._vocabulary_words


def _tables(analyzer: Analyzer, parts: list[_Part]) -> IndexTables:
    """The tables of a whole index from the parts indexed apart."""
    postings: dict[str, dict[str, bytes]] = {}
    for name in FIELDS:
        if len(parts) == 1:
            postings[name] = parts[0].postings[name]
            continue
        # entry numbers ascend from one part to the next, so bytes simply join
        merged: dict[str, bytes] = {}
        for part in parts:
            for term, packed in part.postings[name].items():
                merged[term] = merged.get(term, b"") + packed
        postings[name] = merged
    lengths = {name: _unpacked(b"".join(p.lengths[name] for p in parts)) for name in FIELDS}
    document_frequency: Counter[str] = Counter()
    word_entries: Counter[str] = Counter()
    word_term: dict[str, str] = {}
    for part in parts:
        document_frequency.update(part.document_frequency)
        word_entries.update(part.word_entries)
        word_term.update(part.word_term)
    # A misspelt word is most likely one of the words many entries use.
    vocabulary = {
        word: word_entries[word] if analyzer.has_phrases else document_frequency.get(term, 0)
        for word, term in word_term.items()
        if len(word) >= 3 and word.isalpha() and word not in analyzer.stopwords
    }
    for word in analyzer.lexicon_words - vocabulary.keys():
        # a typo is never mended into a word that is then dropped as filler
        if len(word) >= 3 and word.isalpha() and word not in analyzer.stopwords:
            vocabulary[word] = 0
    return IndexTables(
        postings=postings,
        lengths=lengths,
        totals={name: sum(numbers) for name, numbers in lengths.items()},
        document_frequency=dict(document_frequency),
        vocabulary=vocabulary,
    )


class _Part(NamedTuple):
    """The index of a run of entries, in the plain values a pipe can carry."""

    postings: dict[str, dict[str, bytes]]  # field -> term -> packed (entry, count) pairs
    lengths: dict[str, bytes]  # field -> packed lengths
    document_frequency: dict[str, int]
    word_term: dict[str, str]  # word -> term ("" for a stop word)
    word_entries: dict[str, int]  # word -> entries that use it (lexicons with phrases)


def _index_part(
    entries: Sequence[Entry],
    start: int,
    analyzer: Analyzer,
    progress: Callable[[int], None] | None = None,
) -> _Part:
    """Index entries numbered from ``start``."""
    from array import array

    postings: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FIELDS}
    lengths: dict[str, array[int]] = {f: array("I") for f in FIELDS}
    document_frequency: Counter[str] = Counter()
    word_term: dict[str, str] = {}
    # entries that use each word, for choosing between typo corrections; with phrases
    # a word's term is not its own (the "flexor" of "hip flexor"), so the words are
    # counted, which a small lexicon-rich FAQ can afford
    word_entries: Counter[str] = Counter()
    entry_words: set[str] = set()
    counted = analyzer.has_phrases

    def analyse(text: str) -> tuple[Counter[str], int, frozenset[str]]:
        words = analyzer.split(text)
        if counted:
            word_term.update((w, "") for w in words if w not in word_term)
            terms = analyzer.terms(text)
            return Counter(terms), len(terms), frozenset(words)
        for word in set(words).difference(word_term):
            word_term[word] = analyzer.index_term(word)
        terms = list(filter(None, map(word_term.__getitem__, words)))
        return Counter(terms), len(terms), frozenset()

    seen_answers: dict[str, tuple[Counter[str], int, frozenset[str]]] = {}
    nothing: tuple[Counter[str], int, frozenset[str]] = (Counter(), 0, frozenset())
    for number, entry in enumerate(entries, start):
        if progress is not None and number > start and (number - start) % _PROGRESS_STEP == 0:
            progress(_PROGRESS_STEP)
        in_entry: set[str] = set()
        entry_words.clear()
        texts = (
            ("question", entry.question),
            ("phrasings", "\n".join(entry.phrasings)),
            ("topics", " ".join(t.replace("-", " ") for t in entry.topics)),
            ("answer", entry.answer),
        )
        for name, text in texts:
            analysed = nothing if not text else seen_answers.get(text)
            if analysed is None:
                analysed = analyse(text)
                if name == "answer":  # answers repeat in big FAQs (placeholders)
                    seen_answers[text] = analysed
            counts, length, words = analysed
            entry_words |= words
            lengths[name].append(length)
            field_postings = postings[name]
            for term, count in counts.items():
                field_postings[term] += (number, count)
            in_entry.update(counts)
        document_frequency.update(in_entry)
        word_entries.update(entry_words)
    if progress is not None and entries:
        progress(len(entries) % _PROGRESS_STEP or _PROGRESS_STEP)
    return _Part(
        {
            name: {term: array("I", plist).tobytes() for term, plist in field_postings.items()}
            for name, field_postings in postings.items()
        },
        {name: numbers.tobytes() for name, numbers in lengths.items()},
        dict(document_frequency),
        word_term,
        dict(word_entries),
    )


def _halfway(entries: Sequence[Entry]) -> int:
    """Where to cut the entries so both halves have about the same text to analyse
    (an answer repeated word for word is analysed once)."""
    seen: set[str] = set()
    work = []
    for entry in entries:
        fresh = entry.answer not in seen
        seen.add(entry.answer)
        # each entry costs about as much as analysing a hundred characters
        work.append(100 + len(entry.question) + (len(entry.answer) if fresh else 0))
    half, total = sum(work) / 2, 0
    for number, amount in enumerate(work):
        total += amount
        if total >= half:
            return number + 1
    return len(entries)


def _fork_part(entries: Sequence[Entry], middle: int, analyzer: Analyzer) -> tuple[int, int] | None:
    """Start a child process indexing ``entries[middle:]``; (pid, pipe) or None.

    Only on Linux, and only from a process with no other thread: a forked child of a
    threaded process can deadlock, and macOS does not support fork without exec.
    """
    import os
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import pickle

    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: index, send, and leave without running the parent's exit code
        status = 1
        try:
            os.close(reader)
            part = _index_part(entries[middle:], middle, analyzer)
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(part, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _stop_part(child: tuple[int, int]) -> None:
    import os
    import signal

    pid, reader = child
    if reader >= 0:
        os.close(reader)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _join_part(child: tuple[int, int]) -> _Part | None:
    """The part the child sent, or None if it sent none."""
    import os
    import pickle

    pid, reader = child
    try:
        with os.fdopen(reader, "rb") as pipe:
            part = pickle.load(pipe)
    except Exception:  # a child that died sends nothing usable
        part = None
    except BaseException:  # Ctrl-C or SIGTERM while waiting: the child stops now too
        _stop_part((pid, -1))
        raise
    os.waitpid(pid, 0)
    return part if isinstance(part, _Part) else None


def _unpacked(raw: bytes) -> Sequence[int]:
    """Packed unsigned 32-bit integers, read in place (no copy, no array module)."""
    return memoryview(raw).cast("I")
