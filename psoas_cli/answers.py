"""Answering one question: the matches, the red flags and the "See also" entries.

``psoas ask`` and ``psoas chat`` both answer through :func:`answer_query`, so they
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

from psoas_cli.matcher import SearchResult, find_matches, related_for_matches
from psoas_cli.triage import Triage, triage

if TYPE_CHECKING:
    from psoas_cli.dataset import Dataset, Entry
    from psoas_cli.index import Index
    from psoas_cli.triage import RedFlag

NO_TRIAGE = Triage([], [], {})


class Answer(NamedTuple):
    result: SearchResult
    #: the red flags of the query and the findings behind them
    triage: Triage
    #: answer id -> its "See also" entries
    related: dict[str, list[Entry]]

    @property
    def flags(self) -> list[RedFlag]:
        return self.triage.flags

    @property
    def answered(self) -> bool:
        """Whether something useful was said: an answer or a warning."""
        return bool(self.result.matches or self.flags)


def answer_query(
    query: str,
    dataset: Dataset,
    index: Index,
    limit: int,
    min_score: float,
    highlight: bool = False,
    not_related: Collection[str] = (),
) -> Answer:
    """Everything psoas says about ``query``; ``not_related`` are ids already offered."""
    result = find_matches(query, dataset, index, limit, min_score, highlight=highlight)
    found = triage(query) if query.strip() else NO_TRIAGE
    related = related_for_matches(result.matches, dataset, index, not_related)
    return Answer(result, found, related)
