"""The dataset: entries and exercises, loaded and checked.

The bundled dataset lives in ``data/faq.json`` and ``data/exercises.json``. A user's
own FAQ can be a JSON array, JSON Lines, or CSV with ``question`` and ``answer``
columns; ``id``, ``topics`` and ``phrasings`` are optional and other keys are ignored.
Every problem is raised as :class:`DatasetError` with a message that names the file
and, where it applies, the line or entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

from psoas_cli.errors import PsoasError
from psoas_cli.resources import data_file


class DatasetError(PsoasError):
    """A dataset file that cannot be used, with a message fit to show a user."""


# The value types are NamedTuples rather than frozen dataclasses: as immutable and as
# readable, but defining one costs a sixth of a dataclass at import time, and import
# time is most of what a ``psoas ask`` costs (see benchmarks/startup.py).


class Entry(NamedTuple):
    id: str
    question: str
    answer: str
    topics: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()


class Exercise(NamedTuple):
    id: str
    name: str
    steps: tuple[str, ...]
    source_id: str
    sides: tuple[str, ...] = ()


class Dataset:
    """The entries of one FAQ and, for the bundled one, its exercises.

    ``entries`` is any sequence of entries; a large FAQ read back from the index store
    passes one that makes each entry when it is first asked for (see
    :class:`LazyEntries`), with ``numbers`` (id -> entry number) read one id at a time,
    so that nothing is made up front.
    """

    __slots__ = ("entries", "exercises", "source", "_numbers")

    def __init__(
        self,
        entries: Sequence[Entry],
        exercises: tuple[Exercise, ...] = (),
        source: str = "bundled",
        numbers: Mapping[str, int] | None = None,
    ) -> None:
        self.entries = entries
        self.exercises = exercises
        self.source = source
        if numbers is None:
            numbers = {entry.id: number for number, entry in enumerate(entries)}
        self._numbers = numbers

    def __repr__(self) -> str:
        return f"Dataset({len(self.entries)} entries from {self.source})"

    @property
    def ids(self) -> list[str]:
        """Every entry's id, in order, without making lazily read entries."""
        return list(self._numbers)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id; ignoring case when only one id matches that way."""
        number = self._numbers.get(entry_id)
        if number is None:
            folded = [
                n for key, n in self._numbers.items() if key.casefold() == entry_id.casefold()
            ]
            number = folded[0] if len(folded) == 1 else None
        return None if number is None else self.entries[number]

    @property
    def topics(self) -> list[str]:
        """Every topic used by some entry, in order of first use."""
        return list(dict.fromkeys(topic for entry in self.entries for topic in entry.topics))


class LazyEntries(Sequence[Entry]):
    """Entries made one at a time, when first asked for, by ``make(number)``; going
    through all of them reads them in one go with ``every()``, if given, and keeps none."""

    def __init__(
        self,
        count: int,
        make: Callable[[int], Entry],
        every: Callable[[], Iterator[Entry]] | None = None,
    ) -> None:
        self._count = count
        self._make = make
        self._every = every
        self._made: dict[int, Entry] = {}

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Entry]:
        if self._every is None:
            return (self[number] for number in range(self._count))
        return self._every()

    @overload
    def __getitem__(self, number: int) -> Entry: ...

    @overload
    def __getitem__(self, number: slice) -> list[Entry]: ...

    def __getitem__(self, number: int | slice) -> Entry | list[Entry]:
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(self._count))]
        if number < 0:
            number += self._count
        if not 0 <= number < self._count:
            raise IndexError(number)
        entry = self._made.get(number)
        if entry is None:
            entry = self._made[number] = self._make(number)
        return entry


def slugify(text: str, max_words: int = 8) -> str:
    """A readable id made from a question: lower case ASCII words joined by hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words]) or "entry"


# --- the bundled dataset -------------------------------------------------------------


def load_bundled() -> Dataset:
    """The 12 questions and answers shipped with the tool, and their exercises."""
    faq_path = data_file("faq.json")
    entries = _entries_from_records(_json_array(faq_path), faq_path, require_ids=True)
    exercises_path = data_file("exercises.json")
    exercises = _exercises_from_records(_json_array(exercises_path), exercises_path, entries)
    return Dataset(entries=entries, exercises=exercises, source="bundled")


def _exercises_from_records(
    records: list[tuple[str, Any]], path: Path, entries: tuple[Entry, ...]
) -> tuple[Exercise, ...]:
    known = {entry.id for entry in entries}
    exercises: list[Exercise] = []
    seen: set[str] = set()
    for where, record in records:
        if not isinstance(record, dict):
            raise DatasetError(f"{path}: {where}: expected an object")
        for key in ("id", "name", "steps", "source_id"):
            if key not in record:
                raise DatasetError(f"{path}: {where}: missing {key!r}")
        steps = record["steps"]
        if not isinstance(steps, list) or not steps or not all(_is_text(s) for s in steps):
            raise DatasetError(f"{path}: {where}: 'steps' must be a non-empty list of text")
        if record["id"] in seen:
            raise DatasetError(f"{path}: {where}: duplicate id {record['id']!r}")
        if record["source_id"] not in known:
            raise DatasetError(f"{path}: {where}: unknown source_id {record['source_id']!r}")
        seen.add(record["id"])
        exercises.append(
            Exercise(
                id=record["id"],
                name=record["name"],
                steps=tuple(steps),
                source_id=record["source_id"],
                sides=tuple(record.get("sides", ())),
            )
        )
    return tuple(exercises)


# --- a user's own FAQ file -----------------------------------------------------------


#: The largest FAQ file read; beyond it (or from an endless device) the tool stops.
MAX_FILE_BYTES = 256 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a DatasetError saying why it cannot be read."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise DatasetError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB")
        return raw
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise DatasetError(f"{path}: cannot read: {error.strerror or error}") from None


def read_text(path: Path) -> str:
    """The file's text, or a DatasetError saying why it cannot be read."""
    return decode(read_bytes(path), path)


def decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DatasetError(
            f"{path}: line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None


def open_dataset(data: str | Path | None) -> Dataset:
    """The dataset to use: the user's file when one is given, else the bundled one."""
    return load_file(data) if data else load_bundled()


def load_file(path: str | Path) -> Dataset:
    """A user's FAQ file: JSON array, JSON Lines or CSV."""
    path = Path(path)
    return parse_text(read_text(path), path)


def parse_text(text: str, path: Path) -> Dataset:
    """Entries from a file's text; the format comes from the extension or the content."""
    if not text.strip():
        raise DatasetError(f"{path}: the file is empty")
    fmt = _detect_format(text, path)
    if fmt == "csv":
        records = list(_csv_records(text, path))
    elif fmt == "jsonl":
        records = _jsonl_records(text, path)
    else:
        records = _json_array_records(text, path)
    if not records:
        raise DatasetError(f"{path}: the file holds no entries")
    if fmt != "csv" and _SURROGATE_ESCAPE.search(text):
        records = [(where, _without_lone_surrogates(record)) for where, record in records]
    return Dataset(entries=_entries_from_records(records, path), source=str(path))


#: JSON can spell half of a surrogate pair on its own ("\ud83d"), a character that no
#: UTF-8 output (a terminal, the index store) can carry. It is replaced by U+FFFD, as a
#: byte that is not UTF-8 would be. UTF-8 text itself cannot hold one, so only a file
#: with such an escape is searched.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(record: Any) -> Any:
    """The record with every lone surrogate replaced in its text values and their lists
    (the only values an entry reads)."""
    if not isinstance(record, dict):
        return record
    return {key: _replace_surrogates(value) for key, value in record.items()}


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for v in value]
    return value


def _detect_format(text: str, path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    first = text.lstrip()[:1]
    if first == "[" or suffix == ".json" and first == "{" and not _several_lines_of_json(text):
        return "json"
    if first == "{":
        # one object spread over several lines is one JSON document, whatever the name
        return "json" if _one_json_document(text) else "jsonl"
    return "json" if suffix == ".json" else "csv"


def _one_json_document(text: str) -> bool:
    """Whether the whole text is one JSON value (it fails fast on JSON Lines: the
    first object ends before the text does)."""
    try:
        json.loads(text)
    except (RecursionError, json.JSONDecodeError):
        return False
    return "\n" in text.strip()


def _several_lines_of_json(text: str) -> bool:
    """Whether text is JSON Lines (one object per line) rather than one JSON document."""
    try:
        json.loads(text)
    except RecursionError:
        return False
    except json.JSONDecodeError as error:
        return error.msg == "Extra data"
    return False


def _json_array(path: Path) -> list[tuple[str, Any]]:
    return _json_array_records(read_text(path), path)


def _json_array_records(text: str, path: Path) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise DatasetError(f"{path}: the JSON is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise DatasetError(
            f"{path}: line {error.lineno} column {error.colno}: invalid JSON ({error.msg})"
        ) from None
    if isinstance(data, dict) and "question" in data:
        data = [data]
    elif isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), list):
        data = next(iter(data.values()))
    if not isinstance(data, list):
        raise DatasetError(f"{path}: expected a JSON array of objects with question and answer")
    return [(f"entry {number}", record) for number, record in enumerate(data, start=1)]


def _jsonl_records(text: str, path: Path) -> list[tuple[str, Any]]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", json.loads(line)))
        except RecursionError:
            raise DatasetError(f"{path}: line {number}: nested too deeply") from None
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path}: line {number}: invalid JSON ({error.msg})") from None
    return records


def _csv_records(text: str, path: Path) -> Iterator[tuple[str, Any]]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if "question" not in header or "answer" not in header:
        raise DatasetError(f"{path}: CSV needs a header row with 'question' and 'answer' columns")
    reader.fieldnames = header
    try:
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            record = {key: value for key, value in row.items() if key}
            if isinstance(record.get("topics"), str):
                record["topics"] = [t.strip() for t in record["topics"].split(";") if t.strip()]
            yield f"line {reader.line_num}", record
    except csv.Error as error:
        raise DatasetError(f"{path}: line {reader.line_num}: invalid CSV ({error})") from None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_list(value: Any, key: str, path: Path, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DatasetError(f"{path}: {where}: {key!r} must be a list of text")
    return tuple(item.strip() for item in value if item.strip())


def _entries_from_records(
    records: Iterable[tuple[str, Any]], path: Path, require_ids: bool = False
) -> tuple[Entry, ...]:
    records = list(records)
    for where, record in records:
        if not isinstance(record, dict):
            raise DatasetError(f"{path}: {where}: expected an object with question and answer")
    # Ids a file gives are taken first, so that one made from a question never takes
    # an id that a later entry asks for.
    given = [_given_id(record, path, where) for where, record in records]
    first_use: dict[str, str] = {}
    for (where, _), entry_id in zip(records, given, strict=True):
        if entry_id is None:
            continue
        if entry_id in first_use:
            raise DatasetError(
                f"{path}: {where}: duplicate id {entry_id!r} (first used at {first_use[entry_id]})"
            )
        first_use[entry_id] = where
    entries: list[Entry] = []
    for (where, record), entry_id in zip(records, given, strict=True):
        question, answer = record.get("question"), record.get("answer")
        for key, value in (("question", question), ("answer", answer)):
            if value is None:
                raise DatasetError(f"{path}: {where}: missing {key!r}")
        if require_ids and record.get("id") is None:
            raise DatasetError(f"{path}: {where}: missing 'id'")
        for key, value in (("question", question), ("answer", answer)):
            if not isinstance(value, str):
                raise DatasetError(f"{path}: {where}: {key!r} must be text")
        question, answer = _tidy_text(question), _tidy_text(answer)
        if not question:
            raise DatasetError(f"{path}: {where}: empty question")
        if not answer:
            raise DatasetError(f"{path}: {where}: empty answer")
        if entry_id is None:
            entry_id = _unique(slugify(question), first_use)
            first_use[entry_id] = where
        topics, phrasings = record.get("topics"), record.get("phrasings")
        entries.append(
            Entry(
                entry_id,
                question,
                answer,
                () if topics is None else _text_list(topics, "topics", path, where),
                () if phrasings is None else _text_list(phrasings, "phrasings", path, where),
            )
        )
    return tuple(entries)


def _given_id(record: dict[str, Any], path: Path, where: str) -> str | None:
    """The entry's own id; None when it has none (a blank CSV cell is none)."""
    value = record.get("id")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DatasetError(f"{path}: {where}: 'id' must be text or a whole number")
    return str(value).strip()


def _tidy_text(text: str) -> str:
    """Text without outer space, with Windows and old Mac line ends made plain."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _unique(slug: str, taken: dict[str, str]) -> str:
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"
