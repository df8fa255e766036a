"""Normalising, stemming, stop words and the lexicon."""

from __future__ import annotations

import pytest

from psoas_cli.analysis import Analyzer, default_analyzer, light_stem, normalise_word, text_key


@pytest.mark.parametrize(
    "word, expected",
    [
        ("Psoas", "psoas"),
        ("CAN'T", "cant"),
        ("can’t", "cant"),
        ("muscle's", "muscle"),
        ("Fémur", "femur"),
        ("ﬂexor", "flexor"),
    ],
)
def test_normalise_word(word: str, expected: str):
    assert normalise_word(word) == expected


@pytest.mark.parametrize(
    "words",
    [
        ("stretch", "stretches", "stretching", "stretched"),
        ("flexor", "flexors"),
        ("cause", "causes", "causing", "caused"),
        ("release", "released", "releasing"),
        ("sit", "sitting"),
        ("run", "running"),
        ("tight", "tightness"),
        ("spasm", "spasms"),
        ("body", "bodies"),
        ("engage", "engages", "engaged", "engaging"),  # five letters before the e: it goes
    ],
)
def test_inflections_share_a_stem(words: tuple[str, ...]):
    assert len({light_stem(w) for w in words}) == 1, [light_stem(w) for w in words]


@pytest.mark.parametrize("a, b", [("spine", "spin"), ("pose", "pos"), ("bone", "bon")])
def test_short_words_keep_their_final_e(a: str, b: str):
    assert light_stem(a) != light_stem(b)


@pytest.mark.parametrize(
    "text, terms",
    [
        ("Why does my lower back hurt?", ["lower_back", "pain"]),
        ("ache in my tummy", ["pain", "abdomen"]),
        ("sore belly", ["pain", "abdomen"]),
        ("swayback", ["lordosis"]),
        ("thigh bone", ["femur"]),
        ("loosen the psoas", ["release", "psoas"]),
        ("stiff hip flexors", ["tight", "hip_flexor"]),
        ("the lumbar spine", ["lower_back"]),
        ("sit bones", ["sit_bone"]),
    ],
)
def test_lexicon_maps_lay_words_to_concepts(text: str, terms: list[str]):
    assert default_analyzer().terms(text) == terms


def test_stop_words_are_dropped_but_kept_when_asked():
    analyzer = default_analyzer()
    assert analyzer.terms("what is the") == []
    assert analyzer.terms("what is the", keep_stopwords=True) == ["what", "is", "the"]


def test_tokens_point_back_into_the_text():
    text = "My LOWER back hurts"
    tokens = default_analyzer().tokens(text)
    assert [(t.term, text[t.start : t.end]) for t in tokens] == [
        ("lower_back", "LOWER back"),
        ("pain", "hurts"),
    ]
    assert all(t.via_lexicon for t in tokens)


def test_related_terms_come_from_the_lexicon():
    analyzer = Analyzer(
        {
            "keep": ["psoas"],
            "synonyms": {"hip flexor": ["hip flexors"]},
            "related": [{"terms": ["psoas", "hip flexor"], "weight": 0.5}],
        }
    )
    assert ("hip_flexor", 0.5) in analyzer.related["psoas"]
    assert ("psoas", 0.5) in analyzer.related["hip_flexor"]


@pytest.mark.parametrize(
    "text",
    ["The psoas's role", "The psoas’s role", "I can't bend; it's the muscle's", "Fémur's end"],
)
def test_indexing_and_queries_split_words_alike(text: str):
    analyzer = default_analyzer()
    assert analyzer.split(text) == [word for word, _, _ in analyzer.words(text)]


@pytest.mark.parametrize(
    "word, stem",
    [
        ("bus", "bus"),  # three letters or fewer are left alone
        ("gas", "gas"),
        ("1990s", "1990s"),  # so are words with digits
        ("covid19", "covid19"),
        ("ties", "tie"),  # -ies needs five letters to become -y
        ("flies", "fly"),
        ("sing", "sing"),  # -ing needs a base of three letters with a vowel
        ("string", "string"),
        ("eating", "eat"),
        ("sitting", "sit"),  # a doubled consonant is made single...
        ("falling", "fall"),  # ...but not l, s or z
        ("used", "used"),
        ("witness", "wit"),  # -ness off words of seven letters and more
        ("early", "early"),  # -ly off words of six letters and more
        ("slowly", "slow"),
        ("compression", "compress"),
        ("spine", "spine"),  # a final e stays where "spin" would be left
        ("stress", "stress"),
    ],
)
def test_the_stemmer_respects_its_length_boundaries(word: str, stem: str):
    assert light_stem(word) == stem


@pytest.mark.parametrize(
    "a, b", [("Boat-Pose", "boat pose"), ("  Can the\tPSOAS ", "can the psoas"), ("a_b", "a b")]
)
def test_text_keys_ignore_case_spacing_and_joiners(a: str, b: str):
    assert text_key(a) == text_key(b)


def test_tokens_keep_stop_words_when_asked():
    analyzer = default_analyzer()
    assert [t.surface for t in analyzer.tokens("what is the psoas")] == ["psoas"]
    kept = analyzer.tokens("what is the psoas", keep_stopwords=True)
    assert [(t.surface, t.start) for t in kept] == [
        ("what", 0),
        ("is", 5),
        ("the", 8),
        ("psoas", 12),
    ]
