"""The bound on what psoas reads as a question, and reading input within it.

A query (given as words, or read with ``ask -``), a line of ``ask --batch`` and a line
of ``chat`` may hold at most :data:`MAX_QUERY` characters: far more than any question,
and little enough to match in a moment. Longer is a usage error (exit code 2), found
without holding more than the bound in memory, so ``psoas ask - < /dev/zero`` ends at
once and a 20 MB line costs the time it takes to read past it. A line that goes on
past :data:`MAX_SKIPPED` (endless input, such as ``/dev/zero``) ends the reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from psoas_cli.errors import PsoasError

MAX_QUERY = 10_000
#: An overlong line is read past, so that the lines after it are answered, up to this
#: many characters (some 10 ms of reading); past that, reading stops.
MAX_SKIPPED = 32 * 2**20
#: characters read at a time when passing over the rest of an overlong line
_SKIP = 1 << 16


class QueryTooLong(PsoasError):
    """A query or an input line longer than :data:`MAX_QUERY` characters."""

    def __init__(self, what: str = "the query", then: str = "ask a shorter question") -> None:
        super().__init__(f"{what} is longer than {MAX_QUERY:,} characters; {then}")


def check_length(text: str, what: str = "the query", then: str = "ask a shorter question") -> str:
    """``text`` itself, if it is within the bound."""
    if len(text) > MAX_QUERY:
        raise QueryTooLong(what, then)
    return text


def read_query(stream: TextIO) -> str:
    """All of ``stream`` (``ask -``), reading one character past the bound at most."""
    try:
        text = stream.read(MAX_QUERY + 1)
    except OSError as error:  # a folder given as stdin, a device that fails
        raise PsoasError(f"cannot read the query from stdin: {error.strerror}") from None
    return check_length(text)


def read_lines(stream: TextIO) -> Iterator[str | None]:
    """Each line of ``stream`` without its line end; None for a line over the bound,
    which is read past without being kept. A line longer than :data:`MAX_SKIPPED`
    raises :class:`EndlessLine` after its None."""
    number = 0
    while True:
        number += 1
        try:
            line = stream.readline(MAX_QUERY + 2)  # room for "\r\n"
            ended = line.endswith("\n")
            endless = not ended and len(line) > MAX_QUERY and not _skip_line(stream)
        except OSError as error:
            raise PsoasError(f"cannot read stdin: {error.strerror}") from None
        if not line:
            return
        text = line.rstrip("\r\n") if ended else line
        yield text if len(text) <= MAX_QUERY else None
        if endless:
            raise EndlessLine(number)


class EndlessLine(PsoasError):
    """A line that goes on past :data:`MAX_SKIPPED`: nothing after it is read."""

    def __init__(self, number: int) -> None:
        size = f"{MAX_SKIPPED // 2**20} MiB"
        super().__init__(f"line {number} goes on for more than {size}; stopped reading")


def _skip_line(stream: TextIO) -> bool:
    """Read to the end of the line; False if it goes on past :data:`MAX_SKIPPED`."""
    skipped = 0
    while skipped < MAX_SKIPPED:
        rest = stream.readline(_SKIP)
        if not rest or rest.endswith("\n"):
            return True
        skipped += len(rest)
    return False
