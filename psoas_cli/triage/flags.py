"""The red flags (``data/red_flags.json``): what each says, the rules that raise it,
the emergency numbers of each region, and applying the rules to a weighed query."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

from psoas_cli.errors import PsoasError
from psoas_cli.triage.context import Clause, Finding
from psoas_cli.triage.lexicon import Lexicon, RedFlagDataError, load_lexicon, read_json

REGIONS: tuple[str, ...] = ("au", "ca", "eu", "nz", "uk", "us")
#: Other codes people use for the same regions.
REGION_ALIASES = {"gb": "uk", "usa": "us"}
URGENCIES: frozenset[str] = frozenset({"emergency", "urgent"})
FLAGS_FILE_NAME = "red_flags.json"


class RedFlag(NamedTuple):
    """One red-flag symptom, what it can mean and what to do about it."""

    id: str
    symptom: str
    condition: str
    urgency: str
    advice: str


class Rule(NamedTuple):
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
    #: the clause concepts must be a few words apart, not only in one sentence ("pain
    #: at night", not "my back is sore, and the baby wakes me at night")
    near: bool


class Region(NamedTuple):
    code: str
    name: str
    short: str
    emergency: str
    urgent: str | None


class FlagData(NamedTuple):
    flags: tuple[RedFlag, ...]
    rules: dict[str, tuple[Rule, ...]]
    regions: dict[str, Region]


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
    return flag_data(path).flags


@functools.cache
def flag_data(path: Path | None = None) -> FlagData:
    if path is None:
        from psoas_cli import resources  # deferred: only a query with findings needs it

        path = resources.data_file(FLAGS_FILE_NAME)
    return _parse_flags(read_json(Path(path)), Path(path))


def _parse_flags(document: dict[str, Any], path: Path) -> FlagData:
    raw_flags = document.get("flags")
    if not isinstance(raw_flags, list) or not raw_flags:
        raise RedFlagDataError(f"{path}: 'flags' must be a non-empty list")
    known = load_lexicon().concept_names
    flags: list[RedFlag] = []
    rules: dict[str, tuple[Rule, ...]] = {}
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
    return FlagData(tuple(flags), rules, _parse_regions(document, path))


def _parse_rules(raw: Any, known: frozenset[str], where: str) -> tuple[Rule, ...]:
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
        rules.append(Rule(clause, anywhere, unless, others_need, *flags))
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


def _parse_regions(document: dict[str, Any], path: Path) -> dict[str, Region]:
    raw = document.get("regions")
    if not isinstance(raw, list) or not raw:
        raise RedFlagDataError(f"{path}: 'regions' must be a non-empty list")
    regions: dict[str, Region] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise RedFlagDataError(f"{path}: each region must be an object")
        code, name, short, emergency = (_text(item.get(key)) for key in _REGION_FIELDS)
        urgent = item.get("urgent")
        if not (code and name and short and emergency) or not (
            urgent is None or isinstance(urgent, str)
        ):
            raise RedFlagDataError(f"{path}: each region needs code, name, short and emergency")
        regions[code] = Region(code, name, short, emergency, urgent)
    return regions


class _Scope(NamedTuple):
    """Clauses read together for a rule: a unit, a sentence or its part up to a "but"."""

    clauses: list[Clause]
    sentence: int
    current: set[str]
    with_history: set[str]


def apply_rules(
    clauses: list[Clause],
    sentence_of: list[int],
    questions: set[int],
    data: FlagData,
    lexicon: Lexicon,
) -> tuple[list[RedFlag], dict[str, list[Finding]]]:
    """The flags whose rules hold for the weighed clauses, each with its evidence.
    ``questions`` are the sentences that ask: what they name explains nothing."""
    weighed = _Weighed(clauses, sentence_of, questions, lexicon)
    flags: list[RedFlag] = []
    evidence: dict[str, list[Finding]] = {}
    for flag in data.flags:
        for rule in data.rules[flag.id]:
            scope = weighed.where(rule)
            if scope is not None:
                flags.append(flag)
                evidence[flag.id] = _evidence(rule, scope.clauses, clauses, lexicon)
                break
    return flags, evidence


class _Weighed:
    """A weighed query as the rules read it: its concepts by unit and by clause, what
    explains them, and what other people have."""

    def __init__(
        self, clauses: list[Clause], sentence_of: list[int], questions: set[int], lexicon: Lexicon
    ) -> None:
        self.clauses = clauses
        self.lexicon = lexicon
        units: dict[int, list[Clause]] = {}
        for clause in clauses:
            units.setdefault(clause.unit, []).append(clause)
        self.by_unit = [_scope(members, sentence_of, lexicon) for members in units.values()]
        self.everywhere = set().union(*(scope.current for scope in self.by_unit))
        # an explanation ("after my run") counts in its sentence and the ones beside it
        self.explains: dict[int, set[str]] = {}
        for clause in clauses:
            if sentence_of[clause.number] in questions:
                continue  # "which exercises help?" is no exercise done
            affirmed = {n for m in clause.mentions if not m.context for n in m.concepts(lexicon)}
            for step in (-1, 0, 1):
                self.explains.setdefault(sentence_of[clause.number] + step, set()).update(affirmed)
        self.others_have = {
            name
            for clause in clauses
            for mention in clause.mentions
            if mention.person in ("other", "") and not mention.context
            for name in mention.concepts(lexicon)
        }

    def where(self, rule: Rule) -> _Scope | None:
        """The first unit (or clause, for a "near" rule) where the rule holds."""
        if not rule.anywhere <= self.everywhere:
            return None
        return next((scope for scope in self.by_unit if self._holds(rule, scope)), None)

    def _holds(self, rule: Rule, scope: _Scope) -> bool:
        concepts = scope.with_history if rule.keeps_history else scope.current
        if not rule.clause <= concepts or rule.unless & self.explains.get(scope.sentence, set()):
            return False
        if rule.near and not _near(rule.clause, scope.clauses, self.lexicon):
            return False
        if rule.others_need and not _persons_fit(
            rule, scope.clauses, self.others_have, self.lexicon
        ):
            return False
        return not rule.same_person or _one_person(rule, scope.clauses, self.clauses, self.lexicon)


#: a "near" rule's concepts lie within this many words of each other ("pain at night")
NEAR_WORDS = 8


def _near(concepts: frozenset[str], clauses: list[Clause], lexicon: Lexicon) -> bool:
    """Whether the concepts are found within :data:`NEAR_WORDS` words of one another, in
    clauses that only a comma parts ("at night it becomes a deep, gnawing ache"), not a
    new statement ("the baby wakes me at night, and my back is sore")."""
    places = {
        name: [
            (clause.group, clause.offset + mention.item.start)
            for clause in clauses
            for mention in clause.mentions
            if not mention.context and name in mention.concepts(lexicon)
        ]
        for name in concepts
    }
    anchors = min(places.values(), key=len)
    return any(
        all(
            any(group == g and abs(at - anchor) <= NEAR_WORDS for g, at in found)
            for found in places.values()
        )
        for group, anchor in anchors
    )


def _scope(members: list[Clause], sentence_of: list[int], lexicon: Lexicon) -> _Scope:
    return _Scope(
        members,
        sentence_of[members[0].number],
        _concepts(members, lexicon, ("",)),
        _concepts(members, lexicon, ("", "past", "long-standing")),
    )


def _persons_fit(rule: Rule, unit: list[Clause], others_have: set[str], lexicon: Lexicon) -> bool:
    """Whether the rule's mentions speak of the writer, or of someone else who also has
    what the rule says they need."""
    persons = {
        mention.person
        for clause in unit
        for mention in clause.mentions
        if mention.concepts(lexicon) & rule.clause
    }
    return bool(persons - {"other"}) or bool(rule.others_need & others_have)


def _one_person(rule: Rule, unit: list[Clause], clauses: list[Clause], lexicon: Lexicon) -> bool:
    """Whether one person has both what the clause needs and what is needed anywhere."""

    def persons(where: list[Clause], wanted: frozenset[str]) -> set[str]:
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


def _concepts(clauses: list[Clause], lexicon: Lexicon, contexts: tuple[str, ...]) -> set[str]:
    return {
        name
        for clause in clauses
        for mention in clause.mentions
        if mention.context in contexts
        for name in mention.concepts(lexicon)
    }


def _evidence(
    rule: Rule, unit: list[Clause], clauses: list[Clause], lexicon: Lexicon
) -> list[Finding]:
    """The findings that made a rule hold, for ``--explain``."""
    chosen = []
    for clause in clauses:
        wanted = (rule.clause if clause in unit else frozenset()) | rule.anywhere
        for mention in clause.mentions:
            for finding in mention.findings(lexicon):
                if finding.concept in wanted and finding.context in ("", "past", "long-standing"):
                    chosen.append(finding)
    return chosen


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
    regions = flag_data().regions
    if code is None:
        groups: dict[tuple[str, str | None], list[Region]] = {}
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
    regions = flag_data().regions
    chosen = [regions[code]] if code else list(regions.values())
    return [
        {"region": r.code, "name": r.name, "emergency": r.emergency, "urgent": r.urgent}
        for r in chosen
    ]
