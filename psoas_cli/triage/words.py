"""Words as triage reads them: text normalised, words reduced to stems, and how far
apart two spellings are. Pure functions, shared by the lexicon and the reader."""

from __future__ import annotations

import re

_CHARACTERS = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
        "&": " and ", "+": " and ", "/": " or ", "(": ",", ")": ",",
    }
)  # fmt: skip
# Contractions, spelt out by one pattern (each pattern compiled costs about 0.2 ms of
# every call): "can't" and "can not" are "cannot", "won't" is "will not", "she's" is
# "she is", "I'm" is "I am"; a possessive "'s" and any other apostrophe go; "its"
# before a word that no noun follows is "it is".
CONTRACTION = re.compile(
    r"\b(?P<cannot>can'?t|can not)\b|\b(?P<wont>won'?t)\b|\b(?P<aint>ain'?t)\b"
    r"|\b(?P<verb>[a-z]+)n't\b"
    r"|\b(?P<pronoun>it|that|there|what|he|she|who|here|where|this)'s\b"
    r"|'(?P<tail>m|re|ve|ll|d)\b|'s\b|'"
    r"|(?<=\d)(?=[a-z])"
    r"|\bits(?= (?:been|when|just|really|so|not|getting|gone|very|always|worse|bad|sore|"
    r"killing|still|only|never|ok|fine|going|because|too|like|my|a|the|all|now)\b)"
)
_TAILS = {"m": " am", "re": " are", "ve": " have", "ll": " will", "d": ""}  # 'd: had or would


def spell_out(match: re.Match[str]) -> str:
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
    if match.group() == "its":
        return "it is"  # "its been weeks", written without the apostrophe
    return " " if match.group() == "" else ""  # "5kg" is "5 kg"


_ASIDE_DASH = re.compile(r"\s-+\s")


def normalise(text: str) -> str:
    """Lower case, plain apostrophes and dashes, contractions spelt out; a dash between
    words is a comma ("my legs - both of them - are numb")."""
    text = CONTRACTION.sub(spell_out, text.lower().translate(_CHARACTERS))
    return _ASIDE_DASH.sub(", ", text)


def stem_word(word: str) -> str:
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


def edit_distance(a: str, b: str, limit: int) -> int:
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
