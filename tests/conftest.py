"""Shared fixtures: a CLI runner with a fixed width and no colour, and FAQ files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psoas_cli.cli import app
from psoas_cli.dataset import load_bundled

PLAIN_ENV: dict[str, str | None] = {"NO_COLOR": "1", "COLUMNS": "80", "FORCE_COLOR": None}


class Runner:
    """Runs ``psoas`` in-process, as a pipe would see it: no terminal, no colour."""

    def __init__(self, env: dict[str, str | None]) -> None:
        self.runner = CliRunner()
        self.env = env

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str | None] | None = None
    ):
        return self.runner.invoke(app, list(args), input=input, env={**self.env, **(env or {})})


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    monkeypatch.delenv("PSOAS_DATA", raising=False)
    monkeypatch.delenv("PSOAS_REGION", raising=False)
    return Runner({**PLAIN_ENV, "PSOAS_CACHE_DIR": str(tmp_path / "cache")})


@pytest.fixture(scope="session")
def bundled():
    return load_bundled()


@pytest.fixture
def small_faq(tmp_path: Path) -> Path:
    """A user's own FAQ in JSON Lines, about something other than backs."""
    rows = [
        {
            "id": "kettle-descale",
            "question": "How do I descale a kettle?",
            "answer": "Boil a mix of water and vinegar, leave it an hour, then rinse.",
            "topics": ["kitchen"],
        },
        {
            "id": "bike-chain",
            "question": "How often should I oil my bike chain?",
            "answer": "Every few hundred kilometres, or after riding in the rain.",
        },
        {
            "question": "Why does my sourdough not rise?",
            "answer": "The starter may be weak; feed it twice a day for a week.",
            "extra": 1,
        },
    ]
    path = tmp_path / "faq.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path
