"""``psoas tip``: one entry of the FAQ at random, the same one again for the same seed."""

from __future__ import annotations

import random

from psoas_cli.dataset import Dataset, Entry
from psoas_cli.errors import PsoasError


class TipError(PsoasError, ValueError):
    """No tip can be picked (the dataset has no entries), fit to show a user."""


def pick_tip(dataset: Dataset, seed: int | None = None) -> Entry:
    """An entry at random; a seed makes the pick repeatable (for scripts and tests).

    A private :class:`random.Random` is used so the pick does not disturb, or depend on,
    the global generator.
    """
    if not dataset.entries:
        raise TipError("this dataset has no entries to pick a tip from")
    return random.Random(seed).choice(dataset.entries)
