"""Red-flag triage: spot symptoms in a query that need a doctor or emergency care.

The flags, their wording, their patterns and the regional emergency numbers all live in
``data/red_flags.json``; this module holds only the mechanism:

1. normalise the query (case, apostrophes, contractions, spacing, hedges);
2. split it into clauses (punctuation, "but", and "and" when a new statement follows);
3. run each flag's patterns over the clauses, ignoring a match that a negation cue
   ("no", "not", "never", "without", ...) shortly before it switches off, in its own
   clause only, in the manner of NegEx;
4. a flag fires when one of its ``patterns`` matches, or when every group of its
   ``together`` list matches somewhere in the query, unless one of its ``unless``
   patterns (say, an intentional diet for weight loss) also matches.

Only the standard library is imported, and the patterns are compiled once per load.
"""

from __future__ import annotations

import functools
import re
import zlib
from pathlib import Path
from typing import NamedTuple

from psoas_cli.errors import PsoasError

# typing and collections.abc are needed only by type checkers; skipping them at run time
# keeps `import psoas_cli.triage` cheap (mypy honours a module-level TYPE_CHECKING).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, TypeGuard

__all__ = [
    "REGIONS",
    "RedFlag",
    "RedFlagDataError",
    "RegionError",
    "check_region",
    "detect_red_flags",
    "emergency_advice",
    "load_red_flags",
]

REGIONS: tuple[str, ...] = ("au", "ca", "eu", "nz", "uk", "us")
#: Other codes people use for the same regions.
REGION_ALIASES = {"gb": "uk", "usa": "us"}
URGENCIES: frozenset[str] = frozenset({"emergency", "urgent"})
DATA_FILE_NAME = "red_flags.json"
GATES_FILE_NAME = "red_flag_gates.json"
SHORTCUT_FILE_NAME = "red_flag_shortcut.json"

# A negation cue switches off a match that starts within this many words after it
# (NegEx uses a window of five).
NEGATION_WINDOW = 5


class RedFlagDataError(PsoasError):
    """The red-flag data file is missing, unreadable or malformed."""


class RedFlag(NamedTuple):
    """One red-flag symptom, what it can mean and what to do about it.

    (A NamedTuple, as the dataset's types are, for import time.) The patterns of a flag
    loaded by :func:`load_red_flags` are kept beside it, so the flag itself stays these
    five plain strings.
    """

    id: str
    symptom: str
    condition: str
    urgency: str
    advice: str


class _Pattern:
    """One pattern of a flag, expanded and compiled only when a query could match it.

    Compiling the hundred-odd patterns costs tens of milliseconds, more than the rest of
    a ``psoas ask``. Each pattern has a gate: literal strings of which every match
    contains at least one (from ``data/red_flag_gates.json``, derived from the regex by
    :func:`required_literals`). A query that holds none of them cannot match, so the
    pattern is neither expanded, compiled nor run. A pattern without a gate always runs.
    """

    __slots__ = ("raw", "terms", "key", "gate", "where", "_source", "_regex")

    def __init__(self, raw: str, terms: _Terms, gates: dict[str, list[str]], where: str) -> None:
        self.raw = raw
        self.terms = terms
        self.where = where
        # The key covers the pattern and every term it may use, so a gate written for
        # another version of either is never applied.
        self.key = f"{zlib.crc32(raw.encode(), terms.digest):08x}"
        gate = gates.get(self.key)
        self.gate = tuple(gate) if gate else None
        self._source: str | None = None
        self._regex: re.Pattern[str] | None = None

    def could_match(self, text: str) -> bool:
        return self.gate is None or any(literal in text for literal in self.gate)

    @property
    def source(self) -> str:
        """The regex: terms and gaps expanded, wrapped in word boundaries."""
        if self._source is None:
            expanded = _expand(self.raw, self.terms.regexes, self.where)
            self._source = rf"(?<![a-z0-9])(?:{expanded})(?![a-z0-9])"
        return self._source

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.source, re.MULTILINE)
        return self._regex


class _Terms:
    """The named regex pieces of a data file, and a digest of them all."""

    __slots__ = ("regexes", "digest")

    def __init__(self, regexes: dict[str, str]) -> None:
        self.regexes = regexes
        text = "\n".join(f"{name}={regex}" for name, regex in sorted(regexes.items()))
        self.digest = zlib.crc32(text.encode())


class _Rule:
    """The patterns of one flag (a plain class: cheaper to define than a dataclass)."""

    __slots__ = ("patterns", "together", "unless")

    def __init__(
        self,
        patterns: tuple[_Pattern, ...],
        together: tuple[tuple[_Pattern, ...], ...],
        unless: tuple[_Pattern, ...],
    ) -> None:
        self.patterns = patterns
        self.together = together
        self.unless = unless


class _Region:
    """One region's emergency number, and its urgent-advice number if it has one."""

    __slots__ = ("code", "name", "short", "emergency", "urgent")

    def __init__(
        self, code: str, name: str, short: str, emergency: str, urgent: str | None
    ) -> None:
        self.code = code
        self.name = name
        self.short = short
        self.emergency = emergency
        self.urgent = urgent


# --------------------------------------------------------------------------- loading

_FLAG_TEXT_FIELDS = ("id", "symptom", "condition", "urgency", "advice")
_FLAG_KEYS = frozenset({*_FLAG_TEXT_FIELDS, "patterns", "together", "unless"})
_TOP_KEYS = frozenset({"notes", "terms", "regions", "flags"})
_REGION_KEYS = ("code", "name", "short", "emergency", "urgent")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_TERM_NAME = re.compile(r"[a-z_]+\Z")
_TERM_REF = re.compile(r"\{([a-z_]+)\}")
_GAP = re.compile(r"<(\d{1,2})>")
_GAP_STOP = "(?:no|not|never|nor|without)"


def load_red_flags(path: Path | None = None) -> tuple[RedFlag, ...]:
    """The red flags from ``path``, or from the bundled data file (parsed once).

    Raises :class:`RedFlagDataError` with a one-line reason when the file is malformed.
    """
    if path is None:
        return _default_flags()
    return _parse_flags(_read_document(Path(path)), Path(path))


@functools.cache
def _default_path() -> Path:
    from psoas_cli import resources  # deferred: importlib.resources is not free to import

    return resources.data_file(DATA_FILE_NAME)


@functools.cache
def _default_document() -> dict[str, Any]:
    return _read_document(_default_path())


@functools.cache
def _default_flags() -> tuple[RedFlag, ...]:
    return _parse_flags(_default_document(), _default_path(), _default_gates())


def _generated(name: str) -> dict[str, Any]:
    """A file written by ``python -m psoas_cli.triage``; empty if absent or unreadable."""
    import json

    try:
        document = json.loads(_default_path().with_name(name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _default_gates() -> dict[str, list[str]]:
    """The gates of the bundled patterns; none (every pattern runs) if the file is absent."""
    patterns = _generated(GATES_FILE_NAME).get("patterns")
    return patterns if isinstance(patterns, dict) else {}


@functools.cache
def _any_gate() -> frozenset[str] | None:
    """Every literal that could let a bundled flag fire, if the shortcut file was written
    from the red-flag file as it is now; else None (no shortcut). A file of its own,
    small and quick to read, since every question reads it."""
    document = _generated(SHORTCUT_FILE_NAME)
    try:
        current = zlib.crc32(_default_path().read_bytes())
    except OSError:
        return None
    literals = document.get("any")
    if document.get("source") != current or not isinstance(literals, str):
        return None
    return frozenset(literals.split("\n"))


@functools.cache
def _default_regions() -> dict[str, _Region]:
    return _parse_regions(_default_document(), _default_path())


def _forget_default() -> None:
    """Drop the cached default data, so the next call reads the file again (for tests)."""
    for cached in (
        _default_path,
        _default_document,
        _default_flags,
        _default_regions,
        _any_gate,
    ):
        cached.cache_clear()


def _read_document(path: Path) -> dict[str, Any]:
    import json  # deferred: only needed when the data is first loaded

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RedFlagDataError(f"{path}: cannot read red-flag data: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise RedFlagDataError(f"{path}: not UTF-8 text: {exc.reason}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RedFlagDataError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise RedFlagDataError(f"{path}: expected a JSON object at the top level")
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise RedFlagDataError(f"{path}: unknown top-level key(s): {', '.join(unknown)}")
    return document


def _parse_flags(
    document: dict[str, Any], path: Path, gates: dict[str, list[str]] | None = None
) -> tuple[RedFlag, ...]:
    terms = _Terms(_parse_terms(document.get("terms", {}), path))
    gates = gates or {}
    raw_flags = document.get("flags")
    if not isinstance(raw_flags, list) or not raw_flags:
        raise RedFlagDataError(f"{path}: 'flags' must be a non-empty list")
    flags: list[RedFlag] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_flags):
        where = f"{path}: flag #{index + 1}"
        if not isinstance(raw, dict):
            raise RedFlagDataError(f"{where}: expected an object")
        if isinstance(raw.get("id"), str):
            where = f"{path}: flag {raw['id']!r}"
        unknown = sorted(set(raw) - _FLAG_KEYS)
        if unknown:
            raise RedFlagDataError(f"{where}: unknown key(s): {', '.join(unknown)}")
        for name in _FLAG_TEXT_FIELDS:
            value = raw.get(name)
            if not isinstance(value, str) or not value.strip():
                raise RedFlagDataError(f"{where}: '{name}' must be a non-empty string")
        if not _SLUG.match(raw["id"]):
            raise RedFlagDataError(f"{where}: 'id' must be a lower-case slug like 'bowel-control'")
        if raw["id"] in seen:
            raise RedFlagDataError(f"{where}: duplicate id")
        seen.add(raw["id"])
        if raw["urgency"] not in URGENCIES:
            raise RedFlagDataError(
                f"{where}: 'urgency' must be one of {', '.join(sorted(URGENCIES))}"
            )
        rule = _Rule(
            patterns=_compile_list(raw.get("patterns", []), "patterns", terms, where, gates),
            together=tuple(
                _compile_list(group, "together", terms, where, gates)
                for group in _as_list(raw.get("together", []), "together", where)
            ),
            unless=_compile_list(raw.get("unless", []), "unless", terms, where, gates),
        )
        if not rule.patterns and not rule.together:
            raise RedFlagDataError(f"{where}: needs 'patterns' or 'together'")
        if len(rule.together) == 1 or any(not group for group in rule.together):
            raise RedFlagDataError(f"{where}: 'together' needs two or more non-empty groups")
        flag = RedFlag(**{name: raw[name].strip() for name in _FLAG_TEXT_FIELDS})
        _RULES[id(flag)] = (flag, rule)
        flags.append(flag)
    return tuple(flags)


def _parse_terms(raw: Any, path: Path) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise RedFlagDataError(f"{path}: 'terms' must be an object of name: regex")
    terms: dict[str, str] = {}
    for name, value in raw.items():
        if not _TERM_NAME.match(name) or not isinstance(value, str) or not value:
            raise RedFlagDataError(f"{path}: term {name!r} must be a lower-case name: regex")
        terms[name] = value
    return terms


def _as_list(value: Any, key: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RedFlagDataError(f"{where}: '{key}' must be a list")
    return value


def _compile_list(
    value: Any, key: str, terms: _Terms, where: str, gates: dict[str, list[str]]
) -> tuple[_Pattern, ...]:
    patterns = []
    for source in _as_list(value, key, where):
        if not isinstance(source, str) or not source.strip():
            raise RedFlagDataError(f"{where}: every entry of '{key}' must be a non-empty string")
        patterns.append(_Pattern(source, terms, gates, f"{where}: {source!r}"))
    return tuple(patterns)


def check_patterns(flags: Sequence[RedFlag]) -> None:
    """Compile every pattern now; a bad one raises RedFlagDataError (for tests and CI)."""
    for flag in flags:
        rule = _rule(flag)
        for pattern in (*rule.patterns, *rule.unless, *(p for g in rule.together for p in g)):
            try:
                regex = pattern.regex
            except RedFlagDataError:
                raise
            except re.error as exc:
                raise RedFlagDataError(f"{pattern.where}: bad pattern: {exc}") from exc
            if regex.fullmatch(""):
                raise RedFlagDataError(f"{pattern.where}: pattern matches empty text")


def _expand(source: str, terms: dict[str, str], where: str, depth: int = 0) -> str:
    """Replace ``{term}`` with its regex and ``<N>`` with "up to N words"."""
    if depth > 5:
        raise RedFlagDataError(f"{where}: terms nest too deeply in {source!r}")

    def term(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise RedFlagDataError(f"{where}: unknown term {{{name}}}")
        return f"(?:{_expand(terms[name], terms, where, depth + 1)})"

    expanded = _TERM_REF.sub(term, source)
    # A gap never skips a negation: "pain does not wake me" must not match "pain <3>wake me".
    return _GAP.sub(lambda m: rf"(?:(?!{_GAP_STOP}\b)[a-z0-9]+ ){{0,{m.group(1)}}}", expanded)


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _parse_regions(document: dict[str, Any], path: Path) -> dict[str, _Region]:
    raw_regions = document.get("regions")
    if not isinstance(raw_regions, list):
        raise RedFlagDataError(f"{path}: 'regions' must be a list")
    regions: dict[str, _Region] = {}
    for raw in raw_regions:
        if not isinstance(raw, dict) or set(raw).difference(_REGION_KEYS):
            raise RedFlagDataError(f"{path}: a region may only have {', '.join(_REGION_KEYS)}")
        code, name, short, emergency = (raw.get(k) for k in ("code", "name", "short", "emergency"))
        urgent = raw.get("urgent")
        if not (_is_text(code) and _is_text(name) and _is_text(short) and _is_text(emergency)):
            raise RedFlagDataError(f"{path}: region {raw!r} lacks code, name, short or emergency")
        if urgent is not None and not _is_text(urgent):
            raise RedFlagDataError(f"{path}: region {code!r}: 'urgent' must be text")
        if code in regions:
            raise RedFlagDataError(f"{path}: region {code!r} appears twice")
        regions[code] = _Region(code, name, short, emergency, urgent)
    if sorted(regions) != sorted(REGIONS):
        raise RedFlagDataError(f"{path}: regions must be exactly {', '.join(REGIONS)}")
    return regions


# ----------------------------------------------------------------------- normalising

_CHARACTERS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "&": " and ",
        "+": " and ",
        "/": " or ",
    }
)
# Each rule: (pattern, replacement, text that must be present for it to apply). The
# last item spares compiling a rule for a query it cannot change.
_CONTRACTIONS = (
    (r"\bcan'?t\b|\bcan not\b", "cannot", ("can",)),
    # "there's no way I can pee" says what "I cannot pee" says
    (r"\bno way (?:(?:i|you|we|to) )?(?:can|could)\b", "cannot", ("no way",)),
    (r"\bwon'?t\b", "will not", ("won",)),
    (r"\bain'?t\b", "is not", ("ain",)),
    (
        r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)n'?t\b",
        r"\1 not",
        ("nt", "n't"),
    ),
    (r"\bi'?m\b", "i am", ("im", "i'm")),
    (r"\bi'?ve\b", "i have", ("ive", "i've")),
    (r"\b(you|we|they)'ve\b", r"\1 have", ("'ve",)),
    (r"\bi'd\b", "i had", ("i'd",)),
    (
        r"\b(it|that|there|what|this|here)'s\b|\b(that|there|what)s\b",
        r"\1\2 is",
        ("'s", "thats", "theres", "whats"),
    ),
    (r"\b([a-z]+)'re\b", r"\1 are", ("'re",)),
    (r"\b([a-z]+)'ll\b", r"\1 will", ("'ll",)),
    (r"'", "", ("'",)),
    (r"[ \t]+", " ", ("  ", "\t")),
)
# "I don't think I can feel my bottom" still warns: a hedge becomes "maybe", and a hedged
# "I can" becomes "I cannot", because doubt about feeling something is the symptom.
_HEDGE = (
    r"\b(?:i am |i |am )?(?:do not think|do not know(?= if| whether)|unsure|not convinced"
    r"|not (?:100 |a hundred percent |completely |totally |entirely |really |quite )?"
    r"(?:sure|certain))(?: (?:if|whether|that))?\b"
)
# a hedge needs one of these words
_HEDGE_WORDS = ("think", "know", "unsure", "convinced", "sure", "certain")
_HEDGED_CAN = r"\bmaybe ((?:i|it|they|we|my [a-z]+) )can (?!not\b)"
_SENTENCE_BREAK = r"[!?;:()\[\]{}\"\n\r|]+|\.(?!\d)|\s-+\s|^-+\s|\s-+$"
# "and" starts a new clause when a new statement follows it; between nouns ("pins and
# needles", "chest and back pain", "no fever and numbness") it does not.
_AND_STARTERS = (
    "i|my|me|it|its|there|now|also|then|have|has|had|am|was|is|were|are|recently|suddenly|"
    "lately|this|that|cannot|can|could|keep|keeps|still|even|feel|feels|felt|get|got|started|"
    "no|not|never|without|today|yesterday|since|when|so|he|she|they|we|sometimes|often|nearly|"
    "almost|a|an|some|the|just|really|woke|wake|went"
)
_CLAUSE_BREAK = (
    r"\s(?:but|however|although|though|except|apart from|aside from|because(?! of)|cos|coz|whereas|"
    rf"nevertheless|and(?=\s(?:{_AND_STARTERS})\b))\s"
)
_CUE = (
    r"\b(?:no|not|never|without|none|nor|neither|nothing|deny|denies|denied|free of"
    r"|absence of|negative for)\b"
)
# Phrases with a negation word that negate nothing after them (NegEx's pseudo-negations):
# "no longer", "not getting better", "did not realise I had ...".
_PSEUDO_NEGATION = (
    r"\b(?:no (?:longer|idea|clue|reason|matter|doubt|wonder|improvement|relief|better|end)"
    r"|not (?:only|just|even|normal|usual|like me|much better|getting better|improving|helping"
    r"|working|easing|stopping|going away|go away|stop|settle|ease|improve|help|work|better"
    r"|worse|the same)"
    r"|(?:could|would|will|can|did|does|do) not (?:stop|go away|settle|ease|improve|help|shift)"
    r"|not (?:realise|realize|notice|know|expect|think)[a-z]* (?:that |when |if |until |why "
    r"|what |how )?(?:i|it|my)\b"
    r"|without (?:warning|any warning|reason|any reason))"
)
# A segment that only answers the one before it: "Loss of bladder control? No."
_BARE_ANSWER = r"(?:no|nope|none|never|not really|not at all|no never|negative)"
# A short segment led by a negation, then a comma list ending in "or", is one list:
# "no fever, numbness or tingling". A segment that looks like a new statement ends it.
_STATEMENT_WORDS = frozenset(
    "i cannot can could am is are was were have has had but now still keep keeps feel feels "
    "felt got get getting started and suddenly yesterday today".split()
)
_LIST_LEAD_MAX_WORDS = 4
_LIST_ITEM_MAX_WORDS = 6


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    """A pattern of the mechanism, compiled on first use: a query that holds no gate
    literal of any flag needs only the normalising ones, and the clause and negation
    patterns are compiled only when a flag could fire."""
    return re.compile(source)


_NON_WORD = r"[^a-z0-9]+"
_COMMA = r",(?!\d)"


def normalise(query: str) -> str:
    """Lower case, plain apostrophes, contractions spelled out, hedges marked."""
    text = query.lower().translate(_CHARACTERS)
    for pattern, replacement, needs in _CONTRACTIONS:
        if any(need in text for need in needs):
            text = _pattern(pattern).sub(replacement, text)
    if any(word in text for word in _HEDGE_WORDS):
        text = _pattern(_HEDGE).sub("maybe", text)
    if "maybe" in text:
        text = _pattern(_HEDGED_CAN).sub(r"maybe \1cannot ", text)
    return text


def clauses(query: str) -> list[str]:
    """The query as normalised clauses, each a run of lower-case words."""
    segments: list[str] = []
    for sentence in _pattern(_SENTENCE_BREAK).split(normalise(query)):
        parts = [_tidy(part) for part in _pattern(_COMMA).split(sentence)]
        for segment in _merge_negated_lists(parts):
            if _pattern(_BARE_ANSWER).fullmatch(segment):
                if segments:
                    segments.pop()
            elif segment:
                segments.append(segment)
    result: list[str] = []
    for segment in segments:
        result.extend(filter(None, map(_tidy, _pattern(_CLAUSE_BREAK).split(segment))))
    return result


def _tidy(text: str) -> str:
    return _pattern(_NON_WORD).sub(" ", text).strip()


def _merge_negated_lists(segments: list[str]) -> list[str]:
    cue = _pattern(_CUE)
    merged: list[str] = []
    index = 0
    while index < len(segments):
        current = segments[index]
        index += 1
        if len(current.split()) <= _LIST_LEAD_MAX_WORDS and cue.search(current):
            end = index
            last_with_or = -1
            while end < len(segments):
                item = segments[end].split()
                if not item or len(item) > _LIST_ITEM_MAX_WORDS:
                    break
                if _STATEMENT_WORDS.intersection(item):
                    break
                if "or" in item or "nor" in item:
                    last_with_or = end
                end += 1
            if last_with_or >= 0:
                current = " ".join([current, *segments[index : last_with_or + 1]])
                index = last_with_or + 1
        merged.append(current)
    return merged


# ------------------------------------------------------------------------- detecting


class _Query:
    """A query as clauses joined by newlines, with the negation cues that count.

    Every pattern runs once over the joined text; patterns match words and single spaces,
    so a match never spans two clauses, and a cue only counts inside its own clause.
    """

    def __init__(self, query: str) -> None:
        parts = clauses(query)
        self.empty = not parts
        self.text = "\n".join(parts)
        self.clause_starts: list[int] = []
        offset = 0
        for part in parts:
            self.clause_starts.append(offset)
            offset += len(part) + 1
        self._cue_ends: list[int] | None = None

    @property
    def cue_ends(self) -> list[int]:
        """Where the negation cues that count end; found when first needed."""
        from bisect import bisect_right

        if self._cue_ends is None:
            pseudo = [m.span() for m in _pattern(_PSEUDO_NEGATION).finditer(self.text)]
            pseudo_starts = [start for start, _ in pseudo]
            self._cue_ends = []
            for cue in _pattern(_CUE).finditer(self.text):
                index = bisect_right(pseudo_starts, cue.start()) - 1
                if index < 0 or cue.start() >= pseudo[index][1]:
                    self._cue_ends.append(cue.end())
        return self._cue_ends

    def negated(self, start: int) -> bool:
        """Whether a cue shortly before ``start``, in the same clause, switches it off."""
        from bisect import bisect_right

        index = bisect_right(self.cue_ends, start) - 1
        if index < 0:
            return False
        cue_end = self.cue_ends[index]
        clause_start = self.clause_starts[bisect_right(self.clause_starts, start) - 1]
        if cue_end <= clause_start:
            return False
        # words strictly between the cue and the match: one fewer than the spaces
        return self.text.count(" ", cue_end, start) - 1 <= NEGATION_WINDOW

    def affirms(self, patterns: Iterable[_Pattern]) -> bool:
        """Whether any pattern matches somewhere that no negation switches off."""
        for pattern in patterns:
            if not pattern.could_match(self.text):
                continue
            for match in pattern.regex.finditer(self.text):
                if not self.negated(match.start()):
                    return True
        return False


#: The patterns of every flag loaded, by the flag's identity (the flag is kept with
#: them, so the identity cannot be reused by another object).
_RULES: dict[int, tuple[RedFlag, _Rule]] = {}


def _rule(flag: RedFlag) -> _Rule:
    found = _RULES.get(id(flag))
    if found is None or found[0] is not flag:
        raise ValueError(f"red flag {flag.id!r} has no patterns; get flags from load_red_flags()")
    return found[1]


def _could_fire(rule: _Rule, text: str) -> bool:
    if any(pattern.could_match(text) for pattern in rule.patterns):
        return True
    return bool(rule.together) and all(
        any(pattern.could_match(text) for pattern in group) for group in rule.together
    )


def detect_red_flags(query: str, flags: Sequence[RedFlag] | None = None) -> list[RedFlag]:
    """The red flags found in ``query``, in the data file's order, each at most once."""
    # Every clause is a stretch of the tidied, normalised query, so a flag whose gates
    # are all missing from the whole of it cannot fire: most queries stop here, most
    # of them before the red-flag file is even read.
    whole = _tidy(normalise(query))
    if flags is None:
        shortcut = _any_gate()
        if shortcut is not None and not any(literal in whole for literal in shortcut):
            return []
        flags = load_red_flags()
    if not any(_could_fire(_rule(flag), whole) for flag in flags):
        return []
    parsed = _Query(query)
    found: list[RedFlag] = []
    seen: set[str] = set()
    if parsed.empty:
        return found
    for flag in flags:
        rule = _rule(flag)
        if flag.id in seen:
            continue
        hit = parsed.affirms(rule.patterns) or (
            bool(rule.together)
            and all(any(p.could_match(parsed.text) for p in g) for g in rule.together)
            and all(parsed.affirms(group) for group in rule.together)
        )
        if hit and not parsed.affirms(rule.unless):
            found.append(flag)
            seen.add(flag.id)
    return found


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
    regions = _default_regions()
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


# ------------------------------------------------------------------------- gates


def required_literals(expanded: str, ordinary: str = "") -> list[str] | None:
    """Literal strings of which every match of the regex contains at least one.

    None when no such set exists (the pattern can match without any fixed text). Runs
    over the regex's parse tree: a run of parts with a small finite set of spellings is
    spelt out in full ("woke up", "wakes me up"); a sequence needs what its most
    selective part needs; an alternation needs one of what each branch needs. Of the
    parts a sequence needs, the one whose literals occur least in ``ordinary`` text is
    chosen, so that a gate is seldom opened by everyday words ("back", "pain").
    """
    from re import _parser  # type: ignore[attr-defined]

    found = _Literals(_parser, ordinary).required(_parser.parse(expanded, re.MULTILINE))
    return sorted(found) if found else None


class _Literals:
    """Required and exact literal sets of a parsed regex (see :func:`required_literals`)."""

    LIMIT = 64  # the most spellings a part may have and still be spelt out

    def __init__(self, parser: Any, ordinary: str = "") -> None:
        self.p = parser
        self.ordinary = ordinary

    def exact(self, items: Any) -> set[str] | None:
        """Every string the sequence can match, if they are few; else None."""
        product = {""}
        for item in items:
            spellings = self._exact_item(item)
            if spellings is None or len(product) * len(spellings) > self.LIMIT:
                return None
            product = {a + b for a in product for b in spellings}
        return product

    def _exact_item(self, item: Any) -> set[str] | None:
        op, value = item
        p = self.p
        if op is p.LITERAL:
            return {chr(value)}
        if op in (p.AT, p.ASSERT, p.ASSERT_NOT):
            return {""}  # zero width
        if op is p.SUBPATTERN:
            return self.exact(value[-1])
        if op is p.BRANCH:
            branches = [self.exact(branch) for branch in value[1]]
            if any(b is None for b in branches):
                return None
            return set().union(*branches)  # type: ignore[arg-type]
        if op is p.IN and all(kind is p.LITERAL for kind, _ in value):
            return {chr(code) for _, code in value}
        if op in (p.MAX_REPEAT, p.MIN_REPEAT) and value[1] <= 2:
            once = self.exact(value[2])
            if once is None:
                return None
            options = {""} if value[0] == 0 else set()
            if value[0] <= 1 <= value[1]:
                options |= once
            if value[1] == 2:
                options |= {a + b for a in once for b in once}
            return options if len(options) <= self.LIMIT else None
        return None

    def required(self, items: Any) -> set[str] | None:
        """Strings of which every match holds one, as selective as can be found."""
        whole = self.exact(items)
        if whole is not None:
            return None if "" in whole else whole
        candidates: list[set[str]] = []
        product = {""}
        for item in items:
            spellings = self._exact_item(item)
            if spellings is not None and len(product) * len(spellings) <= self.LIMIT:
                product = {a + b for a in product for b in spellings}
                continue
            candidates.append(product)
            product = {""} if spellings is None else spellings
            if spellings is None:
                candidates.append(self._required_item(item) or {""})
        candidates.append(product)
        valid = [c for c in candidates if c and "" not in c]
        if not valid:
            return None

        # The most selective: the fewest literals found in ordinary text, then the
        # longest shortest literal, then the fewest literals.
        def selectivity(need: set[str]) -> tuple[int, int, int]:
            common = sum(literal in self.ordinary for literal in need)
            return (-common, min(map(len, need)), -len(need))

        return max(valid, key=selectivity)

    def _required_item(self, item: Any) -> set[str] | None:
        op, value = item
        p = self.p
        if op is p.SUBPATTERN:
            return self.required(value[-1])
        if op is p.BRANCH:
            branches = [self.required(branch) for branch in value[1]]
            if any(b is None for b in branches):
                return None
            return set().union(*branches)  # type: ignore[arg-type]
        if op in (p.MAX_REPEAT, p.MIN_REPEAT) and value[0] >= 1:
            return self.required(value[2])
        return None


def compute_gates(path: Path | None = None) -> dict[str, Any]:
    """The gates file's content for the red-flag data file: each pattern's gate keyed
    by the pattern's key, every literal that could let a flag fire (``any``, present
    only when every pattern has a gate) and a checksum of the data file (``source``)."""
    import json

    source = Path(path) if path else _default_path()
    # The bundled FAQ stands for what people ordinarily ask this tool.
    faq = json.loads(source.with_name("faq.json").read_text("utf-8"))
    texts = [e["question"] + ". " + e["answer"] + ". " + ". ".join(e["phrasings"]) for e in faq]
    ordinary = "\n".join(_tidy(normalise(text)) for text in texts)
    gates: dict[str, list[str]] = {}
    firing: set[str] = set()
    complete = True
    for flag in _parse_flags(_read_document(source), source):
        rule = _rule(flag)
        for pattern in (*rule.patterns, *rule.unless, *(p for g in rule.together for p in g)):
            literals = required_literals(pattern.source, ordinary)
            if literals:
                gates[pattern.key] = literals
            else:
                complete = complete and pattern in rule.unless
        for pattern in rule.patterns:
            firing.update(gates.get(pattern.key, ()))
        if rule.together:
            # every group must match, so the one least used in ordinary text will do
            groups = [
                {lit for p in group for lit in gates.get(p.key, ())} for group in rule.together
            ]
            firing.update(min(groups, key=lambda g: sum(lit in ordinary for lit in g)))
    document: dict[str, Any] = {"source": zlib.crc32(source.read_bytes()), "patterns": gates}
    if complete:
        document["any"] = sorted(firing)
    return document


def generated_files(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The content of the two generated files, by name: the gates of every pattern, and
    the shortcut literals (one string, quick to read)."""
    document = compute_gates(path)
    files = {GATES_FILE_NAME: {"source": document["source"], "patterns": document["patterns"]}}
    if "any" in document:
        shortcut = {"source": document["source"], "any": "\n".join(document["any"])}
        files[SHORTCUT_FILE_NAME] = shortcut
    return files


if __name__ == "__main__":  # python -m psoas_cli.triage: rewrite the generated files
    import json

    for name, content in generated_files().items():
        target = _default_path().with_name(name)
        target.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {target}")
