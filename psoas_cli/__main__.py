"""The ``psoas`` command's entry point, also run by ``python -m psoas_cli``.

Every run ends in :func:`leave`: the output is flushed, a failure to write it becomes
exit code 74 or 141 (see :class:`psoas_cli.errors.ExitCode`), and the process exits.
``psoas --version`` is answered here, before Typer and the command tree are imported:
for that call start-up is the whole cost.
"""

import io
import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing would cost --version 3 ms
if TYPE_CHECKING:
    from typing import NoReturn


def main() -> "NoReturn":
    """The ``psoas`` command."""
    standard_streams()
    if sys.argv[1:] in (["--version"], ["-V"]):
        code = _version()
    else:
        from psoas_cli.cli import cli

        code = cli()
    leave(code)


def _version() -> int:
    from psoas_cli import __version__
    from psoas_cli.errors import output_failure

    try:
        sys.stdout.write(f"psoas {__version__}\n")
    except OSError as error:
        return output_failure(error)
    return 0


def leave(code: int) -> "NoReturn":
    """Flush the output and exit with ``code``, or with 74 or 141 if the output could
    not be written."""
    from psoas_cli.errors import ExitCode, output_failure

    if code not in (ExitCode.CANNOT_WRITE, ExitCode.BROKEN_PIPE):  # else already said
        try:
            sys.stdout.flush()
        except OSError as error:
            code = output_failure(error)
    try:
        sys.stderr.flush()
    except OSError:
        pass  # nothing left to say it with; the exit code stands
    # Everything is written: the interpreter's own clean-up (freeing every object of
    # Typer, Click and psoas) would only add 10-15 ms to the wait.
    os._exit(code)


def standard_streams() -> None:
    """Make stdin, stdout and stderr safe to use, whatever the shell gave.

    Bytes that are not UTF-8, in or out, become the replacement character, never a
    traceback. A stream the shell closed (``>&-``) is opened on the null device, so
    that no file psoas opens later takes its number and receives what was meant for
    it; writing to a closed stdout then fails as it would have (exit 74), and a closed
    stderr takes messages nowhere, so an error never goes to stdout.
    """
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        stream = getattr(sys, name)
        if stream is None:  # Python found the descriptor closed at start
            setattr(sys, name, _on_null_device(number))
        elif hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if isinstance(getattr(sys.stdout, "buffer", None), io.RawIOBase):
        # Unbuffered (PYTHONUNBUFFERED=1, python -u): Python's text layer silently drops
        # what a short write to a closing pipe did not take, so the broken pipe would
        # never show. A buffered layer writes on until it does; flushed at each line.
        sys.stdout = open(  # noqa: SIM115
            sys.stdout.fileno(),
            "w",
            encoding=sys.stdout.encoding,
            errors="replace",
            buffering=1,  # line by line
            closefd=False,
        )


def _on_null_device(number: int) -> object:
    null = os.open(os.devnull, os.O_RDWR)
    if null != number:
        os.dup2(null, number)
        os.close(null)
    if number == 1:
        return _ClosedOutput()
    mode = "r" if number == 0 else "w"
    return open(number, mode, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


class _ClosedOutput(io.TextIOBase):
    """stdout when the shell closed it: every write fails, as on the closed descriptor."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "stdout is closed")

    def isatty(self) -> bool:
        return False


if __name__ == "__main__":
    main()
