"""Weighing the context of each concept found, in the manner of ConText (Harkema et al.,
2009): negation and loss, who or what it is about, whether it is over, and whether it
is asked about in general."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from psoas_cli.triage.lexicon import Lexicon
from psoas_cli.triage.reading import Item, Sentence, Token

#: A negation reaches this many words forward, as NegEx's window of five or six does.
NEGATION_REACH = 6
#: A cue after its concept ("the feeling has gone") reaches this many words back.
AFTER_REACH = 4
#: A difficulty ("trouble", "struggling to") reaches the nearest function this close.
DIFFICULTY_REACH = 6
#: A thing or a limb named this close to a "place" symptom is what it is about.
PLACE_REACH = 4


class Finding(NamedTuple):
    """A concept found in the query, with the words that said it and their context.

    ``context`` is empty when the finding counts, else why it does not: "negated",
    "past", "a question in general", "a thing", "an animal", "someone who has died".
    """

    concept: str
    words: str
    clause: int
    context: str = ""


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
_WITHOUT = frozenset({"without"})


class Mention:
    """A concept item and what its context makes of it."""

    __slots__ = ("item", "clause", "negated", "impaired", "context", "person", "asked", "cue")

    def __init__(self, item: Item, clause: int) -> None:
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

    def concepts(self, lexicon: Lexicon) -> set[str]:
        """The concepts this mention affirms: its own, or a lost function's loss."""
        found = set()
        for name in self.item.names:
            kind = lexicon.kinds[name]
            if kind == "function":
                found.add(lexicon.losses[name] if self.impaired else name)
            elif not self.negated:
                found.add(name)
        return found

    def findings(self, lexicon: Lexicon) -> Iterator[Finding]:
        for name in sorted(self.item.names):
            lost = self.impaired and name in lexicon.losses
            negated = self.negated and lexicon.kinds[name] != "function"
            context = self.context or ("negated" if negated else "")
            words = f"{self.cue} {self.item.words}" if lost and self.cue else self.item.words
            yield Finding(lexicon.losses[name] if lost else name, words, self.clause, context)


class Clause:
    """One clause: its tokens, the phrases found in it and its concept mentions."""

    def __init__(
        self,
        tokens: list[Token],
        items: list[Item],
        number: int,
        unit: int,
        group: int,
        offset: int,
    ) -> None:
        self.tokens = tokens
        self.items = items
        self.number = number
        #: clauses that only a comma parts share a group: "a deep, gnawing ache"
        self.group = group
        #: where the clause starts among the words of the whole query
        self.offset = offset
        #: clauses of one unit (a sentence, or its part before or after a "but") are
        #: read together: a rule's concepts must all be in one unit
        self.unit = unit
        self.mentions = [Mention(item, number) for item in items if item.kind == "concept"]
        self.cues = {name for item in items if item.kind == "cue" for name in item.names}

    def referents(self) -> list[Item]:
        return [item for item in self.items if item.kind == "referent"]


def kind_is(mention: Mention, lexicon: Lexicon, kind: str) -> bool:
    return any(lexicon.kinds[name] == kind for name in mention.item.names)


def negatable(mention: Mention, lexicon: Lexicon) -> bool:
    """Symptoms and the circumstances that explain them away can be denied."""
    return any(lexicon.kinds[name] in ("symptom", "circumstance") for name in mention.item.names)


def apply_cues(clause: Clause, lexicon: Lexicon) -> None:
    """Negations, losses and difficulties, each within its reach in the clause."""
    by_start: dict[int, list[Mention]] = {}
    for mention in clause.mentions:
        by_start.setdefault(mention.item.start, []).append(mention)
    cancelled: set[int] = set()
    for index, item in enumerate(clause.items):
        if item.kind != "cue" or index in cancelled:
            continue
        if item.names & _NEGATES_FORWARD or _negating_without(clause, index):
            _negate_forward(clause, index, by_start, cancelled, lexicon)
        if "absent_after" in item.names:
            _negate_backward(clause, index, by_start, lexicon)
    for index, item in enumerate(clause.items):
        if item.kind == "cue" and "difficulty" in item.names and index not in cancelled:
            _impair_nearest(clause, index, lexicon)
        if item.kind == "cue" and "normal" in item.names:
            for mention in clause.mentions:
                near = min(abs(mention.item.start - item.end), abs(item.start - mention.item.end))
                symptom = near <= 3 and kind_is(mention, lexicon, "symptom")
                if symptom or (near <= 2 and kind_is(mention, lexicon, "site")):
                    mention.negated = True  # "numbness is fine", "my back is fine"


def _negating_without(clause: Clause, index: int) -> bool:
    """Whether "without" negates what follows: not after another negation, for "cannot
    breathe without my chest hurting" says the chest hurts."""
    if "without" not in clause.items[index].names:
        return False
    return not any(
        item.kind == "cue" and item.names & _NEGATES_FORWARD for item in clause.items[:index]
    )


def _negate_forward(
    clause: Clause,
    index: int,
    by_start: dict[int, list[Mention]],
    cancelled: set[int],
    lexicon: Lexicon,
) -> None:
    """A negation before its concepts: it removes the symptoms in its reach ("no fever
    or chills") and makes the first function it meets a loss ("cannot feel"). A hedge
    ("not sure if I can") only does the second."""
    cue = clause.items[index]
    hedge = "hedge_loss" in cue.names
    negated: list[Mention] = []
    sites: list[Mention] = []
    for later_index in range(index + 1, len(clause.items)):
        later = clause.items[later_index]
        if later.start - cue.end > NEGATION_REACH:
            break
        if later.kind == "cue":
            if later.names & _DENIABLE and not negated and later.start == cue.end:
                cancelled.add(later_index)  # "no trouble peeing", "no loss of feeling"
                return
            if later.names & _SCOPE_ENDS:
                break
            continue
        mention = _mention_of(later, by_start)
        if mention is None:
            continue
        if kind_is(mention, lexicon, "function"):
            if not negated:  # after "never lost control of", "my bladder" is fine
                _lose(clause, later_index, mention, cue, cancelled, lexicon)
            break
        if not hedge:  # "not sure if I have a fever" still has one
            (negated if negatable(mention, lexicon) else sites).append(mention)
    for mention in negated:
        mention.negated = True
    if negated:
        for site in sites:
            site.negated = True  # "no chest pain": the chest is not in pain either


_DENIABLE = frozenset({"difficulty", "absent_before"})


def _mention_of(item: Item, by_start: dict[int, list[Mention]]) -> Mention | None:
    return next((m for m in by_start.get(item.start, ()) if m.item is item), None)


def _lose(
    clause: Clause,
    index: int,
    mention: Mention,
    cue: Item,
    cancelled: set[int],
    lexicon: Lexicon,
) -> None:
    """A negation that falls on a function: denied trouble ("no bladder issues", "no
    bladder or bowel change"), or else the function's loss ("cannot feel")."""
    follows = _difficulty_after(clause.items, index)
    if follows is not None:
        cancelled.add(follows)
        return
    head = _symptom_after(clause, mention, lexicon)
    if head is not None:
        head.negated = True
        return
    mention.impaired = True
    mention.cue = cue.words


def _symptom_after(clause: Clause, mention: Mention, lexicon: Lexicon) -> Mention | None:
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
        if negatable(other, lexicon):
            return None
        position = other.item.end  # "bladder or bowel change": read past "bowel"
    return None


def _difficulty_after(items: list[Item], index: int) -> int | None:
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
    clause: Clause, index: int, by_start: dict[int, list[Mention]], lexicon: Lexicon
) -> None:
    """A negation after its concepts: "the numbness has gone", "my wee will not come"."""
    cue = clause.items[index]
    sites: list[Mention] = []
    negated_a_symptom = False
    for earlier in reversed(clause.items[:index]):
        if cue.start - earlier.end > AFTER_REACH:
            break
        if earlier.kind == "cue" and earlier.names & _SCOPE_ENDS:
            break
        for mention in by_start.get(earlier.start, ()):
            if earlier is not mention.item:
                continue
            if kind_is(mention, lexicon, "function"):
                mention.impaired = True
                mention.cue = cue.words
                return
            if negatable(mention, lexicon):
                mention.negated = negated_a_symptom = True
            else:
                sites.append(mention)
    if negated_a_symptom:
        for site in sites:
            site.negated = True


def _impair_nearest(clause: Clause, index: int, lexicon: Lexicon) -> None:
    """A difficulty makes the nearest function a loss: "trouble peeing", "hard to walk"."""
    cue = clause.items[index]
    functions = [m for m in clause.mentions if kind_is(m, lexicon, "function")]
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


def apply_referents(
    clause: Clause, lexicon: Lexicon, person: str, carried: Item | None
) -> tuple[str, Item | None]:
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
    carried = carried if continues else None
    subject = own or (carried._replace(start=-1, end=-1) if carried else None)
    before = person
    labels = _labels_the_writer(clause, lexicon)
    named = subject or _anyone_named(referents)  # "the pain wakes me": the writer's
    if named is not None and named.names & {"self", "other"} and not labels:
        person = "other" if "other" in named.names else "self"
    for mention in clause.mentions:
        after_subject = named is not None and named.start <= mention.item.start
        mention.person = person if after_subject or subject is None else before
        about = _about(clause, mention, subject, lexicon)
        if about in _ASIDE:
            mention.context = _ASIDE[about]
    return person, None if labels else (own or carried)


def _anyone_named(referents: list[Item]) -> Item | None:
    """The first person a clause names, as subject or not."""
    return next((item for item in referents if item.names & {"self", "other"}), None)


def blame_the_beast(clauses: list[Clause], lexicon: Lexicon) -> None:
    """A clause that only names an animal or a thing ("- the dog again") says whose the
    leak or lump of the clause before it was."""
    for before, clause in zip(clauses, clauses[1:], strict=False):
        if any(negatable(m, lexicon) for m in clause.mentions):
            continue
        beast = next(
            (i for i in clause.referents() if i.names & {"animal", "object"} and i.start <= 2),
            None,
        )
        if beast is None:
            continue
        for mention in before.mentions:
            if mention.item.names & lexicon.places and not mention.context:
                mention.context = _ASIDE["animal" if "animal" in beast.names else "object"]


def _labels_the_writer(clause: Clause, lexicon: Lexicon) -> bool:
    """Whether the clause only names the writer: "new mum, had cancer as a teenager"."""
    return len(clause.tokens) <= 3 and not any(
        t.stem in lexicon.possessives or t.stem in _VERBS for t in clause.tokens
    )


def _about(clause: Clause, mention: Mention, subject: Item | None, lexicon: Lexicon) -> str | None:
    """What a mention is about, when it is not a person's own: 'object', 'animal',
    'other' (someone else did it), 'limb' or 'general'; None when it counts."""
    about = _thing_beside(clause, mention, lexicon)
    if about is None and subject is not None and subject.start < mention.item.start:
        about = _kind_of(subject, mention, lexicon)
        if about == "other" and (
            not mention.item.names & lexicon.symptom_is_subject
            or _symptom_between(clause, subject, mention, lexicon)
        ):
            return None  # another person's symptom counts: "she fell", "her pain wakes her"
        if about == "general" and _writer_between(clause, subject, mention):
            return None  # "people keep saying I've got thin": what they say of the writer
    if about in ("animal", "object") and _done_to_a_person(clause, mention):
        return None  # "the horse threw me": it happened to the writer
    return about


def _done_to_a_person(clause: Clause, mention: Mention) -> bool:
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


def _symptom_between(clause: Clause, subject: Item, mention: Mention, lexicon: Lexicon) -> bool:
    return any(
        subject.end <= other.item.start < mention.item.start and negatable(other, lexicon)
        for other in clause.mentions
    )


def _subject(clause: Clause, referents: list[Item], lexicon: Lexicon) -> Item | None:
    """The first referent of the clause that no preposition governs: its subject. A
    possessive gives way to the noun it belongs to ("my dog")."""
    for position, item in enumerate(referents):
        before = [t.stem for t in clause.tokens[max(0, item.start - 3) : item.start]]
        governed = False
        described = False  # one describing word may come between: "on a hard chair"
        for index in range(len(before) - 1, -1, -1):
            stem = before[index]
            if stem in lexicon.fillers:
                continue
            if not described and stem not in lexicon.prepositions and stem not in _VERBS:
                described = True
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


def _kind_of(referent: Item, mention: Mention, lexicon: Lexicon) -> str:
    kind = next(iter(sorted(referent.names)))
    if kind == "vehicle":
        # a crash of a car is a crash of the people in it; a car's temperature is a thing's
        return "self" if mention.item.names & lexicon.vehicles_are_people else "object"
    return kind


def _thing_beside(clause: Clause, mention: Mention, lexicon: Lexicon) -> str | None:
    """What a mention is about when a thing is named right beside it: "crashed my
    laptop", "a lumpy mattress", "a leak in the roof", "the legs of the ironing board",
    "a swollen ankle"."""
    names = mention.item.names
    span = clause.tokens[mention.item.start : mention.item.end]
    if any(token.stem in lexicon.reflexives for token in span):
        return None  # "wet herself on the bus": a person's own, wherever it happened
    place = bool(names & lexicon.places)
    if place and _on_the_body(clause, mention, lexicon):
        return None  # "can't lean on the sofa for this lump on my spine"
    owner = _owner(clause, mention, lexicon) if place or kind_is(mention, lexicon, "site") else None
    if owner is not None:
        return owner
    if names & lexicon.object_after and not place:
        thing = _object_after(clause, mention, lexicon, reach=3, through_prepositions=False)
        if thing is not None:
            return thing
    if not place:
        return None
    thing = _object_after(clause, mention, lexicon, reach=PLACE_REACH, through_prepositions=True)
    return thing if thing is not None else _thing_nearby(clause, mention, lexicon)


def _thing_nearby(clause: Clause, mention: Mention, lexicon: Lexicon) -> str | None:
    """'object' for a thing named near a place concept, 'limb' for an arm or a leg
    ("a swollen ankle"), in the same part of the clause."""
    for item in clause.items:
        near = min(abs(item.start - mention.item.end), abs(mention.item.start - item.end))
        if item is mention.item or near > PLACE_REACH or _overlaps(item, mention.item):
            continue
        if item.end <= mention.item.start and _person_between(clause, item, mention):
            continue  # "in the shower I felt a swelling": the shower is where I was
        low, high = (
            sorted((item.end, mention.item.start))
            if item.start < mention.item.start
            else sorted((mention.item.end, item.start))
        )
        if any(t.stem in ("and", "or", ",") for t in clause.tokens[low:high]):
            continue  # "shovelling gravel and the bed was wet": another thing's clause
        if item.kind == "referent" and _kind_of(item, mention, lexicon) == "object":
            return "object"  # "the seat in my van has a lump": a vehicle is a thing too
        if item.kind == "concept" and any(
            item.names & lexicon.not_beside.get(name, frozenset()) for name in mention.item.names
        ):
            return "limb"
    return None


def _overlaps(one: Item, other: Item) -> bool:
    return one.start < other.end and other.start < one.end


def _writer_between(clause: Clause, item: Item, mention: Mention) -> bool:
    return any(
        other.kind == "referent" and "self" in other.names and item.end <= other.start
        for other in clause.items
        if other.start < mention.item.start
    )


def _person_between(clause: Clause, item: Item, mention: Mention) -> bool:
    return any(
        other.kind == "referent"
        and other.names & {"self", "other"}
        and item.end <= other.start < mention.item.start
        for other in clause.items
    )


def _owner(clause: Clause, mention: Mention, lexicon: Lexicon) -> str | None:
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
            and kind_is(other, lexicon, "site")
            and 0 < other.item.start - mention.item.end <= 3
            for other in clause.mentions
        )
        return None if body else "object"
    return None


#: sites that are parts of the body (not "the bed", "my pants")
_BODY = frozenset({"body_site", "back", "saddle", "tummy", "limb_site", "legs", "chest"})


def _on_the_body(clause: Clause, mention: Mention, lexicon: Lexicon) -> bool:
    """Whether a part of the body follows the mention through a preposition: "a lump
    on my spine", "swelling in her groin"."""
    after = clause.tokens[mention.item.end : mention.item.end + 1]
    if not after or after[0].stem not in lexicon.prepositions:
        return False
    return any(
        other.item.names & _BODY
        and 0 < other.item.start - mention.item.end <= 3
        and all(
            t.stem in lexicon.fillers
            for t in clause.tokens[mention.item.end + 1 : other.item.start]
        )
        for other in clause.mentions
    )


def _object_after(
    clause: Clause, mention: Mention, lexicon: Lexicon, reach: int, through_prepositions: bool
) -> str | None:
    """The thing or animal named just after the mention: its object ("crashed my
    laptop") or, through a preposition, its place ("a leak in the roof")."""
    if (
        clause.tokens[mention.item.end - 1].stem in lexicon.prepositions
        and not through_prepositions
    ):
        return None  # "fell off the roof": the roof is where, not what
    for item in clause.items:
        if (
            item.kind != "referent"
            or item.start < mention.item.end
            or _overlaps(item, mention.item)
        ):
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


def apply_time(clauses: list[Clause], lexicon: Lexicon) -> None:
    """Put aside what is over (distant history, symptoms that have gone) and what is not
    new (a symptom someone has had for years)."""
    for clause in clauses:
        if "chronic" in clause.cues and "recent" not in clause.cues:
            for mention in clause.mentions:
                if not kind_is(mention, lexicon, "site"):
                    mention.context = mention.context or "long-standing"
    for index in range(len(clauses)):
        _put_in_history(clauses, index, lexicon)


def _put_in_history(clauses: list[Clause], index: int, lexicon: Lexicon) -> None:
    """Put what a clause of history speaks of in the past: its own symptoms, or with
    none of its own, those of the clause before ("I had a fever last week, but it has
    gone"), unless that one goes on now."""
    clause = clauses[index]
    # "it has all gone now": what has gone is over, whatever "now" says
    if clause.cues & {"current", "recent"} and "resolved" not in clause.cues:
        return
    if not clause.cues & {"past", "resolved"}:
        return
    own = [m for m in clause.mentions if negatable(m, lexicon) or m.impaired]
    if not own and index and "current" in clauses[index - 1].cues:
        return
    for mention in clause.mentions if own or not index else clauses[index - 1].mentions:
        mention.context = mention.context or "past"


def apply_hypothesis(clauses: list[Clause], sentence: Sentence) -> None:
    """Put aside a question about a condition in general ("can a fall cause back pain?",
    "what if I lose feeling?"). A cue reaches forward in its clause ("... what could it
    be" puts nothing aside), or over the whole clause in a question ("is fever a sign
    of an abscess?"). What comes before "cause" is the cause asked about; only what
    comes after it may be the writer's own, as a later sentence can say. An impersonal
    cue ("what is", "why would") asks in general only in a question that names no
    person, and only of what follows it: "what is foot drop?", not "why would my back
    hurt more at night?"."""
    asking = sentence.asks or sentence.question
    personal = any(
        item.kind == "referent" and item.names & {"self", "other"}
        for clause in clauses
        for item in clause.items
    )
    if _leads_with_hypothesis(clauses):
        # "Hypothetically, if my dad took a tumble, ...": the whole sentence supposes
        for clause in clauses[1:]:
            for mention in clause.mentions:
                mention.context = mention.context or _GENERAL
                mention.asked = True
    for clause in clauses:
        for item in clause.items:
            if item.kind == "cue" and item.names & _GENERAL_CUES:
                _ask_in_general(clause, item, asking, personal)


def _ask_in_general(clause: Clause, cue: Item, asking: bool, personal: bool) -> None:
    """Put aside what one cue of a question in general reaches in its clause."""
    if cue.names & {"causal", "significance"} and not asking:
        return
    impersonal = cue.names <= {"impersonal"}
    if impersonal and (personal or not asking):
        return
    for mention in clause.mentions:
        whole = asking and not impersonal
        if whole or "unreal" in cue.names or mention.item.start >= cue.start:
            mention.context = mention.context or _GENERAL
            after = mention.item.start > cue.start
            mention.asked = "unreal" not in cue.names and ("causal" not in cue.names or after)


def _leads_with_hypothesis(clauses: list[Clause]) -> bool:
    """Whether the sentence opens with a clause that only supposes ("Hypothetically,")."""
    if len(clauses) < 2 or clauses[0].mentions:
        return False
    items = clauses[0].items
    return bool(items) and all(
        item.kind == "cue" and "hypothetical" in item.names for item in items
    )


_GENERAL = "a question in general"
#: "what if", "signs of"; "can a fall cause"; "does numbness mean"; "in a video game";
#: "what is" (with no person named)
_GENERAL_CUES = frozenset(
    {"hypothetical", "causal", "significance", "unreal", "curiosity", "impersonal"}
)


def generalise(clauses: list[Clause], before: list[Clause], lexicon: Lexicon) -> None:
    """A sentence that only says the one before was asked in general ("Is foot drop a
    nerve problem? Just curious.") puts that one's findings aside too."""
    cues = set().union(*(clause.cues for clause in clauses))
    own = any(negatable(m, lexicon) for clause in clauses for m in clause.mentions)
    if own or not cues & {"curiosity", "unreal"}:
        return
    for clause in before:
        for mention in clause.mentions:
            mention.context = mention.context or _GENERAL
            mention.asked = False


def unsaid_persons(clauses: list[Clause]) -> None:
    """A mention whose person the text has not yet said is about the next person it
    names: "DS, 15, has had back pain for a week, and now he is hot and shivery"."""
    for index, clause in enumerate(clauses):
        later = next((m.person for c in clauses[index + 1 :] for m in c.mentions if m.person), "")
        for mention in clause.mentions:
            mention.person = mention.person or later


def affirm(clauses: list[Clause], before: list[Clause]) -> None:
    """A sentence that says what the one before asked about is happening now ("Can a
    disc do this? It started yesterday.", "During the day I barely notice it.") makes
    the question's symptoms the writer's; "I've got both right now", all of them."""
    cues = set().union(*(clause.cues for clause in clauses))
    personal = any(item.names & {"self", "other"} for c in clauses for item in c.referents())
    if cues & _GENERAL_CUES or not (
        cues & {"affirm", "affirm_all", "current", "recent"} or personal
    ):
        return
    for clause in before:
        for mention in clause.mentions:
            if mention.context == _GENERAL and (mention.asked or "affirm_all" in cues):
                mention.context = ""
