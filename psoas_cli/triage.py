"""Red-flag triage: spot symptoms in a query that need a doctor or emergency care.

The words live in ``data/triage_lexicon.json`` and the flags, their rules and the
emergency numbers in ``data/red_flags.json``; this module is only the mechanism:

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

Only the standard library is imported.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from psoas_cli.errors import PsoasError

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

REGIONS: tuple[str, ...] = ("au", "ca", "eu", "nz", "uk", "us")
#: Other codes people use for the same regions.
REGION_ALIASES = {"gb": "uk", "usa": "us"}
URGENCIES: frozenset[str] = frozenset({"emergency", "urgent"})
FLAGS_FILE_NAME = "red_flags.json"
LEXICON_FILE_NAME = "triage_lexicon.json"
REAL_WORDS_FILE_NAME = "real_words.txt"

#: A negation reaches this many words forward, as NegEx's window of five or six does.
NEGATION_REACH = 6
#: A cue after its concept ("the feeling has gone") reaches this many words back.
AFTER_REACH = 4
#: A difficulty ("trouble", "struggling to") reaches the nearest function this close.
DIFFICULTY_REACH = 6
#: A thing or a limb named this close to a "place" symptom is what it is about.
PLACE_REACH = 4
#: '*' in a phrase stands for at most this many words.
WILDCARD_WORDS = 4
#: Words shorter than this are never mended as typing errors.
MEND_MIN_LENGTH = 4


class RedFlagDataError(PsoasError):
    """The red-flag data file is missing, unreadable or malformed."""


class RedFlag(NamedTuple):
    """One red-flag symptom, what it can mean and what to do about it."""

    id: str
    symptom: str
    condition: str
    urgency: str
    advice: str


class Finding(NamedTuple):
    """A concept found in the query, with the words that said it and their context.

    ``context`` is empty when the finding counts, else why it does not: "negated",
    "past", "a question in general", "a thing", "an animal", "someone who has died".
    """

    concept: str
    words: str
    clause: int
    context: str = ""


class Triage(NamedTuple):
    """What triage made of a query: the flags raised and the findings behind them."""

    flags: list[RedFlag]
    findings: list[Finding]
    #: flag id -> the findings that raised it
    evidence: dict[str, list[Finding]]


# ------------------------------------------------------------------------ the rules


class _Rule(NamedTuple):
    """One way a flag fires: concepts together in one clause, the rest anywhere."""

    clause: frozenset[str]
    anywhere: frozenset[str]
    unless: frozenset[str]
    #: what someone else must also have for their history to count ("my dad had
    #: cancer, and now his back hurts"), so that a family history does not
    others_need: frozenset[str]
    #: an old history counts ("had cancer years ago" still matters)
    keeps_history: bool
    #: all of it is about one person ("my husband has osteoporosis; I hurt my back
    #: lifting him" is not a knock to thin bones)
    same_person: bool
    #: the clause concepts must be in one clause, not only in one sentence ("pain at
    #: night", not "my back is sore, and the baby wakes me at night")
    near: bool


class _Region(NamedTuple):
    code: str
    name: str
    short: str
    emergency: str
    urgent: str | None


class _FlagData(NamedTuple):
    flags: tuple[RedFlag, ...]
    rules: dict[str, tuple[_Rule, ...]]
    regions: dict[str, _Region]


_FLAG_TEXT_FIELDS = ("id", "symptom", "condition", "urgency", "advice")
_RULE_KEYS = frozenset(
    {"clause", "anywhere", "unless", "others_need", "keeps_history", "same_person", "near"}
)
_RULE_SETS = ("clause", "anywhere", "unless", "others_need")
_REGION_FIELDS = ("code", "name", "short", "emergency")


def load_red_flags(path: Path | None = None) -> tuple[RedFlag, ...]:
    """The red flags of ``path``, or of the bundled data file.

    Raises :class:`RedFlagDataError` with a one-line reason when the file is malformed.
    """
    return _flag_data(path).flags


@functools.cache
def _flag_data(path: Path | None = None) -> _FlagData:
    if path is None:
        from psoas_cli import resources  # deferred: only a query with findings needs it

        path = resources.data_file(FLAGS_FILE_NAME)
    return _parse_flags(_read_json(Path(path)), Path(path))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RedFlagDataError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise RedFlagDataError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise RedFlagDataError(f"{path}: expected a JSON object")
    return document


def _parse_flags(document: dict[str, Any], path: Path) -> _FlagData:
    raw_flags = document.get("flags")
    if not isinstance(raw_flags, list) or not raw_flags:
        raise RedFlagDataError(f"{path}: 'flags' must be a non-empty list")
    known = _lexicon().concept_names
    flags: list[RedFlag] = []
    rules: dict[str, tuple[_Rule, ...]] = {}
    for number, raw in enumerate(raw_flags, start=1):
        where = f"{path}: flag {number}"
        if not isinstance(raw, dict):
            raise RedFlagDataError(f"{where}: expected an object")
        values = [_text(raw.get(name)) for name in _FLAG_TEXT_FIELDS]
        if not all(values):
            raise RedFlagDataError(f"{where}: needs {', '.join(_FLAG_TEXT_FIELDS)} as text")
        flag = RedFlag(*values)
        if flag.urgency not in URGENCIES:
            raise RedFlagDataError(f"{where}: urgency must be one of {sorted(URGENCIES)}")
        if flag.id in rules:
            raise RedFlagDataError(f"{where}: duplicate id {flag.id!r}")
        rules[flag.id] = _parse_rules(raw.get("rules"), known, f"{where} ({flag.id})")
        flags.append(flag)
    return _FlagData(tuple(flags), rules, _parse_regions(document, path))


def _parse_rules(raw: Any, known: frozenset[str], where: str) -> tuple[_Rule, ...]:
    if not isinstance(raw, list) or not raw:
        raise RedFlagDataError(f"{where}: 'rules' must be a non-empty list")
    rules = []
    for item in raw:
        if not isinstance(item, dict) or not set(item) <= _RULE_KEYS or not item.get("clause"):
            raise RedFlagDataError(
                f"{where}: each rule needs 'clause' and only {sorted(_RULE_KEYS)}"
            )
        clause, anywhere, unless, others_need = (
            _concept_set(item.get(key, []), known, where) for key in _RULE_SETS
        )
        flags = (bool(item.get(key)) for key in ("keeps_history", "same_person", "near"))
        rules.append(_Rule(clause, anywhere, unless, others_need, *flags))
    return tuple(rules)


def _text(value: Any) -> str:
    """A non-empty string of the data file, or '' for anything else."""
    return value if isinstance(value, str) and value.strip() else ""


def _concept_set(raw: Any, known: frozenset[str], where: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise RedFlagDataError(f"{where}: a rule's concepts must be a list of names")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RedFlagDataError(f"{where}: unknown concept {unknown[0]!r}")
    return frozenset(raw)


def _parse_regions(document: dict[str, Any], path: Path) -> dict[str, _Region]:
    raw = document.get("regions")
    if not isinstance(raw, list) or not raw:
        raise RedFlagDataError(f"{path}: 'regions' must be a non-empty list")
    regions: dict[str, _Region] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise RedFlagDataError(f"{path}: each region must be an object")
        code, name, short, emergency = (_text(item.get(key)) for key in _REGION_FIELDS)
        urgent = item.get("urgent")
        if not (code and name and short and emergency) or not (
            urgent is None or isinstance(urgent, str)
        ):
            raise RedFlagDataError(f"{path}: each region needs code, name, short and emergency")
        regions[code] = _Region(code, name, short, emergency, urgent)
    return regions


# ---------------------------------------------------------------------- the lexicon


class _Phrase(NamedTuple):
    """A phrase of the lexicon as stems, and what it is: a concept, a cue, a referent."""

    stems: tuple[str, ...]
    kind: str  # "concept", "cue", "referent" or "idiom"
    names: frozenset[str]


class _Lexicon:
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
        self.places = frozenset(name for name, spec in concepts.items() if spec.get("place"))
        #: concepts for which "X of Y" is a piece of some stuff: "a lump of ice"
        self.substances = frozenset(
            name for name, spec in concepts.items() if spec.get("of_a_substance")
        )
        #: concepts that, after a function word, name trouble with it: "bladder change"
        self.trouble_words = frozenset(
            name for name, spec in concepts.items() if spec.get("trouble_word")
        )
        #: concepts whose object may be a thing: "crashed my laptop"
        self.object_after = frozenset(
            name for name, spec in concepts.items() if spec.get("object_after")
        )
        #: concepts for which a vehicle means the people in it: "a car crash"
        self.vehicles_are_people = frozenset(
            name for name, spec in concepts.items() if spec.get("vehicles_are_people")
        )
        #: concepts whose doer is the symptom: "the pain wakes me", not "the baby wakes me"
        self.symptom_is_subject = frozenset(
            name for name, spec in concepts.items() if spec.get("symptom_is_subject")
        )
        self.not_beside = {
            name: frozenset(spec["not_beside"])
            for name, spec in concepts.items()
            if "not_beside" in spec
        }
        self.concept_names = frozenset(concepts) | frozenset(self.losses.values())
        self._concept_words = [(name, spec["words"]) for name, spec in concepts.items()]
        self._target_concepts: dict[str, frozenset[str]] = {}
        #: (pass, kind, name, phrases as written) for every list of the lexicon
        self._sections: list[tuple[int, str, str, list[str]]] = [
            (_SITES if spec["kind"] == "site" else _THINGS, "concept", name, spec["words"])
            for name, spec in concepts.items()
        ]
        self._sections += [
            (_THINGS, "cue", name, words) for name, words in document["cues"].items()
        ]
        self._sections += [
            (_REFERENTS, "referent", name, words) for name, words in document["referents"].items()
        ]
        self._sections += [(which, "idiom", "idiom", document["idioms"]) for which in _PASSES[:2]]
        self._compiled: tuple[dict[str, list[_Phrase]], ...] = ({}, {}, {})
        self._stems: dict[str, list[str]] = {}
        self._aliases: dict[str, set[str]] | None = None
        self._targets: dict[str, list[str]] | None = None
        self._real_words: frozenset[str] | None = None
        self.prepositions = frozenset(self.stems(" ".join(document["prepositions"])))
        self.fillers = frozenset(self.stems(" ".join(document["fillers"])))
        self.possessives = frozenset(self.stems("my his her their our your"))

    def prepare(self, stems: Iterable[str]) -> None:
        """Compile the phrases that begin with any of these stems, in one look through
        the lexicon's lists."""
        new = {stem for stem in stems if stem not in self._compiled[_THINGS]}
        if not new:
            return
        keys = {key for stem in new for key in self._keys(stem)}
        entries: tuple[dict[tuple[str, ...], tuple[str, set[str]]], ...] = ({}, {}, {})
        for which, kind, name, phrases in self._sections:
            for phrase in phrases:
                if phrase[:3] in keys:
                    found = tuple(self.stems(phrase))
                    if found and found[0] in new:
                        _merge(entries[which], found, kind, name)
        for which in _PASSES:
            by_first: dict[str, list[_Phrase]] = {stem: [] for stem in new}
            for found, (kind, names) in entries[which].items():
                by_first[found[0]].append(_Phrase(found, kind, frozenset(names)))
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

    def phrases(self, which: int, stem: str) -> list[_Phrase]:
        """The phrases of one pass that begin with ``stem``, longest first."""
        found = self._compiled[which].get(stem)
        if found is None:
            self.prepare((stem,))
            found = self._compiled[which][stem]
        return found

    def known(self, stem: str) -> bool:
        """Whether some phrase of the lexicon begins with this stem."""
        return any(self.phrases(which, stem) for which in _PASSES)

    def blocks(self, stem: str) -> bool:
        """Whether a '*' must not skip this word: it is a symptom on its own."""
        return stem in _NEGATION_WORDS or any(
            p.kind == "concept" and len(p.stems) == 1 for p in self.phrases(_THINGS, stem)
        )

    def base_stems(self, word: str) -> list[str]:
        """The stems of one written word: irregular forms resolved, endings taken off."""
        found = self._stems.get(word)
        if found is None:
            found = [
                base if base in self.kept else _stem(base) for base in self.forms.get(word, (word,))
            ]
            self._stems[word] = found
        return found

    def stems(self, text: str) -> list[str]:
        """The stems of a phrase of the lexicon; '*', '$' and '#name' are kept as they are."""
        result: list[str] = []
        for word in _CONTRACTION.sub(_spell_out, text).split():
            if word in ("*", "$", ",") or word.startswith("#"):
                result.append(word)
            else:
                result.extend(self.base_stems(word))
        return result

    def mend(self, word: str) -> str | None:
        """The lexicon word ``word`` was probably meant to be, if it is a typing error."""
        if len(word) < MEND_MIN_LENGTH or not word.isalpha() or word in self.real_words():
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
            distance = _edit_distance(word, target, limit)
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
                            forms = _inflections(word) if inflect and len(word) >= 5 else (word,)
                            for form in forms:
                                concepts.setdefault(form, set()).add(name)
            self._target_concepts = {word: frozenset(names) for word, names in concepts.items()}
            targets: dict[str, list[str]] = {}
            for word in sorted(concepts):
                targets.setdefault(word[0], []).append(word)
            self._targets = targets
        return self._targets


_THINGS, _SITES, _REFERENTS = _PASSES = (0, 1, 2)
#: a '*' in a concept's phrase never skips these: "have never had cancer" is no history
_NEGATION_WORDS = frozenset({",", "no", "not", "never", "cannot", "without", "nor"})


def _inflections(word: str) -> tuple[str, ...]:
    """A word and its usual endings, so that a typing error in "noticing" is found."""
    if word[-1] in "sy" or word.endswith(("ing", "ed")):
        return (word,)
    base = word[:-1] if word.endswith("e") else word
    return (word, word + "s", base + "ing", base + "ed")


def _merge(
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
    elif _KIND_RANK[kind] > _KIND_RANK[found[0]]:
        entries[stems] = (kind, {name})


_KIND_RANK = {"referent": 0, "concept": 1, "cue": 2, "idiom": 3}


@functools.cache
def _lexicon() -> _Lexicon:
    from psoas_cli import resources

    path = resources.data_file(LEXICON_FILE_NAME)
    try:
        return _Lexicon(_read_json(path))
    except (KeyError, TypeError, AttributeError) as error:
        raise RedFlagDataError(f"{path}: malformed lexicon: {error}") from None


def _stem(word: str) -> str:
    """A light stem: plurals, -ed, -ing, -ness and a final e go, so inflections meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and any(v in base for v in "aeiouy"):
            word = base[:-1] if len(base) > 3 and base[-1] == base[-2] not in "lsz" else base
            break
    if word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1 if over."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# --------------------------------------------------------------------- reading text

_CHARACTERS = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
        "&": " and ", "+": " and ", "/": " or ", "(": ",", ")": ",",
    }
)  # fmt: skip
# Contractions, spelt out by one pattern (each pattern compiled costs about 0.2 ms of
# every call): "can't" and "can not" are "cannot", "won't" is "will not", "she's" is
# "she is", "I'm" is "I am"; a possessive "'s" and any other apostrophe go.
_CONTRACTION = re.compile(
    r"\b(?P<cannot>can'?t|can not)\b|\b(?P<wont>won'?t)\b|\b(?P<aint>ain'?t)\b"
    r"|\b(?P<verb>[a-z]+)n't\b"
    r"|\b(?P<pronoun>it|that|there|what|he|she|who|here|where|this)'s\b"
    r"|'(?P<tail>m|re|ve|ll|d)\b|'s\b|'"
    r"|(?<=\d)(?=[a-z])"
)
_TAILS = {"m": " am", "re": " are", "ve": " have", "ll": " will", "d": ""}  # 'd: had or would


def _spell_out(match: re.Match[str]) -> str:
    if match["cannot"]:
        return "cannot"
    if match["wont"]:
        return "will not"
    if match["aint"]:
        return "is not"
    if match["verb"]:
        return match["verb"] + " not"
    if match["pronoun"]:
        return match["pronoun"] + " is"
    if match["tail"]:
        return _TAILS[match["tail"]]
    return " " if match.group() == "" else ""  # "5kg" is "5 kg"


_SENTENCE_BREAK = re.compile(r"([!?;:\[\]{}\"\n\r|]+|\.(?!\d)|(?m:^\s*-+\s))")
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
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


_ASIDE_DASH = re.compile(r"\s-+\s")


def normalise(text: str) -> str:
    """Lower case, plain apostrophes and dashes, contractions spelt out; a dash between
    words is a comma ("my legs - both of them - are numb")."""
    text = _CONTRACTION.sub(_spell_out, text.lower().translate(_CHARACTERS))
    return _ASIDE_DASH.sub(", ", text)


class _Sentence(NamedTuple):
    #: each clause's words, and the number of its unit in the sentence
    clauses: list[tuple[list[str], int]]
    #: it ends with a question mark
    question: bool
    #: it opens as a question does ("can...", "what...")
    asks: bool
    #: the sentence only answers "no" to the one before it ("Fever? No.")
    bare_no: bool


def sentences(query: str) -> list[_Sentence]:
    """The query as sentences, each a list of clauses, each a list of words."""
    pieces = _SENTENCE_BREAK.split(normalise(query))
    result = []
    for index in range(0, len(pieces), 2):
        words = _WORD.findall(pieces[index])
        if not words:
            continue
        ending = pieces[index + 1] if index + 1 < len(pieces) else ""
        # "could not finish" opens a statement whose "I" was left out
        asks = words[0] in _QUESTION_WORDS and words[1:2] != ["not"]
        bare = " ".join(words) in _BARE_NO
        result.append(_Sentence(_clauses(pieces[index]), "?" in ending, asks, bare))
    return result


_QUESTION_WORDS = frozenset(
    "what why how can could does do is are should will would when where which who whats".split()
)


def _clauses(text: str) -> list[tuple[list[str], int]]:
    """A sentence's clauses, each with the number of its unit within the sentence.

    A clause ends at a comma, at "but" and its kin, and at "and" when a new statement
    follows ("... and my legs"); a negation or a time reaches no further. A negated list
    is one clause ("no fever, chills or numbness"). A unit ends only at "but" and its
    kin: a rule's concepts are looked for together in a unit.
    """
    clauses: list[tuple[list[str], int]] = []
    unit = 0
    for segment in _merge_lists([_WORD.findall(part) for part in re.split(r",(?!\d)", text)]):
        current: list[str] = []
        for index, word in enumerate(segment):
            starts_statement = index + 1 < len(segment) and segment[index + 1] in _STARTERS
            if word in _CONTRAST or (word == "and" and starts_statement):
                if current:
                    clauses.append((current, unit))
                current = []
                unit += word in _CONTRAST
                continue
            current.append(word)
        if current:
            clauses.append((current, unit))
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
        if current and current[0] in _LIST_NEGATIONS and len(current) <= _LIST_ITEM_WORDS:
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


class _Token(NamedTuple):
    stem: str
    word: str  # the word as written, for the explanation


def _tokens(words: list[str], lexicon: _Lexicon) -> list[_Token]:
    """Stems of a clause's words: irregular forms, numbers and typing errors resolved."""
    tokens: list[_Token] = []
    for index, word in enumerate(words):
        special = _special_number(words, index)
        if special == "":
            continue
        if special:
            tokens.append(_Token(special, word))
            continue
        stems = lexicon.base_stems(word)
        if not any(lexicon.known(stem) for stem in stems):
            mended = lexicon.mend(word)
            if mended is not None:
                stems = lexicon.base_stems(mended)
        tokens.extend(_Token(stem, word) for stem in stems)
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
    if before in ("was", "were") and "when" in words[max(0, index - 4) : index] and number < 16:
        return "#agechild"  # "when I was 8"
    if before == "at" and 2 <= number < 16 and after not in _CHILD_AGE_AFTER:
        return "#agechild"  # "fell off a swing at six"
    if before == "at" and 16 <= number < 120 and after in ("", "years", "yrs"):
        return "#atage"  # "broke his hip at 80"
    age = _age(words, index, number)
    if age:
        return age
    if 1900 <= number <= 2100 and word.isdigit():
        return "#year"
    if 37.5 <= number <= 43 or 99.5 <= number <= 108:
        return "#fever"
    return None


_PEOPLE = frozenset(
    "she he mum dad wife husband son daughter grandad grandma gran nan father mother partner "
    "baby kid child brother sister boy girl".split()
)


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


class _Item(NamedTuple):
    """A phrase of the lexicon found in a clause, over tokens ``start`` to ``end``."""

    kind: str
    names: frozenset[str]
    start: int
    end: int
    words: str


def _find(tokens: list[_Token], lexicon: _Lexicon) -> list[_Item]:
    """The lexicon's phrases in a clause, left to right, the longest at each place; sites
    in a pass of their own. Sorted by where they start."""
    items = []
    for which in _PASSES:
        index = 0
        while index < len(tokens):
            best: tuple[tuple[int, int], int, _Phrase] | None = None
            for phrase in lexicon.phrases(which, tokens[index].stem):
                end = _match(phrase.stems, tokens, index + 1, 1, lexicon, phrase.kind == "concept")
                if end is None:
                    continue
                # the most words of the phrase itself, then the fewest skipped by a '*'
                rank = (len(phrase.stems) - phrase.stems.count("*"), index - end)
                if best is None or rank > best[0]:
                    best = (rank, end, phrase)
            if best is None:
                index += 1
                continue
            _, end, phrase = best
            words = " ".join(dict.fromkeys(t.word for t in tokens[index:end] if t.word != ","))
            item = _Item(phrase.kind, phrase.names, index, end, words)
            if item not in items:  # an idiom is looked for in both passes
                items.append(item)
            index = end
    items.sort(key=lambda item: (item.start, item.kind != "concept"))
    return items


def _match(
    pattern: tuple[str, ...],
    tokens: list[_Token],
    at: int,
    part: int,
    lexicon: _Lexicon,
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


# ------------------------------------------------------------------- weighing context

_SCOPE_ENDS = frozenset(
    {
        "negation_stop",
        "absent_before",
        "absent_after",
        "difficulty",
        "normal",
        "pseudo",
        "hedge_loss",
    }
)
_NEGATES_FORWARD = frozenset({"absent_before", "hedge_loss"})


class _Mention:
    """A concept item and what its context makes of it."""

    __slots__ = ("item", "clause", "negated", "impaired", "context", "person", "asked", "cue")

    def __init__(self, item: _Item, clause: int) -> None:
        self.item = item
        self.clause = clause
        self.negated = False
        self.impaired = False
        self.context = ""
        #: "self" (the writer), "other" (another person the writer speaks of), or ""
        #: when the text does not say
        self.person = ""
        #: in a question in general, what is asked about (not the cause asked of)
        self.asked = True
        #: the words that made a function a loss ("cannot" of "cannot feel")
        self.cue = ""

    def concepts(self, lexicon: _Lexicon) -> set[str]:
        """The concepts this mention affirms: its own, or a lost function's loss."""
        found = set()
        for name in self.item.names:
            kind = lexicon.kinds[name]
            if kind == "function":
                found.add(lexicon.losses[name] if self.impaired else name)
            elif not self.negated:
                found.add(name)
        return found

    def findings(self, lexicon: _Lexicon) -> Iterator[Finding]:
        for name in sorted(self.item.names):
            lost = self.impaired and name in lexicon.losses
            negated = self.negated and lexicon.kinds[name] != "function"
            context = self.context or ("negated" if negated else "")
            words = f"{self.cue} {self.item.words}" if lost and self.cue else self.item.words
            yield Finding(lexicon.losses[name] if lost else name, words, self.clause, context)


class _Clause:
    """One clause: its tokens, the phrases found in it and its concept mentions."""

    def __init__(self, tokens: list[_Token], items: list[_Item], number: int, unit: int) -> None:
        self.tokens = tokens
        self.items = items
        self.number = number
        #: clauses of one unit (a sentence, or its part before or after a "but") are
        #: read together: a rule's concepts must all be in one unit
        self.unit = unit
        self.mentions = [_Mention(item, number) for item in items if item.kind == "concept"]
        self.cues = {name for item in items if item.kind == "cue" for name in item.names}

    def referents(self) -> list[_Item]:
        return [item for item in self.items if item.kind == "referent"]


def _kind_is(mention: _Mention, lexicon: _Lexicon, kind: str) -> bool:
    return any(lexicon.kinds[name] == kind for name in mention.item.names)


def _negatable(mention: _Mention, lexicon: _Lexicon) -> bool:
    """Symptoms and the circumstances that explain them away can be denied."""
    return any(lexicon.kinds[name] in ("symptom", "circumstance") for name in mention.item.names)


def _apply_cues(clause: _Clause, lexicon: _Lexicon) -> None:
    """Negations, losses and difficulties, each within its reach in the clause."""
    by_start: dict[int, list[_Mention]] = {}
    for mention in clause.mentions:
        by_start.setdefault(mention.item.start, []).append(mention)
    cancelled: set[int] = set()
    for index, item in enumerate(clause.items):
        if item.kind != "cue" or index in cancelled:
            continue
        if item.names & _NEGATES_FORWARD:
            _negate_forward(clause, index, by_start, cancelled, lexicon)
        if "absent_after" in item.names:
            _negate_backward(clause, index, by_start, lexicon)
    for index, item in enumerate(clause.items):
        if item.kind == "cue" and "difficulty" in item.names and index not in cancelled:
            _impair_nearest(clause, index, lexicon)
        if item.kind == "cue" and "normal" in item.names:
            for mention in clause.mentions:
                near = min(abs(mention.item.start - item.end), abs(item.start - mention.item.end))
                if near <= 3 and _kind_is(mention, lexicon, "symptom"):
                    mention.negated = True


def _negate_forward(
    clause: _Clause,
    index: int,
    by_start: dict[int, list[_Mention]],
    cancelled: set[int],
    lexicon: _Lexicon,
) -> None:
    """A negation before its concepts: it removes the symptoms in its reach ("no fever
    or chills") and makes the first function it meets a loss ("cannot feel")."""
    cue = clause.items[index]
    negated_a_symptom = False
    sites: list[_Mention] = []
    items = clause.items
    for later_index in range(index + 1, len(items)):
        later = items[later_index]
        if later.start - cue.end > NEGATION_REACH:
            break
        if later.kind == "cue" and later.names & {"difficulty", "absent_before"}:
            if not negated_a_symptom and later.start == cue.end:
                cancelled.add(later_index)  # "no trouble peeing", "no loss of feeling"
                return
        if later.kind == "cue" and later.names & _SCOPE_ENDS:
            break
        for mention in by_start.get(later.start, ()):
            if later is not mention.item:
                continue
            if "hedge_loss" in cue.names and not _kind_is(mention, lexicon, "function"):
                continue  # "not sure if I have a fever" still has one
            if _kind_is(mention, lexicon, "function"):
                if negated_a_symptom:
                    break  # "never lost control of my bladder": the bladder is fine
                follows = _difficulty_after(items, later_index)
                if follows is not None:
                    cancelled.add(follows)  # "no bladder issues"
                    return
                head = _symptom_after(clause, mention, lexicon)
                if head is not None:
                    head.negated = True  # "no bladder or bowel change"
                    return
                mention.impaired = True  # the function absorbs the negation
                mention.cue = cue.words
                return
            if _negatable(mention, lexicon):
                mention.negated = True
                negated_a_symptom = True
            else:
                sites.append(mention)
        else:
            continue
        if any(_kind_is(m, lexicon, "function") for m in by_start.get(later.start, ())):
            break
    if negated_a_symptom:
        for site in sites:
            site.negated = True  # "no chest pain": the chest is not in pain either


def _symptom_after(clause: _Clause, mention: _Mention, lexicon: _Lexicon) -> _Mention | None:
    """The symptom a function word names the kind of: "bladder or bowel change"."""
    position = mention.item.end
    for other in sorted(clause.mentions, key=lambda m: m.item.start):
        if other.item.start < position:
            continue
        between = {t.stem for t in clause.tokens[position : other.item.start]}
        if not between <= {"or", "and"}:
            return None
        if other.item.names & lexicon.trouble_words:
            return other
        if _negatable(other, lexicon):
            return None
        position = other.item.end  # "bladder or bowel change": read past "bowel"
    return None


def _difficulty_after(items: list[_Item], index: int) -> int | None:
    for later_index in range(index + 1, min(index + 3, len(items))):
        later = items[later_index]
        if (
            later.kind == "cue"
            and "difficulty" in later.names
            and later.start - items[index].end <= 2
        ):
            return later_index
    return None


def _negate_backward(
    clause: _Clause, index: int, by_start: dict[int, list[_Mention]], lexicon: _Lexicon
) -> None:
    """A negation after its concepts: "the numbness has gone", "my wee will not come"."""
    cue = clause.items[index]
    sites: list[_Mention] = []
    negated_a_symptom = False
    for earlier in reversed(clause.items[:index]):
        if cue.start - earlier.end > AFTER_REACH:
            break
        if earlier.kind == "cue" and earlier.names & _SCOPE_ENDS:
            break
        for mention in by_start.get(earlier.start, ()):
            if earlier is not mention.item:
                continue
            if _kind_is(mention, lexicon, "function"):
                mention.impaired = True
                mention.cue = cue.words
                return
            if _negatable(mention, lexicon):
                mention.negated = negated_a_symptom = True
            else:
                sites.append(mention)
    if negated_a_symptom:
        for site in sites:
            site.negated = True


def _impair_nearest(clause: _Clause, index: int, lexicon: _Lexicon) -> None:
    """A difficulty makes the nearest function a loss: "trouble peeing", "hard to walk"."""
    cue = clause.items[index]
    functions = [m for m in clause.mentions if _kind_is(m, lexicon, "function")]
    after = [m for m in functions if 0 <= m.item.start - cue.end <= DIFFICULTY_REACH]
    before = [m for m in functions if 0 <= cue.start - m.item.end <= DIFFICULTY_REACH]
    for mention in after[:1] or before[-1:]:
        mention.impaired = True
        mention.cue = cue.words


_ASIDE = {
    "other": "someone else did it",
    "animal": "an animal",
    "object": "a thing",
    "general": "a question in general",
    "limb": "another part of the body",
}


def _apply_referents(
    clause: _Clause, lexicon: _Lexicon, person: str, carried: _Item | None
) -> tuple[str, _Item | None]:
    """Who or what each mention is about: a thing or an animal puts it aside. Returns
    the person the clause speaks of and its subject, which the next clause of the
    sentence keeps unless it names its own ("the tap drips and leaks")."""
    referents = clause.referents()
    if any("gone" in item.names for item in referents):
        for mention in clause.mentions:
            mention.context = "someone who has died, or a family history"
        return person, carried
    own = _subject(clause, referents, lexicon)
    # "the tap drips and keeps leaking": a clause that opens with a verb has the
    # subject of the one before
    continues = bool(clause.tokens) and clause.tokens[0].stem in _CONTINUING
    subject = own or (carried._replace(start=-1, end=-1) if carried and continues else None)
    before = person
    # "new mum, had cancer as a teenager": a clause that only names the writer
    labels_the_writer = len(clause.tokens) <= 3 and not any(
        t.stem in lexicon.possessives or t.stem in _VERBS for t in clause.tokens
    )
    if subject is not None and subject.names & {"self", "other"} and not labels_the_writer:
        person = "other" if "other" in subject.names else "self"
    for mention in clause.mentions:
        after_subject = subject is not None and subject.start <= mention.item.start
        mention.person = person if after_subject else before
        about = _thing_beside(clause, mention, lexicon)
        if about is None and subject is not None and subject.start < mention.item.start:
            about = _kind_of(subject, mention, lexicon)
            if about == "other" and (
                not mention.item.names & lexicon.symptom_is_subject
                or _symptom_between(clause, subject, mention, lexicon)
            ):
                about = None  # another person's symptom counts: "she fell", "her pain wakes her"
        if about in ("animal", "object") and _done_to_a_person(clause, mention, lexicon):
            about = None  # "the horse threw me": it happened to the writer
        if about in _ASIDE:
            mention.context = _ASIDE[about]
    return person, None if labels_the_writer else (own or carried)


def _done_to_a_person(clause: _Clause, mention: _Mention, lexicon: _Lexicon) -> bool:
    following = clause.tokens[mention.item.end : mention.item.end + 1]
    said = mention.item.words.split()
    return (following and following[0].stem in _PERSON_OBJECTS) or (
        len(said) > 1 and said[-1] in _PERSON_OBJECTS
    )


_VERBS = frozenset("be have get go do feel say seem keep".split())
_PERSON_OBJECTS = frozenset("me him us them myself".split())
#: words that open a clause which goes on with the subject of the one before
_CONTINUING = frozenset(
    "keep be have get go wake start cannot can could still also just will would".split()
)
_QUANTIFIERS = frozenset("one two three some all both each none most many few several".split())


def _symptom_between(clause: _Clause, subject: _Item, mention: _Mention, lexicon: _Lexicon) -> bool:
    return any(
        subject.end <= other.item.start < mention.item.start and _negatable(other, lexicon)
        for other in clause.mentions
    )


def _subject(clause: _Clause, referents: list[_Item], lexicon: _Lexicon) -> _Item | None:
    """The first referent of the clause that no preposition governs: its subject. A
    possessive gives way to the noun it belongs to ("my dog")."""
    for position, item in enumerate(referents):
        before = [t.stem for t in clause.tokens[max(0, item.start - 3) : item.start]]
        governed = False
        for index in range(len(before) - 1, -1, -1):
            stem = before[index]
            if stem in lexicon.fillers:
                continue
            # "one of the cows has a lump": the cows are what the clause is about
            governed = stem in lexicon.prepositions and not (
                stem == "of" and index and before[index - 1] in _QUANTIFIERS
            )
            break
        if governed or (item.start and clause.tokens[item.start].stem in _PERSON_OBJECTS):
            continue  # "keeps me awake": "me" is no subject
        following = referents[position + 1] if position + 1 < len(referents) else None
        head = clause.tokens[item.start].stem in lexicon.possessives
        if head and following is not None and following.start - item.end <= 2:
            return following
        return item
    return None


def _kind_of(referent: _Item, mention: _Mention, lexicon: _Lexicon) -> str:
    kind = next(iter(sorted(referent.names)))
    if kind == "vehicle":
        # a crash of a car is a crash of the people in it; a car's temperature is a thing's
        return "self" if mention.item.names & lexicon.vehicles_are_people else "object"
    return kind


def _thing_beside(clause: _Clause, mention: _Mention, lexicon: _Lexicon) -> str | None:
    """What a mention is about when a thing is named right beside it: "crashed my
    laptop", "a lumpy mattress", "a leak in the roof", "the legs of the ironing board",
    "a swollen ankle"."""
    names = mention.item.names
    place = bool(names & lexicon.places)
    owner = (
        _owner(clause, mention, lexicon) if place or _kind_is(mention, lexicon, "site") else None
    )
    if owner is not None:
        return owner
    if names & lexicon.object_after and not place:
        thing = _object_after(clause, mention, lexicon, reach=3, through_prepositions=False)
        if thing is not None:
            return thing
    if not place:
        return None
    thing = _object_after(clause, mention, lexicon, reach=PLACE_REACH, through_prepositions=True)
    if thing is not None:
        return thing
    for item in clause.items:
        near = min(abs(item.start - mention.item.end), abs(mention.item.start - item.end))
        if item is mention.item or near > PLACE_REACH:
            continue
        low, high = (
            sorted((item.end, mention.item.start))
            if item.start < mention.item.start
            else sorted((mention.item.end, item.start))
        )
        if any(t.stem in ("and", "or", ",") for t in clause.tokens[low:high]):
            continue  # "shovelling gravel and the bed was wet": another thing's clause
        if item.kind == "referent" and "object" in item.names:
            return "object"
        if item.kind == "concept" and any(
            item.names & lexicon.not_beside.get(name, frozenset()) for name in names
        ):
            return "limb"
    return None


def _owner(clause: _Clause, mention: _Mention, lexicon: _Lexicon) -> str | None:
    """'object' or 'animal' for "the legs of the ironing board", "the back of the cow"."""
    after = clause.tokens[mention.item.end : mention.item.end + 4]
    if not after or after[0].stem != "of":
        return None
    for item in clause.items:
        if item.kind == "referent" and item.start > mention.item.end:
            between = clause.tokens[mention.item.end + 1 : item.start]
            if all(token.stem in lexicon.fillers for token in between):
                kind = _kind_of(item, mention, lexicon)
                return kind if kind in ("object", "animal") else None
            break
    if mention.item.names & lexicon.substances:
        # "a lump of ice": unless a part of the body follows, it is a lump of something
        body = any(
            other.item.kind == "concept"
            and _kind_is(other, lexicon, "site")
            and 0 < other.item.start - mention.item.end <= 3
            for other in clause.mentions
        )
        return None if body else "object"
    return None


def _object_after(
    clause: _Clause, mention: _Mention, lexicon: _Lexicon, reach: int, through_prepositions: bool
) -> str | None:
    """The thing or animal named just after the mention: its object ("crashed my
    laptop") or, through a preposition, its place ("a leak in the roof")."""
    if (
        clause.tokens[mention.item.end - 1].stem in lexicon.prepositions
        and not through_prepositions
    ):
        return None  # "fell off the roof": the roof is where, not what
    for item in clause.items:
        if item.kind != "referent" or item.start < mention.item.end:
            continue
        if clause.tokens[item.start].stem in lexicon.possessives and item.end == item.start + 1:
            continue  # "crashed my laptop": the laptop, not "my", is what crashed
        gap = [t.stem for t in clause.tokens[mention.item.end : item.start]]
        through = [stem for stem in gap if stem not in lexicon.fillers]
        governed = through and all(stem in lexicon.prepositions for stem in through)
        if len(gap) <= reach and (not through or (through_prepositions and governed)):
            kind = _kind_of(item, mention, lexicon)
            if kind in ("object", "animal"):
                return kind
        return None
    return None


def _apply_time(clauses: list[_Clause], lexicon: _Lexicon) -> None:
    """Put aside what is over: distant history and symptoms that have gone."""
    for index, clause in enumerate(clauses):
        # "it has all gone now": what has gone is over, whatever "now" says
        if clause.cues & {"current", "recent"} and "resolved" not in clause.cues:
            continue
        if not clause.cues & {"past", "resolved"}:
            continue
        own = [m for m in clause.mentions if _negatable(m, lexicon) or m.impaired]
        # "I had a fever last week, but it has gone": with no symptom of its own, a
        # clause of history speaks of the clause before it, unless that one goes on now
        if not own and index and "current" in clauses[index - 1].cues:
            continue
        for mention in clause.mentions if own or not index else clauses[index - 1].mentions:
            mention.context = mention.context or "past"


def _apply_hypothesis(clauses: list[_Clause], sentence: _Sentence) -> None:
    """Put aside a question about a condition in general ("can a fall cause back pain?",
    "what if I lose feeling?"). A cue reaches forward in its clause ("... what could it
    be" puts nothing aside), or over the whole clause in a question ("is fever a sign
    of an abscess?"). What comes before "cause" is the cause asked about; only what
    comes after it may be the writer's own, as a later sentence can say."""
    asking = sentence.asks or sentence.question
    for clause in clauses:
        for item in clause.items:
            if item.kind != "cue" or not item.names & _GENERAL_CUES:
                continue
            if item.names & {"causal", "significance"} and not asking:
                continue
            for mention in clause.mentions:
                if asking or "unreal" in item.names or mention.item.start >= item.start:
                    mention.context = mention.context or _GENERAL
                    after = mention.item.start > item.start
                    mention.asked = "unreal" not in item.names and (
                        "causal" not in item.names or after
                    )


_GENERAL = "a question in general"
#: "what if", "signs of"; "can a fall cause"; "does numbness mean"; "in a video game"
_GENERAL_CUES = frozenset({"hypothetical", "causal", "significance", "unreal", "curiosity"})


def _generalise(clauses: list[_Clause], before: list[_Clause], lexicon: _Lexicon) -> None:
    """A sentence that only says the one before was asked in general ("Is foot drop a
    nerve problem? Just curious.") puts that one's findings aside too."""
    cues = set().union(*(clause.cues for clause in clauses))
    own = any(_negatable(m, lexicon) for clause in clauses for m in clause.mentions)
    if own or not cues & {"curiosity", "unreal"}:
        return
    for clause in before:
        for mention in clause.mentions:
            mention.context = mention.context or _GENERAL
            mention.asked = False


def _unsaid_persons(clauses: list[_Clause]) -> None:
    """A mention whose person the text has not yet said is about the next person it
    names: "DS, 15, has had back pain for a week, and now he is hot and shivery"."""
    for index, clause in enumerate(clauses):
        later = next((m.person for c in clauses[index + 1 :] for m in c.mentions if m.person), "")
        for mention in clause.mentions:
            mention.person = mention.person or later


def _affirm(clauses: list[_Clause], before: list[_Clause]) -> None:
    """A sentence that says what the one before asked about is happening now ("Can a
    disc do this? It started yesterday.") makes the question's symptoms the writer's."""
    cues = set().union(*(clause.cues for clause in clauses))
    if not cues & {"affirm", "current", "recent"}:
        return
    for clause in before:
        for mention in clause.mentions:
            if mention.context == _GENERAL and mention.asked:
                mention.context = ""


# ------------------------------------------------------------------------- triage


def triage(query: str, data: Path | None = None) -> Triage:
    """The red flags that ``query`` raises, with the findings behind them.

    ``data`` is a red-flag file to use instead of the bundled one.
    """
    lexicon = _lexicon()
    clauses: list[_Clause] = []
    sentence_of: list[int] = []
    units = 0
    parsed = sentences(query)
    lexicon.prepare(
        stem
        for sentence in parsed
        for words, _ in sentence.clauses
        for word in words
        for stem in lexicon.base_stems(word)
    )
    for number, sentence in enumerate(parsed):
        if sentence.bare_no:
            for clause in clauses:
                if sentence_of[clause.number] == number - 1:
                    for mention in clause.mentions:
                        mention.context = "negated"  # "Loss of bladder control? No."
            continue
        found = []
        person = ""
        subject: _Item | None = None
        for words, unit in sentence.clauses:
            tokens = _tokens(words, lexicon)
            clause = _Clause(tokens, _find(tokens, lexicon), len(clauses), units + unit)
            _apply_cues(clause, lexicon)
            person, subject = _apply_referents(clause, lexicon, person, subject)
            clauses.append(clause)
            sentence_of.append(number)
            found.append(clause)
        _unsaid_persons(found)
        units += 1 + max((unit for _, unit in sentence.clauses), default=0)
        _apply_hypothesis(found, sentence)
        previous = [c for c in clauses if sentence_of[c.number] == number - 1]
        _affirm(found, previous)
        _generalise(found, previous, lexicon)
    _apply_time(clauses, lexicon)
    findings = [f for clause in clauses for m in clause.mentions for f in m.findings(lexicon)]
    if not any(f.context in ("", "past") for f in findings):
        return Triage([], findings, {})
    flags, evidence = _apply_rules(clauses, sentence_of, _flag_data(data), lexicon)
    return Triage(flags, findings, evidence)


def detect_red_flags(query: str, data: Path | None = None) -> list[RedFlag]:
    """The red flags ``query`` raises, in the data file's order, each once."""
    return triage(query, data).flags


class _Scope(NamedTuple):
    """Clauses read together for a rule: a unit, or one clause for a "near" rule."""

    clauses: list[_Clause]
    sentence: int
    current: set[str]
    with_history: set[str]


def _apply_rules(
    clauses: list[_Clause], sentence_of: list[int], data: _FlagData, lexicon: _Lexicon
) -> tuple[list[RedFlag], dict[str, list[Finding]]]:
    units: dict[int, list[_Clause]] = {}
    for clause in clauses:
        units.setdefault(clause.unit, []).append(clause)
    by_unit = [_scope(members, sentence_of, lexicon) for members in units.values()]
    by_clause = [_scope([clause], sentence_of, lexicon) for clause in clauses]
    everywhere = set().union(*(scope.current for scope in by_unit))
    # an explanation ("after my run") counts in its sentence and the ones beside it
    explains: dict[int, set[str]] = {}
    for clause in clauses:
        affirmed = {n for m in clause.mentions if not m.context for n in m.concepts(lexicon)}
        for step in (-1, 0, 1):
            explains.setdefault(sentence_of[clause.number] + step, set()).update(affirmed)
    others_have = {
        name
        for clause in clauses
        for mention in clause.mentions
        if mention.person in ("other", "") and not mention.context
        for name in mention.concepts(lexicon)
    }
    flags: list[RedFlag] = []
    evidence: dict[str, list[Finding]] = {}
    for flag in data.flags:
        for rule in data.rules[flag.id]:
            if not rule.anywhere <= everywhere:
                continue
            scope = next(
                (
                    scope
                    for scope in (by_clause if rule.near else by_unit)
                    if rule.clause <= (scope.with_history if rule.keeps_history else scope.current)
                    and not rule.unless & explains.get(scope.sentence, set())
                    and (
                        not rule.others_need
                        or _persons_fit(rule, scope.clauses, others_have, lexicon)
                    )
                    and (not rule.same_person or _one_person(rule, scope.clauses, clauses, lexicon))
                ),
                None,
            )
            if scope is None:
                continue
            flags.append(flag)
            evidence[flag.id] = _evidence(rule, scope.clauses, clauses, lexicon)
            break
    return flags, evidence


def _scope(members: list[_Clause], sentence_of: list[int], lexicon: _Lexicon) -> _Scope:
    return _Scope(
        members,
        sentence_of[members[0].number],
        _concepts(members, lexicon, ("",)),
        _concepts(members, lexicon, ("", "past")),
    )


def _persons_fit(
    rule: _Rule, unit: list[_Clause], others_have: set[str], lexicon: _Lexicon
) -> bool:
    """Whether the rule's mentions speak of the writer, or of someone else who also has
    what the rule says they need."""
    persons = {
        mention.person
        for clause in unit
        for mention in clause.mentions
        if mention.concepts(lexicon) & rule.clause
    }
    return bool(persons - {"other"}) or bool(rule.others_need & others_have)


def _one_person(
    rule: _Rule, unit: list[_Clause], clauses: list[_Clause], lexicon: _Lexicon
) -> bool:
    """Whether one person has both what the clause needs and what is needed anywhere."""

    def persons(where: list[_Clause], wanted: frozenset[str]) -> set[str]:
        return {
            m.person
            for clause in where
            for m in clause.mentions
            if not m.context and m.concepts(lexicon) & wanted
        }

    here, there = persons(unit, rule.clause), persons(clauses, rule.anywhere)
    if not rule.anywhere:
        return True
    return "" in here or "" in there or bool(here & there)  # unsaid: give it the doubt


def _concepts(clauses: list[_Clause], lexicon: _Lexicon, contexts: tuple[str, ...]) -> set[str]:
    return {
        name
        for clause in clauses
        for mention in clause.mentions
        if mention.context in contexts
        for name in mention.concepts(lexicon)
    }


def _evidence(
    rule: _Rule, unit: list[_Clause], clauses: list[_Clause], lexicon: _Lexicon
) -> list[Finding]:
    """The findings that made a rule hold, for ``--explain``."""
    chosen = []
    for clause in clauses:
        wanted = (rule.clause if clause in unit else frozenset()) | rule.anywhere
        for mention in clause.mentions:
            for finding in mention.findings(lexicon):
                if finding.concept in wanted and finding.context in ("", "past"):
                    chosen.append(finding)
    return chosen


# ------------------------------------------------------------------------- advising


class RegionError(PsoasError, ValueError):
    """A region code the tool does not know."""


def check_region(region: str | None) -> str | None:
    """The region code, normalised, without reading any file; RegionError if unknown."""
    code = None if region is None else region.strip().lower()
    code = REGION_ALIASES.get(code, code) if code else code
    if code is not None and code not in REGIONS:
        raise RegionError(f"unknown region {region!r}; use one of: {', '.join(REGIONS)}")
    return code


def emergency_advice(region: str | None) -> str:
    """One line with the emergency number(s): for ``region``, or all regions briefly.

    Raises RegionError (a ValueError) for a region code not in :data:`REGIONS`.
    """
    code = check_region(region)
    regions = _flag_data().regions
    if code is None:
        groups: dict[tuple[str, str | None], list[_Region]] = {}
        for entry in regions.values():
            groups.setdefault((entry.emergency, entry.urgent), []).append(entry)
        parts = []
        for (number, urgent), members in groups.items():
            names = " and ".join(member.short for member in members)
            extra = f" ({urgent} for urgent advice)" if urgent else ""
            parts.append(f"{names} {number}{extra}")
        return f"Emergency numbers: {', '.join(parts)}."
    entry = regions[code]
    line = f"In {entry.name}, call {entry.emergency} in an emergency"
    if entry.urgent:
        line += f", or {entry.urgent} for urgent advice when it is not an emergency"
    return line + "."


def emergency_numbers(region: str | None) -> list[dict[str, str | None]]:
    """The emergency numbers of ``region``, or of every region, as records for programs."""
    code = check_region(region)
    regions = _flag_data().regions
    chosen = [regions[code]] if code else list(regions.values())
    return [
        {"region": r.code, "name": r.name, "emergency": r.emergency, "urgent": r.urgent}
        for r in chosen
    ]
