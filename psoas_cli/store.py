"""Opening a dataset and its index: the bundled one, or a user's file.

Indexes are kept in the cache between calls (see :mod:`psoas_cli.cache`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from psoas_cli.dataset import Dataset, load_bundled, load_file

if TYPE_CHECKING:
    from psoas_cli.cache import ProgressFactory
    from psoas_cli.index import Index


def open_dataset(data: str | Path | None) -> Dataset:
    """The dataset to use: the user's file when one is given, else the bundled one."""
    return load_file(Path(data)) if data else load_bundled()


def open_indexed(
    data: str | Path | None, progress: ProgressFactory | None = None
) -> tuple[Dataset, Index]:
    """The dataset and an index over it, ready for :func:`psoas_cli.matcher.find_matches`.

    ``progress`` is told when a large file is indexed (see :mod:`psoas_cli.cache`).
    """
    from psoas_cli.cache import load_bundled_indexed, load_indexed

    return load_indexed(Path(data), progress) if data else load_bundled_indexed()
