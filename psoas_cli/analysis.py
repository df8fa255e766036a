"""Turning text into terms: normalising, stemming, stop words and the lexicon.

Questions, answers and queries all go through the same :class:`Analyzer`, so a word
means the same on both sides of a match. A term is either a light stem ("stretches"
-> "stretch") or a lexicon concept ("tummy", "belly" and "abdominal" -> "abdomen";
"lower back" and "lumbar" -> "lower_back").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from psoas_cli.resources import data_file

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_MAX_PHRASE = 5


class Token(NamedTuple):
    """One term of an analysed text, with where it came from."""

    term: str
    surface: str
    start: int
    end: int
    via_lexicon: bool = False


def normalise_word(word: str) -> str:
    """Lower case, no accents, no possessive "'s", no apostrophes ("can't" -> "cant")."""
    word = word.lower()
    if not word.isascii():
        import unicodedata

        word = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        ).replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def light_stem(word: str) -> str:
    """Strip common English endings so that inflections meet: plurals, -ing, -ed, -ness."""
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _verb_stem(_singular(word))
    word = _without_derivation(word)
    # A final e goes ("cause", "causes" -> "caus") unless the stem left would be a short
    # consonant-vowel-consonant word that means something else ("spine" is not "spin").
    if word.endswith("e") and len(word) > 3 and not _short_cvc(word[:-1]):
        word = word[:-1]
    return word


def _singular(word: str) -> str:
    """ "injuries" -> "injury", "stretches" -> "stretch", "hips" -> "hip"; "stress",
    "psoas"-like endings (-ss, -us, -is, -os) are no plurals."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    return word


def _verb_stem(word: str) -> str:
    """-ing and -ed off when a syllable is left ("stretching" -> "stretch", "sitting"
    -> "sit"; "bed" and "sing" stay), with a doubled final consonant made single."""
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and any(v in base for v in "aeiouy"):
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                return base[:-1]
            return base
    return word


def _without_derivation(word: str) -> str:
    """-ness, -ly and -ssion ("tightness", "slowly", "compression") off long words."""
    if word.endswith("ness") and len(word) > 6:
        return word[:-4]
    if word.endswith("ly") and len(word) > 5:
        return word[:-2]
    if word.endswith("ssion"):
        return word[:-3]
    return word


def _short_cvc(stem: str) -> bool:
    vowels = "aeiou"
    return (
        len(stem) <= 4
        and stem[-1] not in vowels + "wxy"
        and stem[-2] in vowels
        and stem[-3] not in vowels
    )


class Analyzer:
    """Text to terms, with the lexicon's stop words, synonyms and related terms."""

    def __init__(self, lexicon: dict[str, object]) -> None:
        self.keep = frozenset(_strings(lexicon.get("keep", ())))
        self.stopwords = frozenset(
            normalise_word(w)
            for key in ("stopwords", "filler")
            for w in _strings(lexicon.get(key, ()))
        )
        self._term_of_word: dict[str, str] = {}
        # phrase table: first stem -> [(stems, concept)], longest first
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.concepts: dict[str, tuple[str, ...]] = {}
        asks = _mapping(lexicon.get("asks"))
        for concept, words in [*_mapping(lexicon.get("synonyms")).items(), *asks.items()]:
            key = concept_key(concept)
            self.concepts[key] = (*self.concepts.get(key, ()), *_strings(words))
            for phrase in [concept, *_strings(words)]:
                self._add_phrase(phrase, key)
        # Phrases that say nothing about the subject ("at the same time", "is there a
        # way to") are dropped whole, as a stop word is; they map to the empty concept.
        for phrase in _strings(lexicon.get("filler_phrases", ())):
            self._add_phrase(phrase, "")
        self.related: dict[str, list[tuple[str, float]]] = {}
        groups = [*lexicon.get("related", ()), *lexicon.get("general_related", ())]  # type: ignore[misc]
        # a related term of several words ("turn off", "get rid of") is one term, as a
        # synonym's phrase is: so is it read in queries and entries of any FAQ
        for group in groups:
            for phrase in group["terms"]:
                if " " in phrase and not self._is_phrase(phrase):
                    self._add_phrase(phrase, concept_key(phrase))
        for options in self._phrases.values():
            options.sort(key=lambda option: -len(option[0]))
        for group in groups:
            terms = [self.term_of_phrase(t) for t in group["terms"]]
            for a in terms:
                for b in terms:
                    if a != b:
                        self.related.setdefault(a, []).append((b, float(group["weight"])))
        #: what a question can ask for that an entry must cover to answer it (a cost, a dose)
        self.asks = frozenset(concept_key(concept) for concept in asks)
        #: the FAQ's own subject, one of which a query must name (empty: any query may)
        self.subject = frozenset(map(self.term_of_phrase, _strings(lexicon.get("subject", ()))))
        #: its conditions and exercises, enough when no other part of the body is named
        topics = _strings(lexicon.get("subject_topics", ()))
        self.subject_topics = frozenset(map(self.term_of_phrase, topics))
        #: other parts of the body, named when a query about one is declined
        elsewhere = _strings(lexicon.get("elsewhere", ()))
        self.elsewhere = frozenset(map(self.term_of_phrase, elsewhere))
        #: every single word the lexicon knows, for typo correction; everyday words
        #: ("mild", "sack") are among them so that spelling alone never mends them
        everyday = _strings(lexicon.get("everyday_words", ()))
        phrases = [*elsewhere, *everyday, *(p for words in self.concepts.values() for p in words)]
        self.lexicon_words = frozenset(
            normalise_word(w) for phrase in phrases for w in _WORD.findall(phrase)
        )

    def tables(self) -> dict[str, str]:
        """What the analyzer has built, as lines of text (see :mod:`psoas_cli.bundled`):
        a JSON string is read far faster than as many small JSON values."""
        phrases = (
            (" ".join(stems), concept)
            for options in self._phrases.values()
            for stems, concept in options
        )
        related = (
            (term, other, repr(weight))
            for term, group in self.related.items()
            for other, weight in group
        )
        tables = {name: " ".join(sorted(getattr(self, name))) for name in _WORD_SETS}
        tables["phrases"] = _lines(phrases)
        tables["concepts"] = _lines((key, *words) for key, words in self.concepts.items())
        tables["related"] = _lines(related)
        return tables

    @classmethod
    def from_tables(cls, tables: dict[str, Any]) -> Analyzer:
        """An analyzer from :meth:`tables`, without reading or building the lexicon.
        Raises KeyError, TypeError or ValueError when the tables are not of that shape."""
        analyzer = cls.__new__(cls)
        for name in _WORD_SETS:
            setattr(analyzer, name, frozenset(tables[name].split()))
        analyzer._term_of_word = {}  # a memo of stems, filled again as words come
        analyzer._phrases = {}
        for stems, concept in _fields(tables["phrases"], 2):
            words = tuple(stems.split())
            analyzer._phrases.setdefault(words[0], []).append((words, concept))
        analyzer.concepts = {key: tuple(words) for key, *words in _fields(tables["concepts"])}
        analyzer.related = {}
        for term, other, weight in _fields(tables["related"], 3):
            analyzer.related.setdefault(term, []).append((other, float(weight)))
        return analyzer

    def _add_phrase(self, phrase: str, concept: str) -> None:
        stems = tuple(self._stem_word(normalise_word(w)) for w in _WORD.findall(phrase))
        if stems:
            self._phrases.setdefault(stems[0], []).append((stems, concept))

    def _is_phrase(self, phrase: str) -> bool:
        stems = tuple(self._stem_word(normalise_word(w)) for w in _WORD.findall(phrase))
        return any(known == stems for known, _ in self._phrases.get(stems[0], ()))

    def _stem_word(self, word: str) -> str:
        term = self._term_of_word.get(word)
        if term is None:
            term = word if word in self.keep else light_stem(word)
            self._term_of_word[word] = term
        return term

    def term_of_phrase(self, phrase: str) -> str:
        """The single term a lexicon phrase or word stands for."""
        terms = self.terms(phrase, keep_stopwords=True)
        if len(terms) == 1:
            return terms[0]
        return concept_key(phrase)

    def terms(self, text: str, keep_stopwords: bool = False) -> list[str]:
        """The terms of a text; for indexing questions and answers."""
        words = self.split(text)
        if not words:
            return []
        return [term for _, _, term in self._canonical(words, keep_stopwords)]

    @property
    def has_phrases(self) -> bool:
        """Whether the lexicon maps words or phrases to concepts of the FAQ's subject
        (else: stems only, and the everyday related terms)."""
        return bool(self.concepts)

    def split(self, text: str) -> list[str]:
        """The normalised words of a text, in order."""
        if text.isascii():
            words = _ASCII_WORD.findall(text.lower())
            if "'" not in text:
                return words
            # as normalise_word does: "psoas's" -> "psoas", "can't" -> "cant"
            return [(w[:-2] if w.endswith("'s") else w).replace("'", "") for w in words]
        return [normalise_word(w) for w in _WORD.findall(text)]

    def stand_in(self, term: str) -> str:
        """For a term of several words ("turn_off"), the one term an index without
        phrases keeps of it ("turn"); "" when it keeps none or more than one."""
        if self.has_phrases or "_" not in term:
            return ""
        kept = [t for t in map(self.index_term, term.split("_")) if t]
        return kept[0] if len(kept) == 1 else ""

    def index_term(self, word: str) -> str:
        """The term of one normalised word, or "" for a stop word (no phrases)."""
        return "" if word in self.stopwords else self._stem_word(word)

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """The normalised words of a text with their places: (word, start, end)."""
        return [(normalise_word(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]

    def tokens(self, text: str, keep_stopwords: bool = False) -> list[Token]:
        """The terms of a text with their places in it; for queries and highlighting."""
        return self.tokens_of_words(text, self.words(text), keep_stopwords)

    def tokens_of_words(
        self, text: str, words: list[tuple[str, int, int]], keep_stopwords: bool = False
    ) -> list[Token]:
        """Tokens from already split (and possibly mended) words of ``text``."""
        plain = [w for w, _, _ in words]
        tokens = []
        for i, j, term in self._canonical(plain, keep_stopwords):
            start, end = words[i][1], words[j - 1][2]
            via = j - i > 1 or term != self._stem_word(plain[i])
            tokens.append(Token(term, text[start:end], start, end, via))
        return tokens

    def _canonical(self, words: list[str], keep_stopwords: bool) -> list[tuple[int, int, str]]:
        """(first word, past last word, term) for each term; phrases become one concept."""
        known = self._term_of_word
        stems = [known.get(w) or self._stem_word(w) for w in words]
        out: list[tuple[int, int, str]] = []
        i, n = 0, len(words)
        phrases = self._phrases
        stopwords = self.stopwords
        while i < n:
            options = phrases.get(stems[i])
            if options:
                for phrase, concept in options:
                    size = len(phrase)
                    if tuple(stems[i : i + size]) == phrase:
                        if concept or keep_stopwords:
                            out.append((i, i + size, concept or stems[i]))
                        i += size
                        break
                else:
                    options = None
                if options:
                    continue
            if keep_stopwords or words[i] not in stopwords:
                out.append((i, i + 1, stems[i]))
            i += 1
        return out


def text_key(text: str) -> str:
    """Text as a person compares it: case, runs of white space and the hyphens or
    underscores between words make no difference ("Boat-Pose" is "boat pose")."""
    return " ".join(text.replace("-", " ").replace("_", " ").casefold().split())


def concept_key(concept: str) -> str:
    return "_".join(normalise_word(w) for w in _WORD.findall(concept))


#: the analyzer's sets of single words or terms, kept as one line each
_WORD_SETS = (
    "keep", "stopwords", "asks", "subject", "subject_topics", "elsewhere", "lexicon_words"
)  # fmt: skip


def _lines(rows: Iterable[tuple[str, ...]]) -> str:
    """Rows of fields as text: a tab between fields, a line end between rows."""
    return "\n".join("\t".join(row) for row in rows)


def _fields(text: str, width: int | None = None) -> list[list[str]]:
    """The rows of :func:`_lines`; ValueError when a row has not ``width`` fields."""
    rows = [line.split("\t") for line in text.split("\n")] if text else []
    if width is not None and any(len(row) != width for row in rows):
        raise ValueError("a row of the wrong width")
    return rows


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _strings(items: object) -> list[str]:
    """The strings of a lexicon list (anything else in it, or a non-list, is ignored)."""
    if not isinstance(items, list | tuple):
        return []
    return [item for item in items if isinstance(item, str)]


@cache
def default_analyzer() -> Analyzer:
    """The analyzer of the bundled FAQ: the whole of ``data/lexicon.json``."""
    return Analyzer(load_lexicon(data_file("lexicon.json")))


@cache
def general_analyzer() -> Analyzer:
    """The analyzer for a user's own FAQ: function words, stemming and everyday related
    words; the bundled FAQ's synonyms and filler words stay out.

    The synonyms and related terms describe the bundled FAQ's subject; on another
    subject they would merge words that differ there ("drive" is not "sitting").
    """
    lexicon = load_lexicon(data_file("lexicon.json"))
    general = ("keep", "stopwords", "general_related")
    return Analyzer({key: lexicon[key] for key in general if key in lexicon})


def load_lexicon(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        lexicon: dict[str, object] = json.load(handle)
    return lexicon
