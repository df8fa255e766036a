"""The triage lexicon (``data/triage_lexicon.json``), compiled for matching as far as a
query needs it: which phrases mean which concept, context cue, referent or idiom."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from psoas_cli.errors import PsoasError
from psoas_cli.triage.words import CONTRACTION, edit_distance, spell_out, stem_word

LEXICON_FILE_NAME = "triage_lexicon.json"
REAL_WORDS_FILE_NAME = "real_words.txt"
#: '*' in a phrase stands for at most this many words.
WILDCARD_WORDS = 4
#: Words shorter than this are never mended as typing errors.
MEND_MIN_LENGTH = 4


class RedFlagDataError(PsoasError):
    """The red-flag data file is missing, unreadable or malformed."""


def read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RedFlagDataError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise RedFlagDataError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise RedFlagDataError(f"{path}: expected a JSON object")
    return document


class Phrase(NamedTuple):
    """A phrase of the lexicon as stems, and what it is: a concept, a cue, a referent."""

    stems: tuple[str, ...]
    kind: str  # "concept", "cue", "referent" or "idiom"
    names: frozenset[str]


class Lexicon:
    """The triage lexicon, compiled for matching as far as a query needs it.

    Stemming all seven thousand phrases of the lexicon would take longer than the rest
    of a ``psoas ask`` (about 35 ms), and even filing them by their first letters takes
    a few milliseconds. So nothing is filed when the file is read: the phrases that could
    begin with a word of the query (the same first three letters) are picked out of the
    lists as they stand and stemmed when a query first needs them (under a millisecond).

    Concepts, sites ("saddle", "legs") and referents ("my dog", "the tap") are found in
    passes of their own, so that the same words can name a symptom, where it is and
    whose it is ("jelly legs", "my bits").
    """

    def __init__(self, document: dict[str, Any]) -> None:
        self.forms: dict[str, tuple[str, ...]] = {
            word: tuple(base.split()) for word, base in document["forms"].items()
        }
        #: forms that stand for themselves are kept whole: "legs" is not "leg"
        self.kept = frozenset(word for word, base in self.forms.items() if base == (word,))
        concepts: dict[str, Any] = document["concepts"]
        self.kinds = {name: spec["kind"] for name, spec in concepts.items()}
        self.losses = {name: spec["loss"] for name, spec in concepts.items() if "loss" in spec}
        #: concepts about a place, whose thing may be named beside them: "a leaky tap"
        self.places = _having(concepts, "place")
        #: concepts for which "X of Y" is a piece of some stuff: "a lump of ice"
        self.substances = _having(concepts, "of_a_substance")
        #: words that only qualify a symptom ("awful", "sudden"): a '*' may skip them
        self.modifiers = _having(concepts, "modifier")
        #: concepts that, after a function word, name trouble with it: "bladder change"
        self.trouble_words = _having(concepts, "trouble_word")
        #: concepts whose object may be a thing: "crashed my laptop"
        self.object_after = _having(concepts, "object_after")
        #: concepts for which a vehicle means the people in it: "a car crash"
        self.vehicles_are_people = _having(concepts, "vehicles_are_people")
        #: concepts whose doer is the symptom: "the pain wakes me", not "the baby wakes me"
        self.symptom_is_subject = _having(concepts, "symptom_is_subject")
        self.not_beside = {
            name: frozenset(spec["not_beside"])
            for name, spec in concepts.items()
            if "not_beside" in spec
        }
        self.concept_names = frozenset(concepts) | frozenset(self.losses.values())
        self._concept_words = [(name, spec["words"]) for name, spec in concepts.items()]
        self._target_concepts: dict[str, frozenset[str]] = {}
        #: (pass, kind, name, phrases as written) for every list of the lexicon
        self._sections = _sections(document)
        self._compiled: tuple[dict[str, list[Phrase]], ...] = ({}, {}, {})
        self._stems: dict[str, list[str]] = {}
        self._aliases: dict[str, set[str]] | None = None
        self._targets: dict[str, list[str]] | None = None
        self._real_words: frozenset[str] | None = None
        self.prepositions = frozenset(self.stems(" ".join(document["prepositions"])))
        self.fillers = frozenset(self.stems(" ".join(document["fillers"])))
        self.possessives = frozenset(self.stems("my his her their our your"))
        self.reflexives = frozenset(self.stems("myself himself herself themselves ourselves"))

    def prepare(self, stems: Iterable[str]) -> None:
        """Compile the phrases that begin with any of these stems, in one look through
        the lexicon's lists."""
        new = {stem for stem in stems if stem not in self._compiled[THINGS]}
        if not new:
            return
        keys = {key for stem in new for key in self._keys(stem)}
        entries: tuple[dict[tuple[str, ...], tuple[str, set[str]]], ...] = ({}, {}, {})
        for which, kind, name, phrases in self._sections:
            for phrase in phrases:
                if phrase[:3] in keys:
                    found = tuple(self.stems(phrase))
                    if found and found[0] in new:
                        merge_phrase(entries[which], found, kind, name)
        for which in PASSES:
            by_first: dict[str, list[Phrase]] = {stem: [] for stem in new}
            for found, (kind, names) in entries[which].items():
                by_first[found[0]].append(Phrase(found, kind, frozenset(names)))
            for stem, compiled in by_first.items():
                compiled.sort(key=lambda p: -len(p.stems))
                self._compiled[which][stem] = compiled

    def _keys(self, stem: str) -> set[str]:
        """The first three characters of the phrases, as written, that may begin with
        ``stem``: its own, or those of an irregular form of it ("fell" for "fall")."""
        if len(stem) >= 3:
            keys = {stem[:3]}
        elif len(stem) == 2:
            keys = {stem, stem + " "}
        else:
            keys = {stem} | {f"{stem} {c}" for c in "abcdefghijklmnopqrstuvwxyz#0123456789"}
        return keys | self._alias_keys().get(stem, set())

    def _alias_keys(self) -> dict[str, set[str]]:
        if self._aliases is None:
            self._aliases = {}
            for word, bases in self.forms.items():
                if len(bases) == 1 and word[:3] != bases[0][:3]:
                    stem = self.base_stems(bases[0])[0]
                    self._aliases.setdefault(stem, set()).add(word[:3])
        return self._aliases

    def phrases(self, which: int, stem: str) -> list[Phrase]:
        """The phrases of one pass that begin with ``stem``, longest first."""
        found = self._compiled[which].get(stem)
        if found is None:
            self.prepare((stem,))
            found = self._compiled[which][stem]
        return found

    def known(self, stem: str) -> bool:
        """Whether some phrase of the lexicon begins with this stem."""
        return any(self.phrases(which, stem) for which in PASSES)

    def blocks(self, stem: str) -> bool:
        """Whether a '*' must not skip this word: it is a symptom on its own."""
        return stem in _NEGATION_WORDS or any(
            p.kind == "concept" and len(p.stems) == 1 and not p.names <= self.modifiers
            for p in self.phrases(THINGS, stem)
        )

    def base_stems(self, word: str) -> list[str]:
        """The stems of one written word: irregular forms resolved, endings taken off."""
        found = self._stems.get(word)
        if found is None:
            found = [
                base if base in self.kept else stem_word(base)
                for base in self.forms.get(word, (word,))
            ]
            self._stems[word] = found
        return found

    def stems(self, text: str) -> list[str]:
        """The stems of a phrase of the lexicon; '*', '$' and '#name' are kept as they are."""
        result: list[str] = []
        for word in CONTRACTION.sub(spell_out, text).split():
            if word in ("*", "$", ",") or word.startswith("#"):
                result.append(word)
            else:
                result.extend(self.base_stems(word))
        return result

    def mend(self, word: str) -> str | None:
        """The lexicon word ``word`` was probably meant to be, if it is a typing error."""
        if len(word) < MEND_MIN_LENGTH or not word.isalpha():
            return None
        real = self.real_words()
        if word in real or stem_word(word) in real:  # "attaches", as "attach" is real
            return None
        if word.endswith("in") and self.known(self.base_stems(word + "g")[0]):
            return word + "g"  # "hurtin", "achin"
        limit = 1 if len(word) < 8 else 2
        best: list[str] = []
        best_distance = limit + 1
        targets = self._mend_targets()
        for target in targets.get(word[0], ()):
            if abs(len(target) - len(word)) > limit:
                continue
            distance = edit_distance(word, target, limit)
            if distance < best_distance:
                best, best_distance = [target], distance
            elif distance == best_distance:
                best.append(target)
        # "lumpp" is as near "lump" as "lumpy": no matter, both are the same concept
        meanings = {self._target_concepts[target] for target in best}
        return best[0] if len(meanings) == 1 else None

    def real_words(self) -> frozenset[str]:
        """Real English words close to a concept's word, which are never mended."""
        if self._real_words is None:
            from psoas_cli import resources

            text = resources.data_file(REAL_WORDS_FILE_NAME).read_text(encoding="utf-8")
            self._real_words = frozenset(
                line for line in text.splitlines() if line and not line.startswith("#")
            )
        return self._real_words

    def _mend_targets(self) -> dict[str, list[str]]:
        """The words that name a concept, by first letter: what typing errors mend to."""
        if self._targets is None:
            concepts: dict[str, set[str]] = {}
            for name, phrases in self._concept_words:
                inflect = self.kinds[name] in ("symptom", "function")
                for phrase in phrases:
                    for word in phrase.split():
                        if len(word) >= MEND_MIN_LENGTH and word.isalpha():
                            forms = inflections(word) if inflect and len(word) >= 5 else (word,)
                            for form in forms:
                                concepts.setdefault(form, set()).add(name)
            self._target_concepts = {word: frozenset(names) for word, names in concepts.items()}
            targets: dict[str, list[str]] = {}
            for word in sorted(concepts):
                targets.setdefault(word[0], []).append(word)
            self._targets = targets
        return self._targets


THINGS, SITES, REFERENTS = PASSES = (0, 1, 2)
#: a '*' in a concept's phrase never skips these: "have never had cancer" is no history
_NEGATION_WORDS = frozenset({",", "no", "not", "never", "cannot", "without", "nor"})


def _having(concepts: dict[str, Any], attribute: str) -> frozenset[str]:
    return frozenset(name for name, spec in concepts.items() if spec.get(attribute))


def _sections(document: dict[str, Any]) -> list[tuple[int, str, str, list[str]]]:
    """Every list of phrases of the lexicon, with the pass it is looked for in."""
    sections = [
        (SITES if spec["kind"] == "site" else THINGS, "concept", name, spec["words"])
        for name, spec in document["concepts"].items()
    ]
    sections += [(THINGS, "cue", name, words) for name, words in document["cues"].items()]
    sections += [
        (REFERENTS, "referent", name, words) for name, words in document["referents"].items()
    ]
    return sections + [(which, "idiom", "idiom", document["idioms"]) for which in (THINGS, SITES)]


def inflections(word: str) -> tuple[str, ...]:
    """A word and its usual endings, so that a typing error in "noticing" is found."""
    if word[-1] in "sy" or word.endswith(("ing", "ed")):
        return (word,)
    base = word[:-1] if word.endswith("e") else word
    return (word, word + "s", base + "ing", base + "ed")


def merge_phrase(
    entries: dict[tuple[str, ...], tuple[str, set[str]]],
    stems: tuple[str, ...],
    kind: str,
    name: str,
) -> None:
    """One phrase, several names: a concept may share its words with another concept;
    between roles, the more specific wins (an idiom over everything)."""
    found = entries.get(stems)
    if found is None:
        entries[stems] = (kind, {name})
    elif found[0] == kind:
        found[1].add(name)
    elif KIND_RANK[kind] > KIND_RANK[found[0]]:
        entries[stems] = (kind, {name})


KIND_RANK = {"referent": 0, "concept": 1, "cue": 2, "idiom": 3}


@functools.cache
def load_lexicon() -> Lexicon:
    from psoas_cli import resources

    path = resources.data_file(LEXICON_FILE_NAME)
    try:
        return Lexicon(read_json(path))
    except (KeyError, TypeError, AttributeError) as error:
        raise RedFlagDataError(f"{path}: malformed lexicon: {error}") from None
