"""``psoas tip``: a random entry, repeatable with a seed."""

from __future__ import annotations

import random

import pytest

from psoas_cli.dataset import Dataset, Entry
from psoas_cli.tips import TipError, pick_tip


@pytest.mark.parametrize("seed", [0, 1, 7, 2**40, -3])
def test_the_same_seed_picks_the_same_entry(bundled: Dataset, seed: int) -> None:
    first = pick_tip(bundled, seed)
    assert first in bundled.entries
    assert all(pick_tip(bundled, seed) == first for _ in range(5))


def test_seeds_reach_many_entries(bundled: Dataset) -> None:
    picked = {pick_tip(bundled, seed).id for seed in range(200)}
    assert len(picked) == len(bundled.entries)


def test_without_a_seed_the_pick_varies(bundled: Dataset) -> None:
    picked = {pick_tip(bundled, None).id for _ in range(60)}
    assert len(picked) > 1
    assert picked <= {e.id for e in bundled.entries}


def test_the_global_generator_is_left_alone(bundled: Dataset) -> None:
    random.seed(5)
    expected = random.random()
    random.seed(5)
    pick_tip(bundled, 3)
    pick_tip(bundled, None)
    assert random.random() == expected


def test_a_single_entry_is_always_the_tip() -> None:
    only = Entry("only", "Q?", "A.")
    assert pick_tip(Dataset(entries=(only,)), 99) == only


def test_an_empty_dataset_has_no_tip() -> None:
    with pytest.raises(TipError, match="no entries"):
        pick_tip(Dataset(entries=()), 1)
