"""Red-flag triage: spot symptoms in a query that need a doctor or emergency care.

The words live in ``data/triage_lexicon.json`` and the flags, their rules and the
emergency numbers in ``data/red_flags.json``; this package is only the mechanism, one step a module:

1. **Read** the query: normalise it (case, apostrophes, contractions, numbers), split it
   into sentences and clauses, and reduce each word to a stem, mending typing errors
   against the lexicon's own words.
2. **Find** the phrases of the lexicon in each clause, longest first: concepts
   ("numb", "saddle", "pee"), context cues ("no", "years ago", "what if"), who or what
   is meant ("my mum", "the tap") and idioms that block a trigger ("fell asleep").
3. **Weigh the context** of each concept, in the manner of ConText (Harkema et al.,
   2009): a negation removes a symptom ("no numbness") but turns a body function into
   its loss ("cannot feel" is numbness); history that is over, a question about a
   condition in general, a thing, an animal or a person who has died put it aside.
4. **Apply the rules**: a flag fires when the concepts its rule names occur together in
   one clause, in any order and with any words in between, and nothing its rule names
   as an explanation ("unless") occurs in the same sentence.

Only the standard library is imported. ``words`` and ``lexicon`` read the data; ``reading``
finds the phrases (steps 1 and 2); ``context`` weighs them (3); ``flags`` applies the
rules (4) and knows the emergency numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from psoas_cli.triage.context import (
    Clause,
    Finding,
    affirm,
    apply_cues,
    apply_hypothesis,
    apply_referents,
    apply_time,
    blame_the_beast,
    generalise,
    unsaid_persons,
)
from psoas_cli.triage.flags import (
    REGIONS,
    RedFlag,
    RegionError,
    apply_rules,
    check_region,
    emergency_advice,
    emergency_numbers,
    flag_data,
    load_red_flags,
)
from psoas_cli.triage.lexicon import Lexicon, RedFlagDataError, load_lexicon
from psoas_cli.triage.reading import ClauseWords, Sentence, find_phrases, sentences, tokens_of

__all__ = [
    "REGIONS",
    "Finding",
    "RedFlag",
    "RedFlagDataError",
    "RegionError",
    "Triage",
    "check_region",
    "detect_red_flags",
    "emergency_advice",
    "emergency_numbers",
    "load_red_flags",
    "triage",
]


class Triage(NamedTuple):
    """What triage made of a query: the flags raised and the findings behind them."""

    flags: list[RedFlag]
    findings: list[Finding]
    #: flag id -> the findings that raised it
    evidence: dict[str, list[Finding]]


#: the contexts in which a finding may still raise a flag (a history of cancer counts)
_MAY_COUNT = ("", "past", "long-standing")


def triage(query: str, data: Path | None = None) -> Triage:
    """The red flags that ``query`` raises, with the findings behind them.

    ``data`` is a red-flag file to use instead of the bundled one.
    """
    lexicon = load_lexicon()
    parsed = sentences(query)
    lexicon.prepare(
        stem
        for sentence in parsed
        for clause in sentence.clauses
        for word in clause.words
        for stem in lexicon.base_stems(word)
    )
    reading = _Reading(lexicon)
    for number, sentence in enumerate(parsed):
        reading.read(number, sentence)
    clauses = reading.clauses
    apply_time(clauses, lexicon)
    findings = [f for clause in clauses for m in clause.mentions for f in m.findings(lexicon)]
    if not any(f.context in _MAY_COUNT for f in findings):
        return Triage([], findings, {})
    questions = {n for n, sentence in enumerate(parsed) if sentence.asks}
    flags, evidence = apply_rules(clauses, reading.sentence_of, questions, flag_data(data), lexicon)
    return Triage(flags, findings, evidence)


class _Reading:
    """The clauses of a query as they are read, sentence by sentence, and weighed."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.clauses: list[Clause] = []
        self.sentence_of: list[int] = []
        self.units = self.groups = 0

    def read(self, number: int, sentence: Sentence) -> None:
        previous = [c for c in self.clauses if self.sentence_of[c.number] == number - 1]
        if sentence.bare_no:
            for clause in previous:
                for mention in clause.mentions:
                    mention.context = "negated"  # "Loss of bladder control? No."
            return
        found = [self._clause(number, words) for words in sentence.clauses]
        person, subject = "", None
        for clause in found:
            person, subject = apply_referents(clause, self.lexicon, person, subject)
        unsaid_persons(found)
        blame_the_beast(found, self.lexicon)
        self.units += 1 + max(words.unit for words in sentence.clauses)
        self.groups += 1 + max(words.group for words in sentence.clauses)
        apply_hypothesis(found, sentence)
        affirm(found, previous)
        generalise(found, previous, self.lexicon)

    def _clause(self, number: int, words: ClauseWords) -> Clause:
        tokens = tokens_of(words.words, self.lexicon)
        last = self.clauses[-1] if self.clauses else None
        offset = last.offset + len(last.tokens) + 1 if last else 0
        clause = Clause(
            tokens,
            find_phrases(tokens, self.lexicon),
            len(self.clauses),
            self.units + words.unit,
            self.groups + words.group,
            offset,
        )
        apply_cues(clause, self.lexicon)
        self.clauses.append(clause)
        self.sentence_of.append(number)
        return clause


def detect_red_flags(query: str, data: Path | None = None) -> list[RedFlag]:
    """The red flags ``query`` raises, in the data file's order, each once."""
    return triage(query, data).flags
