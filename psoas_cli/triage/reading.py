"""Reading a query: sentences and clauses of words, words as stems (numbers and typing
errors resolved), and the lexicon's phrases found in each clause."""

from __future__ import annotations

import re
from typing import NamedTuple

from psoas_cli.triage.lexicon import PASSES, WILDCARD_WORDS, Lexicon, Phrase
from psoas_cli.triage.words import normalise

_SENTENCE_BREAK = re.compile(r"([!?;:\[\]{}\"\n\r|]+|\.(?!\d)|(?m:^\s*-+\s))")
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
#: "I'm not... reacting": an ellipsis before a word in lower case is a pause, not an end
_PAUSE = re.compile(r"(?:\.{2,}|\u2026)(?=\s*[a-z])")
#: "my dog (dachshund, 9) can't...": an aside in brackets does not end the clause
_ASIDE = re.compile(r"\([^()\n]{0,80}\)")
#: A clause ends before these words, and before "and" or a comma when a new statement
#: follows ("and my legs..."); not between nouns ("pins and needles", "back and chest").
_CONTRAST = frozenset({"but", "however", "although", "though", "whereas", "except"})
_STARTERS = frozenset(
    "i my me im he she his her they their it its there now also then since yesterday today "
    "this that we our when so suddenly recently lately still even just cannot can could "
    "have has had am was is were are keep keeps get got started woke went never".split()
)
_BARE_NO = frozenset({"no", "nope", "none", "never", "not really", "not at all", "negative", "nah"})
_WEIGHT_UNITS = frozenset(
    "kg kgs kilo kilos kilogram kilograms lb lbs pound pounds stone stones st".split()
)
_CHILD_AGE_AFTER = frozenset(
    "am pm oclock o this today tonight yesterday in on last past to point time stage least "
    "most once a the every each or and nearly".split()
)
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen".split()
    )
}


class Sentence(NamedTuple):
    clauses: list[ClauseWords]
    #: it ends with a question mark
    question: bool
    #: it opens as a question does ("can...", "what...")
    asks: bool
    #: the sentence only answers "no" to the one before it ("Fever? No.")
    bare_no: bool


def sentences(query: str) -> list[Sentence]:
    """The query as sentences, each a list of clauses, each a list of words."""
    query = _ASIDE.sub(lambda aside: aside[0][1:-1].replace(",", " "), _PAUSE.sub(" ", query))
    pieces = _SENTENCE_BREAK.split(normalise(query))
    result = []
    for index in range(0, len(pieces), 2):
        words = _WORD.findall(pieces[index])
        if not words:
            continue
        ending = pieces[index + 1] if index + 1 < len(pieces) else ""
        # "could not finish" opens a statement whose "I" was left out
        asks = words[0] in _QUESTION_WORDS and words[1:2] != ["not"]
        # "when I sit..." opens a statement unless a question mark ends it
        asks = asks and (words[0] != "when" or "?" in ending)
        bare = " ".join(words) in _BARE_NO
        result.append(Sentence(_clauses(pieces[index]), "?" in ending, asks, bare))
    return result


_QUESTION_WORDS = frozenset(
    "what why how can could does do is are should will would when where which who whats".split()
)


class ClauseWords(NamedTuple):
    """The words of one clause, the unit it belongs to (parts of a sentence up to a
    "but") and its group (clauses that only commas part: "a deep, gnawing ache")."""

    words: list[str]
    unit: int
    group: int


def _clauses(text: str) -> list[ClauseWords]:
    """A sentence's clauses.

    A clause ends at a comma, at "but" and its kin, and at "and" when a new statement
    follows ("... and my legs"); a negation or a time reaches no further. A negated list
    is one clause ("no fever, chills or numbness"). A unit ends only at "but" and its
    kin: a rule's concepts are looked for together in a unit.
    """
    clauses: list[ClauseWords] = []
    unit = group = 0
    for segment in _merge_lists([_WORD.findall(part) for part in re.split(r",(?!\d)", text)]):
        current: list[str] = []
        for index, word in enumerate(segment):
            starts_statement = index + 1 < len(segment) and segment[index + 1] in _STARTERS
            if word in _CONTRAST or (word == "and" and starts_statement):
                if current:
                    clauses.append(ClauseWords(current, unit, group))
                current = []
                unit += word in _CONTRAST
                group += 1
                continue
            current.append(word)
        if current:
            clauses.append(ClauseWords(current, unit, group))
    return clauses


def _merge_lists(segments: list[list[str]]) -> list[list[str]]:
    """Comma-separated parts joined again where they make one negated list: a short part
    led by a negation, then short items up to one holding "or" ("no fever, chills or
    numbness")."""
    merged: list[list[str]] = []
    index = 0
    while index < len(segments):
        current = segments[index]
        index += 1
        negated = (
            current and set(current) & _LIST_NEGATIONS and len(current) <= 2 + _LIST_ITEM_WORDS
        )
        if negated:
            end = index
            while end < len(segments) and 0 < len(segments[end]) <= _LIST_ITEM_WORDS:
                if {"or", "nor"} & set(segments[end]):
                    current = [word for part in segments[index - 1 : end + 1] for word in part]
                    index = end + 1
                    break
                end += 1
        if current:
            merged.append(current)
    return merged


_LIST_NEGATIONS = frozenset({"no", "not", "never", "without", "nor", "neither"})
_LIST_ITEM_WORDS = 6


class Token(NamedTuple):
    stem: str
    word: str  # the word as written, for the explanation


def tokens_of(words: list[str], lexicon: Lexicon) -> list[Token]:
    """Stems of a clause's words: irregular forms, numbers and typing errors resolved."""
    tokens: list[Token] = []
    for index, word in enumerate(words):
        special = _special_number(words, index)
        if special == "":
            continue
        if special:
            tokens.append(Token(special, word))
            continue
        stems = lexicon.base_stems(word)
        if not any(lexicon.known(stem) for stem in stems):
            mended = lexicon.mend(word)
            if mended is not None:
                stems = lexicon.base_stems(mended)
        tokens.extend(Token(stem, word) for stem in stems)
    return tokens


def _special_number(words: list[str], index: int) -> str | None:
    """A token for a number that means something here ('#fever' for 39.5, '#older' for
    "I'm 79"), '' to drop a unit already read with its number, or None otherwise."""
    word = words[index]
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if word in _WEIGHT_UNITS and before[:1].isdigit():
        return ""
    number = _number(word)
    if number is None:
        return None
    if after in _WEIGHT_UNITS:
        return "#weight"
    if after == "am" and 1 <= number <= 5:
        return "#smallhours"  # "woken at 3am"
    return _age_then(words, index, number) or _age(words, index, number) or _reading(word, number)


def _age_then(words: list[str], index: int, number: float) -> str | None:
    """'#agechild' or '#atage' for an age at some time past: "fell off a swing at six",
    "when I was 8", "broke his hip at 80"."""
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if before in ("was", "were") and "when" in words[max(0, index - 4) : index] and number < 16:
        return "#agechild"
    if before != "at":
        return None
    if 2 <= number < 16 and after not in _CHILD_AGE_AFTER:
        return "#agechild"
    return "#atage" if 16 <= number < 120 and after in ("", "years", "yrs") else None


def _reading(word: str, number: float) -> str | None:
    """'#year' for a year ("in 2019"), '#fever' for a temperature ("39.5", "102")."""
    if 1900 <= number <= 2100 and word.isdigit():
        return "#year"
    return "#fever" if 37.5 <= number <= 43 or 99.5 <= number <= 108 else None


_PEOPLE = frozenset(
    "she he mum dad wife husband son daughter grandad grandma gran nan father mother partner "
    "baby kid child brother sister boy girl".split()
)


#: what follows an age that opens a message: "78 and slipped", "52 m, back pain"
_AGE_OPENING = frozenset({"and", "m", "f", "male", "female", "yo", "yrs", "years"})


def _age(words: list[str], index: int, number: float) -> str | None:
    """'#older' or '#toddler' for a person's age now: "I'm 79", "she's 4", "a 70 year old"."""
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    old = index + 2 < len(words) and words[index + 2] == "old"
    person = words[index - 2] if index > 1 else ""
    is_age = (
        (after in ("year", "years", "yr", "yrs") and old)
        or after == "yo"
        or before in ("aged", "age", "im")
        or (before == "am" and person == "i")
        or (before in ("is", "was") and person in _PEOPLE)  # "she is 4", not "temp is 38"
        or (index == 0 and number >= 16 and after in _AGE_OPENING)  # "78 and slipped"
    )
    if not is_age:
        return None
    if number >= 65:
        return "#older"
    return "#toddler" if number <= 5 else "#age"


def _number(word: str) -> float | None:
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


# ------------------------------------------------------------------ finding phrases


class Item(NamedTuple):
    """A phrase of the lexicon found in a clause, over tokens ``start`` to ``end``."""

    kind: str
    names: frozenset[str]
    start: int
    end: int
    words: str


def find_phrases(tokens: list[Token], lexicon: Lexicon) -> list[Item]:
    """The lexicon's phrases in a clause, left to right, the longest at each place; sites
    in a pass of their own. Sorted by where they start."""
    items = []
    for which in PASSES:
        index = 0
        while index < len(tokens):
            best = _best_phrase(tokens, index, which, lexicon)
            if best is None:
                index += 1
                continue
            end, phrase = best
            if phrase.kind == "cue":
                inside = _concept_inside(tokens, index, end, which, lexicon)
                if inside is not None:
                    # "be getting skinnier": the symptom is read, and of the cue only
                    # what ends before it ("no" of "no problem with the toilet")
                    shorter = _best_phrase(tokens, index, which, lexicon, inside)
                    if shorter is None:
                        index += 1
                        continue
                    end, phrase = shorter
            words = " ".join(dict.fromkeys(t.word for t in tokens[index:end] if t.word != ","))
            item = Item(phrase.kind, phrase.names, index, end, words)
            if item not in items:  # an idiom is looked for in both passes
                items.append(item)
            index = end
    items.sort(key=lambda item: (item.start, item.kind != "concept"))
    return [item for item in items if not _inside_a_time(item, items, tokens)]


#: cues of time whose words may name a person who is not there: "as a kid", "as a teen"
_TIMES = frozenset({"past", "recent", "chronic"})
_PRONOUNS = frozenset("i me my we us our he him his she her they them their".split())


def _inside_a_time(item: Item, items: list[Item], tokens: list[Token]) -> bool:
    """Whether a referent is a word of a time cue, not a person: the writer "as a kid"."""
    return (
        item.kind == "referent"
        and tokens[item.start].stem not in _PRONOUNS
        and any(
            other.kind == "cue"
            and other.names & _TIMES
            and other.start <= item.start
            and item.end <= other.end
            for other in items
        )
    )


def _best_phrase(
    tokens: list[Token], index: int, which: int, lexicon: Lexicon, before: int | None = None
) -> tuple[int, Phrase] | None:
    """The phrase of this pass that matches at ``index`` (ending by ``before``, if
    given) with the most words of its own, then the fewest skipped by a '*'; with
    where it ends."""
    best: tuple[tuple[int, int], int, Phrase] | None = None
    for phrase in lexicon.phrases(which, tokens[index].stem):
        end = _match(phrase.stems, tokens, index + 1, 1, lexicon, phrase.kind == "concept")
        if end is None or (before is not None and end > before):
            continue
        rank = (len(phrase.stems) - phrase.stems.count("*"), index - end)
        if best is None or rank > best[0]:
            best = (rank, end, phrase)
    return None if best is None else best[1:]


def _concept_inside(
    tokens: list[Token], start: int, end: int, which: int, lexicon: Lexicon
) -> int | None:
    """Where a symptom's phrase begins inside the words start:end and reaches past
    them, if one does."""
    for at in range(start + 1, end):
        for phrase in lexicon.phrases(which, tokens[at].stem):
            if phrase.kind != "concept" or not any(
                lexicon.kinds[name] in ("symptom", "function") for name in phrase.names
            ):
                continue
            if all(token.stem in lexicon.fillers for token in tokens[at:end]):
                continue  # "if I get a temperature": the cue keeps its "a"
            reach = _match(phrase.stems, tokens, at + 1, 1, lexicon, True)
            if reach is not None and reach > end:
                return at
    return None


def _match(
    pattern: tuple[str, ...],
    tokens: list[Token],
    at: int,
    part: int,
    lexicon: Lexicon,
    strict: bool,
) -> int | None:
    """Where ``pattern[part:]`` ends if it matches from token ``at``, else None. In a
    concept's phrase (``strict``), a '*' never skips a word that is a symptom itself."""
    if part == len(pattern):
        return at
    stem = pattern[part]
    if stem == "*":
        for skip in range(WILDCARD_WORDS + 1):
            if at + skip > len(tokens):
                return None
            if skip and strict and lexicon.blocks(tokens[at + skip - 1].stem):
                return None
            end = _match(pattern, tokens, at + skip, part + 1, lexicon, strict)
            if end is not None:
                return end
        return None
    if stem == "$":
        return _match(pattern, tokens, at, part + 1, lexicon, strict) if at == len(tokens) else None
    if at < len(tokens) and tokens[at].stem == stem:
        return _match(pattern, tokens, at + 1, part + 1, lexicon, strict)
    return None
