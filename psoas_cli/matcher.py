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
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple

from psoas_cli.analysis import Analyzer, Token, text_key
from psoas_cli.dataset import Dataset, Entry
from psoas_cli.index import FIELDS, Index

#: Below this confidence an entry is not offered as an answer.
DEFAULT_MIN_SCORE = 35.0
#: How close (in points) the second answer must be to the first to call it a tie.
AMBIGUOUS_WITHIN = 3.0

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
#: Words up to this long are the ones real-word typos are made of ("week", "sack"):
#: they are mended, or left alone, by what their neighbours say.
_REAL_WORD_UP_TO = 5
#: How much a real word mended by its context counts, against 1 for one as typed.
REAL_WORD_TRUST = 0.8
#: FAQs up to this size are mended by context (their phrases are read at each start).
CONTEXT_UP_TO = 2000
#: A query of this many words or more, in several sentences, is read as a story.
STORY_FROM = 20
#: How much a term outside a story's question counts against one inside it.
NARRATIVE = 0.4
#: How much of its confidence an entry keeps when the query asks for something (a
#: cost, a dose, surgery) that the entry does not cover.
UNCOVERED_ASK = 0.4
#: How much of its confidence every entry keeps when the query is not about the FAQ's
#: subject: enough to rank the closest questions, never enough to answer.
OFF_SUBJECT = 0.3
#: The score shown for a raw confidence, as (raw, shown) points joined by straight
#: lines: what share of answers with that score were right on the labelled queries
#: (tests/data/queries.jsonl; the table is in the README). Raw 35, the threshold, and
#: raw 80 stay where they are, so the threshold declines the same queries; between
#: them the raw figure undersold answers that were right nineteen times in twenty.
CALIBRATION = (
    (0.0, 0.0),
    (10.0, 3.0),
    (20.0, 15.0),
    (35.0, 35.0),
    (50.0, 62.0),
    (65.0, 75.0),
    (80.0, 80.0),
    (100.0, 100.0),
)


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
    #: why the query was declined, when a rule (not only a low score) decided it
    reason: str = ""
    #: in a long story, the sentence read as its question
    focus: str = ""


class QueryTerm(NamedTuple):
    word: str
    term: str
    weight: float
    via: str = "exact"
    known: bool = True
    #: terms that count as this one in an entry, with how much a match through them counts
    expansions: tuple[tuple[str, float, str], ...] = ()


# --- query analysis -------------------------------------------------------------------


class Reading(NamedTuple):
    """What was read in a query: its terms and, for a long story, the sentence taken
    as its question (start, end in the query), else None."""

    terms: list[QueryTerm]
    focus: tuple[int, int] | None = None


def analyse_query(
    query: str, index: Index, phrases: Collection[tuple[str, str]] = ()
) -> list[QueryTerm]:
    """The query's informative terms, with typos mended and synonyms expanded.

    ``phrases`` are the pairs of neighbouring terms the dataset uses (see
    :func:`known_phrases`); with them a real word typed for another is mended too.
    """
    return read_query(query, index, phrases).terms


def read_query(query: str, index: Index, phrases: Collection[tuple[str, str]] = ()) -> Reading:
    """:func:`analyse_query`, with the sentence of a story that was read as its question."""
    words, mends = mend_words(query, index, phrases)
    tokens = index.analyzer.tokens_of_words(query, words)
    focus = _question_sentence(query, tokens, index)
    known: list[QueryTerm] = []
    unknown: list[tuple[str, str]] = []
    for token in tokens:
        # In a story, what lies outside the question is mostly narrative: its words
        # count less, and its words the dataset has never seen not at all.
        told = focus is not None and not focus[0] <= token.start < focus[1]
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
            term = _query_term(index, surface, token.term, via, trust)
        elif _known_relatives(index, token.term):
            term = _relative_term(index, surface, token.term, trust)
        else:
            if not told or token.term in index.analyzer.asks:
                unknown.append((surface, token.term))
            continue
        known.append(term._replace(weight=term.weight * NARRATIVE) if told else term)
    return Reading(_merged(known, unknown, index), focus)


def _merged(
    known: list[QueryTerm], unknown: list[tuple[str, str]], index: Index
) -> list[QueryTerm]:
    merged: dict[str, QueryTerm] = {}
    for query_term in known:
        if query_term.term not in merged or merged[query_term.term].weight < query_term.weight:
            merged[query_term.term] = query_term
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


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_QUESTION_WORDS = frozenset(
    "why how what which where when who can could is are does do should will would".split()
)


def _question_sentence(query: str, tokens: Sequence[Token], index: Index) -> tuple[int, int] | None:
    """In a story of STORY_FROM words or more, the sentence that asks its question:
    one with a question mark or a question word, naming the most of the FAQ's
    subject and the most words the dataset knows; the last such sentence wins a tie.
    None for a short query, or when no sentence asks anything the dataset knows.
    """
    # Only with a lexicon of the FAQ's subject: on a user's FAQ the long queries
    # (MedQuAD's consumer messages: 0.308 -> 0.282 top-1) lose more than they gain.
    if len(query.split()) < STORY_FROM or not index.analyzer.has_phrases:
        return None
    sentences = [m.span() for m in _SENTENCE.finditer(query) if m.group().strip()]
    if len(sentences) < 2:
        return None
    best, best_rank = None, (0, 0, 0)
    for start, end in sentences:
        inside = [t for t in tokens if start <= t.start < end]
        text = query[start:end]
        first = index.analyzer.split(text)[:1]
        asks = "?" in text or bool(first and first[0] in _QUESTION_WORDS)
        known = sum(index.knows(t.term) or bool(_known_relatives(index, t.term)) for t in inside)
        subject = sum(t.term in index.analyzer.subject for t in inside)
        rank = (int(asks), subject, known)
        if asks and known and rank >= best_rank:
            best, best_rank = (start, end), rank
    return best


def _known_relatives(index: Index, term: str) -> list[tuple[str, float]]:
    """The related terms of ``term`` that this dataset uses, as its index has them:
    a user's FAQ, indexed without phrases, has "turn" for "turn off"."""
    found = []
    for other, weight in index.analyzer.related.get(term, ()):
        known = other if index.knows(other) else index.analyzer.stand_in(other)
        if known and index.knows(known):
            found.append((known, weight))
    return found


def _relative_term(index: Index, word: str, term: str, trust: float) -> QueryTerm:
    """A lexicon term this dataset never uses, matched through its related terms
    ("groin" through "hip flexor"); it weighs what its closest relative weighs."""
    relatives = _known_relatives(index, term)
    expansions = tuple((other, trust * weight, "related") for other, weight in relatives)
    weight = max(max(index.idf(other), KNOWN_FLOOR) for other, _ in relatives)
    return QueryTerm(word, term, weight, "related", True, expansions)


def _query_term(index: Index, word: str, term: str, via: str, trust: float) -> QueryTerm:
    expansions = [(term, trust, via)]
    for other, weight in _known_relatives(index, term):
        expansions.append((other, trust * weight, "related"))
    return QueryTerm(word, term, max(index.idf(term), KNOWN_FLOOR), via, True, tuple(expansions))


def mend_words(
    query: str, index: Index, phrases: Collection[tuple[str, str]] = ()
) -> tuple[list[tuple[str, int, int]], dict[int, tuple[str, float, str]]]:
    """The query's words with unknown ones mended: joined, split or typo-corrected.

    With ``phrases`` (see :func:`known_phrases`), context decides too: a real word
    that makes no known phrase with its neighbours, where a word one vowel away does
    ("week psoas" -> "weak psoas"), is mended; a short word whose correction would
    change its first letter ("sack" -> "back") is mended only when the correction
    makes a known phrase with a neighbour.

    Returns the words (word, start, end) and, by start offset, how a word was mended:
    (how, trust 0-1, the words as typed).
    """
    words = index.analyzer.words(query)[:MAX_QUERY_WORDS]
    out: list[tuple[str, int, int]] = []
    mends: dict[int, tuple[str, float, str]] = {}
    attempts: set[str] = set()
    context = _Context(index, words, phrases)
    i = 0
    while i < len(words):
        word, start, end = words[i]
        if _is_known_word(index, word) or (word not in attempts and len(attempts) >= MAX_MENDS):
            meant = context.real_word_typo(i) if phrases else None
            if meant:
                out.append((meant, start, end))
                mends[start] = ("typo", REAL_WORD_TRUST, query[start:end])
            else:
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
            meant = context.real_word_typo(i) if phrases else None
            if corrected and context.plausible(i, corrected[0]):
                out.append((corrected[0], start, end))
                mends[start] = ("typo", corrected[1] / 100.0, query[start:end])
            elif meant:
                out.append((meant, start, end))
                mends[start] = ("typo", REAL_WORD_TRUST, query[start:end])
            else:
                out.append(words[i])
        i += 1
    return out, mends


class _Context:
    """The neighbours of each word of a query, for mending by context."""

    def __init__(
        self, index: Index, words: list[tuple[str, int, int]], phrases: Collection[tuple[str, str]]
    ) -> None:
        self.index = index
        self.words = [w for w, _, _ in words]
        self.phrases = phrases

    def _forms(self, word: str, concepts: bool) -> set[str]:
        """The word's stem and, with ``concepts``, its lexicon concept ("loosen":
        "loosen", "release")."""
        analyzer = self.index.analyzer
        forms = {analyzer.index_term(word), *(analyzer.terms(word) if concepts else ())}
        return forms - {""}

    def _neighbours(self, i: int, concepts: bool) -> set[str]:
        """The forms of the nearest words before and after the i-th that are no stop
        words."""
        found: set[str] = set()
        for side in (reversed(self.words[:i]), self.words[i + 1 :]):
            found |= next((f for w in side if (f := self._forms(w, concepts))), set())
        return found

    def makes_phrase(self, i: int, word: str, concepts: bool = True) -> bool:
        """Whether ``word``, in the i-th place, makes a known phrase with a neighbour."""
        neighbours = self._neighbours(i, concepts)
        return any(
            (form, other) in self.phrases
            for form in self._forms(word, concepts)
            for other in neighbours
        )

    def plausible(self, i: int, corrected: str) -> bool:
        """Whether a correction is believable: a short word with its first letter
        changed ("sack" -> "back", "lip" -> "hip") is more often another word than a
        typo, unless its neighbours say otherwise."""
        word = self.words[i]
        if not self.phrases or len(word) > _REAL_WORD_UP_TO or len(corrected) != len(word):
            return True
        return corrected[0] == word[0] or self.makes_phrase(i, corrected, concepts=False)

    def _meaningful(self, word: str) -> bool:
        """A word the entries use, or one the lexicon maps to a concept they use
        ("loose": release)."""
        if self.index.vocabulary.get(word, 0) > 0:
            return True
        analyzer = self.index.analyzer
        if word not in analyzer.lexicon_words:
            return False
        terms = analyzer.terms(word)
        return len(terms) == 1 and terms[0] != word and self.index.knows(terms[0])

    def real_word_typo(self, i: int) -> str | None:
        """The word one vowel away that makes a known phrase with a neighbour, where
        the word as typed makes none; None when there is no such word."""
        word = self.words[i]
        if not 3 <= len(word) <= _REAL_WORD_UP_TO or not word.isalpha():
            return None
        vocabulary = self.index.vocabulary
        # a word the entries use themselves is meant as typed
        if vocabulary.get(word, 0) > 0 or self.makes_phrase(i, word):
            return None
        found = [
            other
            for other in _vowel_variants(word)
            if self._meaningful(other) and self.makes_phrase(i, other)
        ]
        return min(found, key=lambda other: (-vocabulary.get(other, 0), other), default=None)


_VOWELS = "aeiou"


def _vowel_variants(word: str) -> set[str]:
    """Words one vowel away: a vowel changed, added or dropped ("week" -> "weak",
    "lose" -> "loose", "sit" -> "site")."""
    found = set()
    for at in range(len(word) + 1):
        for vowel in _VOWELS:
            found.add(word[:at] + vowel + word[at:])
            if at < len(word) and word[at] in _VOWELS:
                found.add(word[:at] + vowel + word[at + 1 :])
        if at < len(word) and word[at] in _VOWELS:
            found.add(word[:at] + word[at + 1 :])
    found.discard(word)
    return found


def known_phrases(dataset: Dataset, index: Index) -> frozenset[tuple[str, str]]:
    """The pairs of neighbouring terms (stop words left out) of the entries'
    questions, phrasings and topics and of the lexicon's phrases ("weak psoas", "mid
    back"); empty for a FAQ of more than CONTEXT_UP_TO entries, where reading every
    question would cost more than the mending gains, and for one matched without a
    lexicon of its subject (a user's FAQ)."""
    found = index.phrases
    if found is None:
        found = frozenset()
        # Only with a lexicon of the FAQ's own phrases: on another subject, everyday
        # words one vowel apart ("mail", "email") are both meant.
        if index.size <= CONTEXT_UP_TO and index.analyzer.has_phrases:
            texts = [
                text
                for entry in dataset.entries
                for text in (entry.question, *entry.phrasings, *entry.topics)
            ]
            # (a phrase of one word has no neighbours: about 1 ms saved at each start)
            concepts = index.analyzer.concepts.values()
            texts += [p for words in concepts for p in words if " " in p]
            found = frozenset(pair for text in texts for pair in _pairs_of(index, text))
        index.phrases = found
    return found


def _pairs_of(index: Index, text: str) -> list[tuple[str, str]]:
    """Neighbouring words' stems and neighbouring concepts, both ways round."""
    analyzer = index.analyzer
    stems = [t for t in map(analyzer.index_term, analyzer.split(text)) if t]
    pairs = []
    for terms in (stems, analyzer.terms(text)):
        for a, b in zip(terms, terms[1:], strict=False):
            pairs += [(a, b), (b, a)]
    return pairs


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
    # Every candidate within reach is weighed (limit=None): a cut-off list would keep
    # whichever tied candidates come first, and the choice would hang on their order.
    found = process.extract(
        word, index.vocabulary_words(), scorer=OSA.distance, score_cutoff=allowed, limit=None
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
                word, index.vocabulary_words(), scorer=OSA.distance, score_cutoff=2, limit=None
            )
            if sound_key(c[0]) == key
        ]
    if not found:
        return None

    def likelihood(candidate: tuple[str, float, int]) -> float:
        text, edits, _ = candidate
        prior = _TYPO_PRIOR * math.log1p(index.vocabulary.get(text, 0))
        return -_EDIT_COST * edits + prior + (_SAME_FIRST_LETTER if text[0] == word[0] else 0.0)

    # equally likely candidates go to the first in alphabetical order, whatever the
    # order of the vocabulary
    best, edits, _ = min(found, key=lambda candidate: (-likelihood(candidate), candidate[0]))
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


class Evidence(NamedTuple):
    """The best evidence an entry has for one query term."""

    #: whether, and where, the entry has the term: the field's weight times the trust
    #: in the match; coverage asks nothing more
    coverage: float
    #: how strongly: term count and field length (BM25), plus a share of a second field
    rank: float
    entry_term: str
    field: str
    via: str


class _Scored(NamedTuple):
    confidence: float
    rank: float
    document: int


def find_matches(
    query: str,
    dataset: Dataset,
    index: Index,
    limit: int = 3,
    min_score: float = DEFAULT_MIN_SCORE,
    highlight: bool = False,
) -> SearchResult:
    """The entries that best answer the query, best first, with their confidence.

    At most ``limit`` answers. ``highlight`` also finds where the matched words are
    in each answer, for display.
    """
    reading = read_query(query, index, known_phrases(dataset, index))
    query_terms = reading.terms
    focus = query[reading.focus[0] : reading.focus[1]].strip() if reading.focus else ""
    if sum(t.weight for t in query_terms) <= 0:
        return SearchResult(query=query, matches=(), min_score=min_score, focus=focus)
    evidence = gather_evidence(query_terms, index)
    scored = _score(query_terms, evidence, dataset, index)
    best = evidence[scored[0].document] if scored else {}
    reason = _off_subject(query_terms, index.analyzer, best)
    if reason:
        scored = [item._replace(confidence=item.confidence * OFF_SUBJECT) for item in scored]
    # the score as shown (one decimal) is what a threshold is compared with
    confident = [s for s in scored if round(s.confidence, 1) >= min_score]
    if not confident and not reason and scored:
        reason = _uncovered_ask(query_terms, evidence[scored[0].document], index.analyzer)
    matches = tuple(
        _to_match(query_terms, evidence[item.document], item, dataset, index, highlight)
        for item in confident[: max(limit, 0)]
    )
    # "Did you mean" only when the two answers shown read the query differently.
    ambiguous = len(matches) >= 2 and _too_close_to_call(confident, evidence)
    # Declining: nothing clears the threshold, so the closest are offered instead.
    closest = (
        ()
        if matches
        else tuple(
            _to_match(query_terms, evidence[item.document], item, dataset, index, False)
            for item in scored[:3]
        )
    )
    return SearchResult(query, matches, closest, ambiguous, min_score, reason, focus)


def calibrated(confidence: float) -> float:
    """The score shown for a raw confidence (see CALIBRATION)."""
    for (x0, y0), (x1, y1) in zip(CALIBRATION, CALIBRATION[1:], strict=False):
        if confidence <= x1:
            return y0 + (y1 - y0) * (confidence - x0) / (x1 - x0)
    return CALIBRATION[-1][1]


def _off_subject(
    query_terms: list[QueryTerm], analyzer: Analyzer, best: dict[str, Evidence]
) -> str:
    """Why a query is not about the FAQ's subject, or "" when it is (or the FAQ names
    no subject, as a user's FAQ does not).

    A query is about the subject when it names one of its parts of the body, or one
    of its topics (bursitis, sitting) and no other part of the body that the best
    answer (``best``, its evidence) leaves unmentioned.
    """
    terms = {t.term for t in query_terms}
    if not analyzer.subject or terms & analyzer.subject:
        return ""
    elsewhere = [t.word for t in query_terms if t.term in analyzer.elsewhere and t.term not in best]
    if elsewhere:
        return (
            f"it is about the {elsewhere[0]}, and this FAQ covers only the psoas, the hip "
            "flexors, the hips and the back"
        )
    if terms & analyzer.subject_topics:
        return ""
    return (
        "it does not say where: be more specific, and name the part of the body (the "
        "psoas, the hip flexors, the hips, the lower or middle back)"
    )


def _uncovered_ask(
    query_terms: list[QueryTerm], per_term: dict[str, Evidence], analyzer: Analyzer
) -> str:
    missing = [t.word for t in query_terms if t.term in analyzer.asks and t.term not in per_term]
    return f'it asks about "{missing[0]}", which no entry covers' if missing else ""


def gather_evidence(query_terms: list[QueryTerm], index: Index) -> dict[int, dict[str, Evidence]]:
    """The candidates (entry numbers) and, for each, its best evidence per query term.

    The candidates are the entries with a finding term (see :func:`_finding_terms`);
    the other terms are looked up for those entries only.
    """
    evidence: dict[int, dict[str, Evidence]] = defaultdict(dict)
    finding = _finding_terms(query_terms, index)
    for qt in sorted(query_terms, key=lambda t: t.term not in finding):
        only = None if qt.term in finding else evidence.keys()
        for term, trust, via in qt.expansions:
            for field_name in FIELDS:
                plist = index.postings(field_name, term)
                if plist:
                    found = _Found(qt.term, term, field_name, via, FIELD_WEIGHT[field_name] * trust)
                    _add_evidence(evidence, found, _pairs(plist, only), index)
    return evidence


class _Found(NamedTuple):
    """Where one expansion of a query term occurs: its term, field and weight there."""

    query_term: str
    entry_term: str
    field: str
    via: str
    weight: float


def _add_evidence(
    evidence: dict[int, dict[str, Evidence]],
    found: _Found,
    pairs: Iterable[tuple[int, int]],
    index: Index,
) -> None:
    for document, tf in pairs:
        strength = found.weight * _strength(index, found.field, tf, document)
        per_term = evidence[document]
        current = per_term.get(found.query_term)
        if current is None:
            per_term[found.query_term] = Evidence(
                found.weight, strength, found.entry_term, found.field, found.via
            )
            continue
        # A term found in a second field adds a share of the weaker strength; the
        # stronger field is the one reported.
        rank = max(current.rank, strength) + _SECOND_FIELD * min(current.rank, strength)
        coverage = max(current.coverage, found.weight)
        if strength > current.rank:
            per_term[found.query_term] = Evidence(
                coverage, rank, found.entry_term, found.field, found.via
            )
        else:
            per_term[found.query_term] = current._replace(coverage=coverage, rank=rank)


def _score(
    query_terms: list[QueryTerm],
    evidence: dict[int, dict[str, Evidence]],
    dataset: Dataset,
    index: Index,
) -> list[_Scored]:
    """Every candidate's confidence (0-100), best first."""
    covered = _coverage(query_terms, evidence)
    # The reverse view, how much of the entry's question the query asks about, is
    # computed for the leading candidates only: it separates entries that cover the
    # query equally well ("psoas" is in many questions; one of them is about little else).
    candidates = covered[:_RERANK]
    expanded = {e[0]: e[1] for qt in query_terms for e in qt.expansions}
    top_rank = max((item.rank for item in candidates), default=1.0) or 1.0
    asks = index.analyzer.asks
    terms = [t.term for t in query_terms]
    scored = []
    for share, rank, document in candidates:
        reverse = _question_coverage(index, document, dataset.entries[document], expanded)
        confidence = 100.0 * share * (1.0 - REVERSE_WEIGHT + REVERSE_WEIGHT * reverse)
        # How strongly the entry matches (term counts, field lengths) trims the score of
        # all but the strongest, so the order shown is the order of the scores.
        confidence *= 1.0 - RANK_BLEND + RANK_BLEND * rank / top_rank
        # An entry that lacks what the query asks for (a cost, a dose) cannot answer it.
        if any(t in asks and t not in evidence[document] for t in terms):
            confidence *= UNCOVERED_ASK
        scored.append(_Scored(calibrated(confidence), rank, document))
    # the tie-break: equal confidence goes to the stronger match, then the earlier entry
    scored.sort(key=lambda item: (-item.confidence, -item.rank, item.document))
    return scored


def _coverage(
    query_terms: list[QueryTerm], evidence: dict[int, dict[str, Evidence]]
) -> list[_Scored]:
    """Each candidate's share of the query covered (as ``confidence``, 0-1) and its
    ranking strength, best first."""
    known_weight = sum(t.weight for t in query_terms if t.known)
    unknown_weight = sum(t.weight for t in query_terms) - known_weight
    covered = []
    for document, per_term in evidence.items():
        got = rank = 0.0
        for qt in query_terms:
            found = per_term.get(qt.term)
            if found is not None:
                got += qt.weight * found.coverage
                rank += qt.weight * found.rank
        # What the dataset knows but this entry lacks counts less against it than what
        # no entry knows: a paraphrase brings words from elsewhere in the FAQ; a
        # question the FAQ cannot answer brings words it has never seen.
        share = got / (got + KNOWN_MISSING * (known_weight - got) + unknown_weight)
        covered.append(_Scored(share, rank, document))
    covered.sort(key=lambda item: (-item.confidence, -item.rank))
    return covered


def _too_close_to_call(confident: list[_Scored], evidence: dict[int, dict[str, Evidence]]) -> bool:
    """Whether the first two answers are too close to call: close in score, and
    covering different words of the query in their questions (two entries that
    answer the same words alike are simply two answers, not two readings)."""
    first, second = confident[0], confident[1]
    if first.confidence - second.confidence >= AMBIGUOUS_WITHIN:
        return False
    return _asked(evidence[first.document]) != _asked(evidence[second.document])


def _asked(per_term: dict[str, Evidence]) -> set[str]:
    return {term for term, found in per_term.items() if found.field != "answer"}


def _to_match(
    query_terms: list[QueryTerm],
    per_term: dict[str, Evidence],
    item: _Scored,
    dataset: Dataset,
    index: Index,
    spans: bool,
) -> Match:
    evidence = []
    for qt in query_terms:
        found = per_term.get(qt.term)
        if found is None:
            evidence.append(TermEvidence(qt.word, qt.term, qt.weight, via=qt.via))
        else:
            evidence.append(
                TermEvidence(
                    qt.word,
                    qt.term,
                    qt.weight,
                    found.entry_term,
                    found.field,
                    found.via,
                    found.coverage,
                )
            )
    entry = dataset.entries[item.document]
    terms = {e.entry_term for e in evidence if e.entry_term}
    return Match(
        entry,
        round(item.confidence, 1),
        tuple(evidence),
        matched_spans(index.analyzer, entry.question, terms) if spans else (),
        matched_spans(index.analyzer, entry.answer, terms) if spans else (),
    )


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
    asked = {text_key(m.entry.question) for m in matches}
    related = {}
    for match in matches:
        found: list[Entry] = []
        for entry in related_entries(match.entry, dataset, index, offered, RELATED_POOL):
            # an entry that asks a question already on screen adds nothing to read
            if len(found) < 2 and text_key(entry.question) not in asked:
                found.append(entry)
                offered.add(entry.id)
                asked.add(text_key(entry.question))
        related[match.entry.id] = found
    return related


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
