"""Finding the entries that answer a query, with a confidence score and the reasons.

How a query is scored against an entry:

1. The query is analysed into terms (see :mod:`psoas_cli.analysis`). A word the
   dataset does not know is mended if it can be: two words joined ("ilio psoas"),
   one word split ("hipflexors"), or a typo corrected against the dataset's own
   vocabulary ("psoes" -> "psoas").
2. Each query term weighs what it tells apart: its inverse document frequency.
   A word the dataset has never seen weighs the most, because it asks for something
   no entry talks about ("massage gun", "MRI").
3. An entry covers a term through its question, its alternate phrasings, its topics
   or its answer (the question counts most), directly or through a related term.
4. The confidence (0-100) is the weighted share of the query's terms that the entry
   covers. It means the same on any dataset: how much of what was asked this entry
   speaks to. Below the threshold the tool declines rather than guess.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import NamedTuple

from psoas_cli.analysis import Analyzer, default_analyzer
from psoas_cli.dataset import Dataset, Entry

#: Below this confidence an entry is not offered as an answer.
DEFAULT_MIN_SCORE = 35.0
#: How close (in points) the second answer must be to the first to call it a tie.
AMBIGUOUS_WITHIN = 3.0

FIELDS = ("question", "phrasings", "topics", "answer")
FIELD_WEIGHT = {"question": 1.0, "phrasings": 0.9, "topics": 0.8, "answer": 0.4}
_K1 = 1.2
_B = 0.75
#: How much a word unknown to the dataset counts against coverage, relative to the
#: weight of a term that no entry contains.
UNKNOWN_WEIGHT = 1.0
#: How much a query term the dataset knows, but an entry does not cover, counts
#: against that entry, relative to a word no entry knows.
KNOWN_MISSING = 0.25
#: How much more a lexicon concept that no entry mentions weighs than another
#: unknown word.
LEXICON_UNKNOWN = 1.5
#: Several unknown words weigh their number to this power (1 would be their sum).
UNKNOWN_GROWTH = 0.5
#: The least a term the dataset knows weighs, so that a theme every entry shares
#: ("back pain" in a back-pain FAQ) still counts for something.
KNOWN_FLOOR = 0.6
#: Entries less alike than this (0-1) are not offered as "See also"; at most
#: RELATED_POOL of them are ranked for each entry.
RELATED_FROM = 0.25
RELATED_POOL = 6
RELATED_WORDS = 4
#: The least score an entry needs to be considered related at all.
RELATED_SEARCH = 20.0
#: In FAQs at least this large, a term in more than COMMON_SHARE of the entries does
#: not make an entry a candidate by itself.
PRUNE_FROM = 5000
COMMON_SHARE = 0.02
#: Only this many words of a query are read, and only this many distinct unknown
#: words are mended, so that a pasted essay is answered in time.
MAX_QUERY_WORDS = 1000
MAX_MENDS = 40
#: Longer "words" (a pasted code, a link) are not mended: no English word is.
_LONGEST_WORD = 40
#: Only words at least this long are tried as two words run together.
_SPLIT_FROM = 8
#: Words up to this long are mended with one edit at most; longer ones with two.
_ONE_EDIT_UP_TO = 8
#: How a candidate correction is chosen: each edit costs this much, and a candidate
#: gains _TYPO_PRIOR per natural-log unit of how many entries use it.
_EDIT_COST = 10.0
_TYPO_PRIOR = 6.0
#: Misspellings keep the first letter more often than not.
_SAME_FIRST_LETTER = 2.0
#: Indexing tells its progress every so many entries.
_PROGRESS_STEP = 1000


class TermEvidence(NamedTuple):
    """Why one query word counted for (or against) an entry."""

    query_word: str
    query_term: str
    weight: float
    entry_term: str | None = None
    field: str | None = None
    via: str = "exact"  # exact | synonym | related | typo | joined | split | unknown
    strength: float = 0.0


class Match(NamedTuple):
    entry: Entry
    score: float
    evidence: tuple[TermEvidence, ...] = ()
    #: (start, end) of the words in the question and the answer that matched the query
    question_spans: tuple[tuple[int, int], ...] = ()
    answer_spans: tuple[tuple[int, int], ...] = ()


class SearchResult(NamedTuple):
    query: str
    matches: tuple[Match, ...]
    closest: tuple[Match, ...] = ()
    ambiguous: bool = False
    min_score: float = DEFAULT_MIN_SCORE


class QueryTerm(NamedTuple):
    word: str
    term: str
    weight: float
    via: str = "exact"
    known: bool = True
    #: terms that count as this one in an entry, with how much a match through them counts
    expansions: tuple[tuple[str, float, str], ...] = ()


class Index:
    """An inverted index over a dataset's fields.

    Postings are packed ``array('I')`` pairs (entry number, term count), so a large
    dataset's index is compact in memory and quick to save and load; a query reads
    only the postings of its own terms.
    """

    #: bumped whenever the saved form or the analysis changes, so old caches are rebuilt
    FORMAT = 4

    def __init__(
        self,
        analyzer: Analyzer,
        size: int,
        postings: dict[str, dict[str, Sequence[int] | bytes]],
        lengths: dict[str, Sequence[int]],
        document_frequency: dict[str, int],
        vocabulary: dict[str, int],
    ) -> None:
        self.analyzer = analyzer
        self.size = size
        self._postings = postings
        self.lengths = lengths
        self.average_length = {f: (sum(lengths[f]) / size if size else 0.0) or 1.0 for f in FIELDS}
        self.document_frequency = document_frequency
        #: surface word -> number of entries that use it, for mending typos
        self.vocabulary = vocabulary
        self._vocabulary_words: list[str] | None = None
        self._question_terms: dict[int, list[frozenset[str]]] = {}
        #: typo corrections worked out so far (a batch repeats its words)
        self.corrections: dict[str, tuple[str, float] | None] = {}
        #: entry id -> ids of related entries, best first (see related_entries)
        self.related: dict[str, list[str]] = {}

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
        return cls._from_parts(analyzer, len(entries), parts)

    @classmethod
    def _from_parts(cls, analyzer: Analyzer, size: int, parts: list[_Part]) -> Index:
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
        return cls(
            analyzer,
            size,
            postings,  # type: ignore[arg-type]
            lengths,
            dict(document_frequency),
            vocabulary,
        )

    def to_state(self) -> tuple[object, ...]:
        """The index as plain values (bytes, dicts, ints) that marshal can save."""
        postings = {
            f: {t: (p if isinstance(p, bytes) else _packed(p)) for t, p in fp.items()}
            for f, fp in self._postings.items()
        }
        lengths = {f: _packed(a) for f, a in self.lengths.items()}
        return (
            self.size,
            postings,
            lengths,
            self.document_frequency,
            self.vocabulary,
            self.related,
            self._question_terms,
        )

    @classmethod
    def from_state(cls, state: tuple[object, ...], analyzer: Analyzer | None = None) -> Index:
        size, postings, lengths, document_frequency, vocabulary, related, questions = state
        index = cls(
            analyzer or default_analyzer(),
            size,  # type: ignore[arg-type]
            postings,  # type: ignore[arg-type]
            {name: _unpacked(raw) for name, raw in lengths.items()},  # type: ignore[attr-defined]
            document_frequency,  # type: ignore[arg-type]
            vocabulary,  # type: ignore[arg-type]
        )
        index.related = related  # type: ignore[assignment]
        index._question_terms = questions  # type: ignore[assignment]
        return index

    def postings(self, field_name: str, term: str) -> Sequence[int] | None:
        """(entry number, count) pairs, flat, for a term in one field."""
        field_postings = self._postings[field_name]
        plist = field_postings.get(term)
        if isinstance(plist, bytes):
            field_postings[term] = plist = _unpacked(plist)
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
    finally:
        os.waitpid(pid, 0)
    return part if isinstance(part, _Part) else None


def _packed(numbers: Sequence[int]) -> bytes:
    """Unsigned 32-bit integers as bytes, for saving."""
    if isinstance(numbers, memoryview):
        return numbers.tobytes()
    return memoryview(numbers).tobytes()  # type: ignore[arg-type]


def _unpacked(raw: bytes) -> Sequence[int]:
    """The integers of :func:`_packed`, read in place (no copy, no array module)."""
    return memoryview(raw).cast("I")  # type: ignore[return-value]


# --- query analysis -------------------------------------------------------------------


def analyse_query(query: str, index: Index) -> list[QueryTerm]:
    """The query's informative terms, with typos mended and synonyms expanded."""
    words, mends = mend_words(query, index)
    known: list[QueryTerm] = []
    unknown: list[tuple[str, str]] = []
    for token in index.analyzer.tokens_of_words(query, words):
        inside = [m for start, m in mends.items() if token.start <= start < token.end]
        if inside:
            via, trust = inside[0][0], min(m[1] for m in inside)
            surface = query[
                token.start : max(token.end, *(token.start + len(m[2]) for m in inside))
            ]
        else:
            via, trust = ("synonym" if token.via_lexicon else "exact"), 1.0
            surface = token.surface
        if index.knows(token.term):
            known.append(_query_term(index, surface, token.term, via, trust))
        elif _known_relatives(index, token.term):
            known.append(_relative_term(index, surface, token.term, trust))
        else:
            unknown.append((surface, token.term))
    merged: dict[str, QueryTerm] = {}
    for term in known:
        if term.term not in merged or merged[term.term].weight < term.weight:
            merged[term.term] = term
    # Each word the dataset has never seen asks for something no entry covers; several
    # of them in one long description are mostly its narrative, so their weight grows
    # with the square root of their number rather than with the number itself.
    distinct = {term: surface for surface, term in unknown if term not in merged}
    if distinct:
        each = UNKNOWN_WEIGHT * index.idf("") * len(distinct) ** (UNKNOWN_GROWTH - 1.0)
        for term, surface in distinct.items():
            # A concept of the lexicon ("how long", "cost") is never narrative filler:
            # a question about one the FAQ never mentions is one it cannot answer.
            weight = each * (LEXICON_UNKNOWN if term in index.analyzer.concepts else 1.0)
            merged[term] = QueryTerm(surface, term, weight, "unknown", False, ())
    return list(merged.values())


def _known_relatives(index: Index, term: str) -> list[tuple[str, float]]:
    return [(o, w) for o, w in index.analyzer.related.get(term, ()) if index.knows(o)]


def _relative_term(index: Index, word: str, term: str, trust: float) -> QueryTerm:
    """A lexicon term this dataset never uses, matched through its related terms
    ("groin" through "hip flexor"); it weighs what its closest relative weighs."""
    relatives = _known_relatives(index, term)
    expansions = tuple((other, trust * weight, "related") for other, weight in relatives)
    weight = max(max(index.idf(other), KNOWN_FLOOR) for other, _ in relatives)
    return QueryTerm(word, term, weight, "related", True, expansions)


def _query_term(index: Index, word: str, term: str, via: str, trust: float) -> QueryTerm:
    expansions = [(term, trust, via)]
    for other, weight in index.analyzer.related.get(term, ()):
        if index.knows(other):
            expansions.append((other, trust * weight, "related"))
    return QueryTerm(word, term, max(index.idf(term), KNOWN_FLOOR), via, True, tuple(expansions))


def mend_words(
    query: str, index: Index
) -> tuple[list[tuple[str, int, int]], dict[int, tuple[str, float, str]]]:
    """The query's words with unknown ones mended: joined, split or typo-corrected.

    Returns the words (word, start, end) and, by start offset, how a word was mended:
    (how, trust 0-1, the words as typed).
    """
    words = index.analyzer.words(query)[:MAX_QUERY_WORDS]
    out: list[tuple[str, int, int]] = []
    mends: dict[int, tuple[str, float, str]] = {}
    attempts: set[str] = set()
    i = 0
    while i < len(words):
        word, start, end = words[i]
        if _is_known_word(index, word) or (word not in attempts and len(attempts) >= MAX_MENDS):
            out.append(words[i])
            i += 1
            continue
        attempts.add(word)
        if i + 1 < len(words) and (word + words[i + 1][0]) in index.vocabulary:
            end = words[i + 1][2]
            out.append((word + words[i + 1][0], start, end))
            mends[start] = ("joined", 1.0, query[start:end])
            i += 2
            continue
        halves = _split(index, word)
        if halves:
            out.extend((half, start, end) for half in halves)
            mends[start] = ("split", 1.0, query[start:end])
        else:
            corrected = correct_typo(index, word)
            if corrected:
                out.append((corrected[0], start, end))
                mends[start] = ("typo", corrected[1] / 100.0, query[start:end])
            else:
                out.append(words[i])
        i += 1
    return out, mends


def _is_known_word(index: Index, word: str) -> bool:
    return (
        len(word) < 3
        or len(word) > _LONGEST_WORD  # a pasted code or link: nothing to mend
        or not word.isalpha()
        or word in index.vocabulary
        or word in index.analyzer.stopwords
        or word in index.analyzer.lexicon_words
    )


def _split(index: Index, word: str) -> tuple[str, str] | None:
    """Two words run together ("hipflexors"), each used by more than one entry or known
    to the lexicon; a rare fragment ("log" + "ical") is no evidence of a split."""
    if len(word) < _SPLIT_FROM:
        return None
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], word[cut:]
        if _common_word(index, left) and _common_word(index, right):
            return left, right
    return None


def _common_word(index: Index, word: str) -> bool:
    return index.vocabulary.get(word, 0) >= 2 or word in index.analyzer.lexicon_words


def correct_typo(index: Index, word: str) -> tuple[str, float] | None:
    """The dataset word closest to a misspelt one, and its similarity (0-100)."""
    if word not in index.corrections:
        index.corrections[word] = _correct(index, word)
    return index.corrections[word]


def _correct(index: Index, word: str) -> tuple[str, float] | None:
    """The closest words by edits (a transposition counts as one); among them the more
    common one wins, as a speller would guess: "flexers" is more likely "flexors" (in
    many entries) than "flexes" (in one).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    allowed = 1 if len(word) <= _ONE_EDIT_UP_TO else 2
    found = process.extract(
        word, index.vocabulary_words(), scorer=OSA.distance, score_cutoff=allowed, limit=8
    )
    if len(word) <= 3:
        # In a short word one changed letter makes another word ("gun", "gut"); only a
        # missing letter is mended ("bak" -> "back").
        found = [c for c in found if len(c[0]) > len(word)]
    if not found and allowed == 1 and len(word) >= 4:
        # Spelling by ear ("tite", "pane") is two edits from the word but sounds alike.
        key = sound_key(word)
        found = [
            c
            for c in process.extract(
                word, index.vocabulary_words(), scorer=OSA.distance, score_cutoff=2, limit=20
            )
            if sound_key(c[0]) == key
        ]
    if not found:
        return None

    def likelihood(candidate: tuple[str, float, int]) -> float:
        text, edits, _ = candidate
        prior = _TYPO_PRIOR * math.log1p(index.vocabulary.get(text, 0))
        return -_EDIT_COST * edits + prior + (_SAME_FIRST_LETTER if text[0] == word[0] else 0.0)

    best, edits, _ = max(found, key=likelihood)
    return best, 100.0 * (1.0 - edits / max(len(word), len(best)))


_SOUNDS = (("igh", "i"), ("ph", "f"), ("ck", "k"), ("wr", "r"), ("kn", "n"), ("gh", "g"))


def sound_key(word: str) -> str:
    """A rough key of how a word sounds: its first letter, then its consonants with
    common spellings of one sound made one ("tight" and "tite" -> "tt"... -> "t")."""
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound)
    word = word.replace("c", "k").replace("z", "s")
    consonants = [ch for ch in word[1:] if ch not in "aeiouy"]
    key = word[0]
    for ch in consonants:
        if ch != key[-1]:
            key += ch
    return key


# --- scoring ----------------------------------------------------------------------------

#: Share of the confidence that comes from how much of the entry's question (or of its
#: closest alternate phrasing) the query covers; the rest is how much of the query the
#: entry covers.
REVERSE_WEIGHT = 0.2
#: Only the leading candidates by coverage are reranked with the question's view;
#: at most limit + a few can be shown, so fifty leaves room.
_RERANK = 50
#: A term found in a second field adds this share of its strength to the ranking
#: (a match in both question and answer beats one in the question alone).
_SECOND_FIELD = 0.25
RANK_BLEND = 0.2
#: Datasets at least this large are indexed in two processes where possible.
PARALLEL_FROM = 20000


def _question_coverage(
    index: Index, document: int, entry: Entry, expanded: dict[str, float]
) -> float:
    best = 0.0
    for terms in index.question_terms(document, entry):
        total = sum(index.idf(t) for t in terms)
        if total > 0:
            best = max(best, sum(index.idf(t) * expanded.get(t, 0.0) for t in terms) / total)
    return min(best, 1.0)


def _strength(index: Index, field_name: str, tf: int, document: int) -> float:
    if field_name in ("phrasings", "topics"):
        return 1.0
    length = index.lengths[field_name][document]
    norm = 1.0 - _B + _B * length / index.average_length[field_name]
    return tf * (_K1 + 1.0) / (tf + _K1 * norm)


def _finding_terms(query_terms: list[QueryTerm], index: Index) -> set[str]:
    """The query terms whose entries are the candidates; all of them on a small FAQ.

    On a large FAQ the entries that have only the query's common terms ("symptoms",
    "disease" in a medical FAQ) are not candidates when it has a rarer one: the
    entries with the rarer term and the common ones rank above them. A common
    term's postings are then read only for the candidates.
    """
    everything = {t.term for t in query_terms}
    if index.size < PRUNE_FROM:
        return everything
    common = index.size * COMMON_SHARE
    rarer = {
        t.term
        for t in query_terms
        if t.known and min(index.document_frequency.get(e[0], 0) for e in t.expansions) <= common
    }
    return rarer or everything


def _pairs(plist: Sequence[int], only: Collection[int] | None) -> Iterable[tuple[int, int]]:
    """The (entry number, count) pairs of a posting list, or of only some entries."""
    if only is None:
        pairs = iter(plist)
        return zip(pairs, pairs, strict=True)
    documents, counts = plist[0::2], plist[1::2]
    if len(only) * 20 > len(documents):  # few postings: reading them all is quicker
        return ((d, c) for d, c in zip(documents, counts, strict=True) if d in only)
    from bisect import bisect_left

    found = []
    for document in sorted(only):
        at = bisect_left(documents, document)
        if at < len(documents) and documents[at] == document:
            found.append((document, counts[at]))
    return found


def find_matches(
    query: str,
    dataset: Dataset,
    index: Index,
    limit: int = 3,
    min_score: float = DEFAULT_MIN_SCORE,
    highlight: bool = False,
) -> SearchResult:
    """The entries that best answer the query, best first, with their confidence.

    ``highlight`` also finds where the matched words are in each answer, for display.
    """
    query_terms = analyse_query(query, index)
    total_weight = sum(t.weight for t in query_terms)
    known_weight = sum(t.weight for t in query_terms if t.known)
    unknown_weight = total_weight - known_weight
    if not query_terms or total_weight <= 0:
        return SearchResult(query=query, matches=(), min_score=min_score)

    # best evidence per (document, query term): (capped strength, rank strength, evidence)
    best: dict[int, dict[str, tuple[float, float, str, str, str]]] = defaultdict(dict)
    finding = _finding_terms(query_terms, index)
    for qt in sorted(query_terms, key=lambda t: t.term not in finding):
        only = None if qt.term in finding else best.keys()
        for term, trust, via in qt.expansions:
            for field_name in FIELDS:
                plist = index.postings(field_name, term)
                if not plist:
                    continue
                field_weight = FIELD_WEIGHT[field_name] * trust
                for document, tf in _pairs(plist, only):
                    strength = field_weight * _strength(index, field_name, tf, document)
                    # Coverage asks only whether, and where, the entry has the term;
                    # how often and in how long a text weighs in the ranking.
                    present = field_weight
                    current = best[document].get(qt.term)
                    if current is None:
                        best[document][qt.term] = (
                            present,
                            strength,
                            term,
                            field_name,
                            via,
                        )
                    else:
                        capped = max(current[0], present)
                        rank = max(current[1], strength) + _SECOND_FIELD * min(current[1], strength)
                        if strength > current[1]:
                            best[document][qt.term] = (capped, rank, term, field_name, via)
                        else:
                            best[document][qt.term] = (capped, rank, *current[2:])

    covered: list[tuple[float, float, int]] = []
    for document, per_term in best.items():
        got = sum(qt.weight * per_term[qt.term][0] for qt in query_terms if qt.term in per_term)
        # What the dataset knows but this entry lacks counts less against it than what
        # no entry knows: a paraphrase brings words from elsewhere in the FAQ; a
        # question the FAQ cannot answer brings words it has never seen.
        share = got / (got + KNOWN_MISSING * (known_weight - got) + unknown_weight)
        rank = sum(qt.weight * per_term[qt.term][1] for qt in query_terms if qt.term in per_term)
        covered.append((share, rank, document))
    covered.sort(key=lambda item: (-item[0], -item[1]))
    # The reverse view, how much of the entry's question the query asks about, is
    # computed for the leading candidates only: it separates entries that cover the
    # query equally well ("psoas" is in many questions; one of them is about little else).
    candidates = covered[:_RERANK]
    expanded = {e[0]: e[1] for qt in query_terms for e in qt.expansions}
    scored = []
    top_rank = max((rank for _, rank, _ in candidates), default=1.0) or 1.0
    for share, rank, document in candidates:
        reverse = _question_coverage(index, document, dataset.entries[document], expanded)
        confidence = 100.0 * share * (1.0 - REVERSE_WEIGHT + REVERSE_WEIGHT * reverse)
        # How strongly the entry matches (term counts, field lengths) trims the score of
        # all but the strongest, so the order shown is the order of the scores.
        confidence *= 1.0 - RANK_BLEND + RANK_BLEND * rank / top_rank
        scored.append((confidence, rank, document))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))

    def to_match(confidence: float, document: int, spans: bool = True) -> Match:
        per_term = best[document]
        evidence = []
        for qt in query_terms:
            if qt.term in per_term:
                capped, _, term, field_name, via = per_term[qt.term]
                evidence.append(
                    TermEvidence(qt.word, qt.term, qt.weight, term, field_name, via, capped)
                )
            else:
                evidence.append(TermEvidence(qt.word, qt.term, qt.weight, via=qt.via))
        entry = dataset.entries[document]
        terms = {e.entry_term for e in evidence if e.entry_term}
        return Match(
            entry,
            round(confidence, 1),
            tuple(evidence),
            matched_spans(index.analyzer, entry.question, terms) if spans else (),
            matched_spans(index.analyzer, entry.answer, terms) if spans else (),
        )

    confident = [(c, d) for c, _, d in scored if c >= min_score]
    ambiguous = len(confident) >= 2 and confident[0][0] - confident[1][0] < AMBIGUOUS_WITHIN
    # When the first two are too close to call, both are shown rather than a guess.
    shown = max(limit, 2) if ambiguous and limit > 0 else max(limit, 0)
    matches = tuple(to_match(c, d, highlight) for c, d in confident[:shown])
    closest = () if matches else tuple(to_match(c, d, False) for c, _, d in scored[:3])
    return SearchResult(query, matches, closest, ambiguous, min_score)


def matched_spans(analyzer: Analyzer, text: str, terms: set[str]) -> tuple[tuple[int, int], ...]:
    """Where in ``text`` the given terms occur, for highlighting."""
    return tuple((t.start, t.end) for t in analyzer.tokens(text) if t.term in terms)


def related_entries(
    entry: Entry,
    dataset: Dataset,
    index: Index,
    exclude: Collection[str] = (),
    limit: int = 2,
) -> list[Entry]:
    """Up to ``limit`` other entries on the same subject: shared topics and similar words.

    Half of the likeness is the share of topics the two entries have in common, half is
    how well the entry's question, asked as a query, matches the other entry. The
    ranking depends only on the dataset, so the index keeps it once worked out.
    """
    ranked = index.related.get(entry.id)
    if ranked is None:
        ranked = index.related[entry.id] = _rank_related(entry, dataset, index)
    found = (dataset.get(other) for other in ranked if other not in exclude)
    return [other for other in found if other is not None][:limit]


def rank_all_related(dataset: Dataset, index: Index) -> None:
    """Work out every entry's related entries now, so the index keeps (and saves) them."""
    for entry in dataset.entries:
        if entry.id not in index.related:
            index.related[entry.id] = _rank_related(entry, dataset, index)


def related_for_matches(
    matches: Sequence[Match], dataset: Dataset, index: Index, offered: Collection[str] = ()
) -> dict[str, list[Entry]]:
    """ "See also" entries for each answer: never one already shown, nor one offered
    under an earlier answer."""
    offered = {*offered, *(m.entry.id for m in matches)}
    asked = {_same(m.entry.question) for m in matches}
    related = {}
    for match in matches:
        found = []
        for entry in related_entries(match.entry, dataset, index, offered, RELATED_POOL):
            # an entry that asks a question already on screen adds nothing to read
            if len(found) < 2 and _same(entry.question) not in asked:
                found.append(entry)
                offered.add(entry.id)
                asked.add(_same(entry.question))
        related[match.entry.id] = found
    return related


def _same(question: str) -> str:
    return " ".join(question.casefold().split())


def _rank_related(entry: Entry, dataset: Dataset, index: Index) -> list[str]:
    # The question's rarest words say what it is about; the common ones ("symptoms",
    # "disease" in a medical FAQ) would only make a large FAQ slow to search.
    tokens = index.analyzer.tokens(entry.question)
    tokens.sort(key=lambda token: -index.idf(token.term))
    question = " ".join(token.surface for token in tokens[:RELATED_WORDS])
    similar = find_matches(
        question, dataset, index, RELATED_POOL + 1, min_score=RELATED_SEARCH, highlight=False
    )
    topics = set(entry.topics)
    scored = []
    for match in similar.matches:
        other = match.entry
        if other.id == entry.id:
            continue
        union = topics | set(other.topics)
        shared = len(topics & set(other.topics)) / len(union) if union else 0.0
        scored.append((0.5 * shared + 0.5 * match.score / 100.0, other.id))
    scored.sort(key=lambda item: -item[0])
    return [other for likeness, other in scored if likeness > RELATED_FROM]


def similar_ids(wanted: str, ids: Sequence[str], limit: int = 3) -> list[str]:
    """The ids that look most like a mistyped one, for "did you mean"."""
    from rapidfuzz import fuzz, process

    found = process.extract(wanted.lower(), ids, scorer=fuzz.WRatio, score_cutoff=60, limit=limit)
    return [choice for choice, _, _ in found]
