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
from psoas_cli.matcher import DEFAULT_MIN_SCORE, find_matches


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    relevant: tuple[str, ...]


@dataclass(frozen=True)
class Miss:
    query: str
    expected: tuple[str, ...]
    got: str | None  # the id of the top answer, or None when declined


@dataclass(frozen=True)
class Report:
    queries: int
    in_scope: int
    off_topic: int
    top1: float
    top3: float
    mrr: float
    declined: float
    overall: float
    misses: tuple[Miss, ...]


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
    """Top-1, top-3, MRR, declined and overall accuracy, with the misses."""
    in_scope = off_topic = top1 = top3 = declined = 0
    reciprocal = 0.0
    misses = []
    for row in rows:
        result = find_matches(row.query, dataset, index, limit=limit, min_score=min_score)
        got = [{text_key(m.entry.id), text_key(m.entry.question)} for m in result.matches]
        top = result.matches[0].entry.id if result.matches else None
        wanted = {text_key(item) for item in row.relevant}
        if wanted:
            in_scope += 1
            ranks = [rank for rank, keys in enumerate(got) if keys & wanted]
            first = ranks[0] if ranks else None
            top1 += first == 0
            top3 += first is not None and first < 3
            reciprocal += 1 / (first + 1) if first is not None else 0.0
            if first != 0:
                misses.append(Miss(row.query, row.relevant, top))
        else:
            off_topic += 1
            declined += not got
            if got:
                misses.append(Miss(row.query, (), top))
    scope = max(in_scope, 1)
    return Report(
        queries=len(rows),
        in_scope=in_scope,
        off_topic=off_topic,
        top1=top1 / scope,
        top3=top3 / scope,
        mrr=reciprocal / scope,
        declined=declined / max(off_topic, 1),
        overall=(top1 + declined) / max(len(rows), 1),
        misses=tuple(misses),
    )
