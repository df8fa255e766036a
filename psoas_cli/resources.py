"""Where the bundled data files live.

The top-level ``data/`` folder of the source tree is the source of truth. A built
wheel carries a copy of it inside the package (``psoas_cli/data``), found next to
this module, which is what ``importlib.resources.files`` gives for a package installed
as files (as pip installs it; importing that module would cost a few milliseconds of
every call). An editable install imports the package from the checkout, where that
copy does not exist, so the checkout's own ``data/`` is used; it is preferred
whenever it is present, so a stale copy is never read.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder that holds the bundled dataset, lexicon and red flags."""
    checkout = _PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "data" / "faq.json").is_file():
        return checkout / "data"
    return _PACKAGE_DIR / "data"


def data_file(name: str) -> Path:
    """A bundled data file by name, for example ``data_file("faq.json")``."""
    return data_dir() / name
