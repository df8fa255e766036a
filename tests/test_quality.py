"""Answer quality: what is asked, whether the FAQ covers it, and what the score means."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from psoas_cli.analysis import general_analyzer
from psoas_cli.dataset import Dataset, Entry
from psoas_cli.evaluate import evaluate, load_labelled
from psoas_cli.matcher import DEFAULT_MIN_SCORE, Index, find_matches, known_phrases, mend_words

LABELLED = Path(__file__).parent / "data" / "queries.jsonl"
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture(scope="module")
def index(bundled) -> Index:
    return Index.build(bundled.entries)


@pytest.fixture(scope="module")
def report(bundled, index):
    return evaluate(load_labelled(LABELLED, bundled), bundled, index)


def test_answers_scored_80_and_more_are_right_at_least_97_percent_of_the_time(report):
    high = [band for band in report.bands if band.low >= 80]
    assert sum(b.answers for b in high) >= 100
    assert sum(b.right for b in high) / sum(b.answers for b in high) >= 0.97


def test_answers_below_the_threshold_are_mostly_wrong(report):
    low = [band for band in report.bands if band.high <= DEFAULT_MIN_SCORE]
    assert sum(b.right for b in low) / sum(b.answers for b in low) < 0.5


def test_the_readme_publishes_the_calibration_table_eval_measures(report):
    rows = re.findall(r"^\| (\d+)-(\d+) \| (\d+) \| ([\d.]+) \|$", README.read_text("utf-8"), re.M)
    published = {(float(low), float(high)): (int(n), float(share)) for low, high, n, share in rows}
    measured = {(b.low, b.high): (b.answers, round(b.share or 0.0, 2)) for b in report.bands}
    assert published == measured


@pytest.mark.parametrize(
    "query",
    ["my muscles feel sore all the time", "it hurts when I move", "what causes muscle spasms"],
)
def test_vague_queries_are_declined_and_asked_to_be_more_specific(bundled, index, query: str):
    result = find_matches(query, bundled, index)
    assert result.matches == () and result.closest
    assert "be more specific" in result.reason
    assert all(m.score < DEFAULT_MIN_SCORE for m in result.closest)


@pytest.mark.parametrize(
    "query, part",
    [("bursitis in my shoulder", "shoulder"), ("heel pain in the morning", "heel")],
)
def test_queries_about_another_part_of_the_body_are_declined(bundled, index, query, part):
    result = find_matches(query, bundled, index)
    assert result.matches == () and f"about the {part}" in result.reason


def test_a_part_of_the_body_the_answer_mentions_is_no_reason_to_decline(bundled, index):
    result = find_matches("a pose where you sit and lift your shins, knees bent", bundled, index)
    assert result.matches and result.matches[0].entry.id == "release-iliopsoas"


@pytest.mark.parametrize(
    "query, ask",
    [
        ("psoas release surgery", "surgery"),
        ("how much does iliopsoas bursitis treatment cost", "cost"),
        ("diazepam for a psoas spasm", "diazepam"),
    ],
)
def test_what_no_entry_covers_is_declined_with_the_reason(bundled, index, query, ask):
    result = find_matches(query, bundled, index)
    assert result.matches == () and f'"{ask}"' in result.reason
    # without the ask, the same words are answered
    plain = query.replace(ask, "").replace("how much does", "").replace("for a", "")
    assert find_matches(plain, bundled, index).matches


def test_a_users_faq_has_no_subject_to_keep_to():
    entries = (Entry("a", "How do I reset my shoulder strap?", "Pull the buckle."),)
    dataset = Dataset(entries)
    index = Index.build(entries, general_analyzer())
    result = find_matches("shoulder strap", dataset, index)
    assert result.matches and result.reason == ""


@pytest.mark.parametrize(
    "query, typed, meant",
    [
        ("can a week psoas cause back pain", "week", "weak"),
        ("tight psoas and mud back pain", "mud", "mid"),
    ],
)
def test_a_real_word_typed_for_another_is_mended_by_its_neighbours(
    bundled, index, query, typed, meant
):
    words, mends = mend_words(query, index, known_phrases(bundled, index))
    at = query.index(typed)
    assert meant in [w for w, _, _ in words] and mends[at][0] == "typo"
    # without the phrases the FAQ uses, nothing says the word was not meant
    assert typed in [w for w, _, _ in mend_words(query, index)[0]]


@pytest.mark.parametrize("query", ["my sack aches after a long ride", "a mild back ache"])
def test_a_real_word_is_left_alone_when_nothing_says_it_is_a_typo(bundled, index, query):
    words, _ = mend_words(query, index, known_phrases(bundled, index))
    assert [w for w, _, _ in words] == [w for w, _, _ in index.analyzer.words(query)]


def test_a_story_is_read_through_its_question(bundled, index):
    question = "Can a tight psoas cause pain in the middle of my back?"
    story = (
        "I'm a programmer and sit nine hours a day, mostly in a bad chair and often late "
        "into the night. My back doesn't hurt low down, it hurts higher up. " + question
    )
    result = find_matches(story, bundled, index)
    assert result.focus == question
    assert result.matches[0].entry.id == "tight-psoas-mid-back-pain"
    assert result.matches[0].score >= 80
    # the narrative's words the FAQ never uses do not count against the answer
    assert "programmer" not in {e.query_word for e in result.matches[0].evidence}
    assert find_matches(question, bundled, index).focus == ""


def test_siblings_are_told_apart_by_a_paraphrase(bundled, index):
    cases = {
        "my psoas is weakened and my back aches": "weak-psoas-back-pain",
        "tight psoas and pain halfway up my spine": "tight-psoas-mid-back-pain",
        "does a tight psoas give you a hollow back": "psoas-back-pain",
    }
    for query, wanted in cases.items():
        assert find_matches(query, bundled, index).matches[0].entry.id == wanted, query


def test_no_did_you_mean_when_close_answers_cover_the_same_words(bundled, index):
    result = find_matches("why does my lower back hurt", bundled, index)
    assert len(result.matches) == 3 and not result.ambiguous


@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.parametrize("query", ["psoas", "tight psoas mid back", "low back pain"])
def test_the_limit_is_a_ceiling_in_the_json(run, query: str, limit: int):
    result = run("ask", "--json", "--limit", str(limit), "--min-score", "0", query)
    assert len(json.loads(result.stdout)["matches"]) == limit


def test_explain_names_the_sentence_read_and_the_decline_says_why(run):
    story = (
        "I sit at a desk all day and then drive home for an hour, and at the weekend I "
        "cycle a lot. Why do my hip flexors and lower back hurt?"
    )
    result = run("ask", "--explain", "--limit", "1", story)
    assert 'Read as the question: "Why do my hip flexors and lower back hurt?"' in result.stdout
    declined = run("ask", "bursitis in my shoulder")
    assert declined.exit_code == 1 and "Declined because it is about the shoulder" in (
        declined.stderr or declined.output
    )


def test_eval_shows_calibration_and_confusions(run, tmp_path: Path):
    path = tmp_path / "queries.jsonl"
    rows = [
        {"query": "iliopsoas bursitis", "relevant": ["iliopsoas-bursitis-back-pain"]},
        {"query": "weak psoas back pain", "relevant": ["psoas-back-pain"]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    document = json.loads(run("eval", "--json", str(path)).stdout)
    assert sum(band["answers"] for band in document["calibration"]) == 2
    [miss] = document["misses"]
    assert miss["got"] == "weak-psoas-back-pain"
    assert miss["margin"] == pytest.approx(miss["score"] - miss["expected_score"], abs=0.11)
    assert miss["margin"] > 0
    text = run("eval", str(path)).stdout
    assert "Calibration" in text and "ahead of the right entry" in text
