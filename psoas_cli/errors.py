"""The errors a user can cause, and the exit codes every way out of psoas ends with.

Only the standard library is imported here: ``psoas --version`` leaves through
:func:`output_failure` too, before Typer is imported.
"""

import errno
import sys
from enum import IntEnum


class PsoasError(Exception):
    """Something a user typed or supplied that cannot be used; the message says what."""


class ExitCode(IntEnum):
    """Every exit code of psoas; the README's table lists the same."""

    OK = 0
    #: no confident answer, or no entry with that id or topic
    NOT_FOUND = 1
    #: a usage error: a bad option, an empty or overlong query, an unusable data file
    USAGE = 2
    #: the output could not be written (a full disk, a closed stdout); EX_IOERR of sysexits.h
    CANNOT_WRITE = 74
    #: Ctrl-C: 128 + SIGINT, as a shell reports a program the signal ended
    INTERRUPTED = 130
    #: the reader of the output went away: 128 + SIGPIPE
    BROKEN_PIPE = 141
    #: stopped by SIGTERM, after cleaning up as for Ctrl-C: 128 + SIGTERM
    TERMINATED = 143


class OutputClosed(Exception):
    """The reader of stdout went away. Not an OSError: Typer turns a broken pipe into
    exit code 1, which a script would read as "no answer"."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised wherever the program is. A KeyboardInterrupt, so that whatever
    cleans up after Ctrl-C (the routine's cursor, the indexing child) does so for it."""


#: errno values of a write that failed for good; a broken pipe (EPIPE) is apart.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF})


def output_failure(error: OSError) -> ExitCode:
    """The exit code for stdout that could not be written, said in one line on stderr.

    A broken pipe is said nowhere: the reader is gone, as a shell pipeline expects
    of a program the pipe signal would have ended.
    """
    if isinstance(error, BrokenPipeError):
        return ExitCode.BROKEN_PIPE
    reason = error.strerror or str(error)
    warn(f"psoas: cannot write the output: {reason}")
    return ExitCode.CANNOT_WRITE


def warn(line: str) -> None:
    """One line on stderr, at best: when stderr itself is closed or full, the exit
    code still says what happened."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
