"""Measuring answer quality on a file of labelled queries (``psoas eval``).

Each line of the file is ``{"query": str, "relevant": [id or question, ...]}``; an
empty ``relevant`` list means the FAQ has no answer and the query should be declined.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from psoas_cli.analysis import text_key
from psoas_cli.dataset import Dataset, DatasetError, read_text
from psoas_cli.index import Index
from psoas_cli.matcher import DEFAULT_MIN_SCORE, Match, find_matches


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    relevant: tuple[str, ...]


@dataclass(frozen=True)
class Miss:
    """A query answered wrongly, or declined when it had an answer (a confusion)."""

    query: str
    expected: tuple[str, ...]
    got: str | None  # the id of the top answer, or None when declined
    #: the top answer's score, shown or not (None: no entry matched at all)
    score: float | None = None
    #: the best right entry's score (None: no right entry matched, or none expected)
    expected_score: float | None = None

    @property
    def margin(self) -> float | None:
        """By how much the entry that won beat the best right one."""
        if self.score is None or self.expected_score is None:
            return None
        return round(self.score - self.expected_score, 1)


@dataclass(frozen=True)
class Band:
    """The top answers scored from ``low`` up to ``high``, and how many were right."""

    low: float
    high: float
    answers: int
    right: int

    @property
    def share(self) -> float | None:
        return self.right / self.answers if self.answers else None


#: The score bands of the calibration table: what share of top answers scored in each
#: was right.
BANDS = (
    (0.0, 20.0),
    (20.0, 35.0),
    (35.0, 50.0),
    (50.0, 65.0),
    (65.0, 80.0),
    (80.0, 90.0),
    (90.0, 100.0),
)


@dataclass(frozen=True)
class Report:
    """The figures of an evaluation. A share with nothing to measure is None, not 0:
    top-1, top-3 and MRR when no query is to be answered, ``declined`` when none is to
    be declined."""

    queries: int
    in_scope: int
    off_topic: int
    top1: float | None
    top3: float | None
    mrr: float | None
    declined: float | None
    overall: float
    misses: tuple[Miss, ...]
    #: calibration: the top answer of every query (declined ones too), by score band
    bands: tuple[Band, ...] = ()


def load_labelled(path: Path, dataset: Dataset | None = None) -> list[LabelledQuery]:
    """The labelled queries of a JSON Lines file; a broken line is a DatasetError.

    With ``dataset``, every label must name one of its entries, by id or question.
    """
    known = None
    if dataset is not None:
        known = {text_key(e.id) for e in dataset.entries} | {
            text_key(e.question) for e in dataset.entries
        }
    rows = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise DatasetError(f"{where}: invalid JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("query"), str):
            raise DatasetError(f"{where}: needs 'query' text and a 'relevant' list")
        relevant = record.get("relevant")
        if not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant):
            raise DatasetError(f"{where}: 'relevant' must be a list of ids or questions")
        unknown = [r for r in relevant if known is not None and text_key(r) not in known]
        if unknown:
            raise DatasetError(f"{where}: no entry has the id or question {unknown[0]!r}")
        rows.append(LabelledQuery(record["query"], tuple(relevant)))
    if not rows:
        raise DatasetError(f"{path}: no labelled queries")
    return rows


def evaluate(
    rows: Sequence[LabelledQuery],
    dataset: Dataset,
    index: Index,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = 10,
) -> Report:
    """Top-1, top-3, MRR, declined and overall accuracy, with the misses and the
    calibration bands.

    Each query is matched once with no threshold; the answers are those that clear
    ``min_score``, and the bands count every query's top candidate, shown or not.
    """
    in_scope = off_topic = top1 = top3 = declined = 0
    reciprocal = 0.0
    misses = []
    tops: list[tuple[float, bool]] = []
    for row in rows:
        candidates = find_matches(row.query, dataset, index, limit=limit, min_score=0.0).matches
        wanted = {text_key(item) for item in row.relevant}
        right = [
            bool(wanted & {text_key(m.entry.id), text_key(m.entry.question)}) for m in candidates
        ]
        if candidates:
            tops.append((candidates[0].score, right[0]))
        shown = [ok for m, ok in zip(candidates, right, strict=True) if m.score >= min_score]
        top = candidates[0] if shown else None
        if wanted:
            in_scope += 1
            first = shown.index(True) if True in shown else None
            top1 += first == 0
            top3 += first is not None and first < 3
            reciprocal += 1 / (first + 1) if first is not None else 0.0
            if first != 0:
                best_right = next(
                    (m.score for m, ok in zip(candidates, right, strict=True) if ok), None
                )
                misses.append(_miss(row, candidates, best_right, top))
        else:
            off_topic += 1
            declined += not shown
            if shown:
                misses.append(_miss(row, candidates, None, top))
    return Report(
        queries=len(rows),
        in_scope=in_scope,
        off_topic=off_topic,
        top1=_share(top1, in_scope),
        top3=_share(top3, in_scope),
        mrr=_share(reciprocal, in_scope),
        declined=_share(declined, off_topic),
        overall=(top1 + declined) / max(len(rows), 1),
        misses=tuple(misses),
        bands=calibration_bands(tops),
    )


def _share(count: float, out_of: int) -> float | None:
    return count / out_of if out_of else None


def _miss(
    row: LabelledQuery, candidates: Sequence[Match], best_right: float | None, top: Match | None
) -> Miss:
    winner = candidates[0] if candidates else None
    return Miss(
        row.query,
        row.relevant,
        top.entry.id if top else None,
        winner.score if winner else None,
        best_right,
    )


def calibration_bands(tops: Sequence[tuple[float, bool]]) -> tuple[Band, ...]:
    """How many top answers fell in each score band, and how many of them were right."""
    bands = []
    for low, high in BANDS:
        inside = [
            ok for score, ok in tops if low <= score < high or (high == 100.0 and score == high)
        ]
        bands.append(Band(low, high, len(inside), sum(inside)))
    return tuple(bands)
