"""Chat's history: the lines typed in earlier sessions, for the arrow keys to recall.

The file is ``chat_history`` in the state folder, ``$XDG_STATE_HOME/psoas``, else
``~/.local/state/psoas``. As for the cache folder (:mod:`psoas_cli.cache`), a relative
``XDG_STATE_HOME`` is ignored and an empty ``HOME`` means no history at all; the
folder (and any missing parent) is made 0700, and the folder or the file is not used
when it belongs to another user or others may write to it. Only a regular file is
read, never a FIFO, a device or a symbolic link, and none larger than
:data:`MAX_BYTES`; the file is written 0600, whole, in place of the old one.

Nothing here raises: a history that cannot be read or kept leaves the session as it
would be without one, with at most one line said about why.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from psoas_cli.cache import (
    UntrustedCache,
    absolute_path,
    check_file,
    home_dir,
    trust_problem,
    trusted_folder,
)
from psoas_cli.limits import MAX_QUERY

FILE_NAME = "chat_history"
#: the most recent lines kept
MAX_LINES = 1000
#: a larger file is not read (a thousand lines of ordinary questions take some 50 KB)
MAX_BYTES = 2**20


def state_dir() -> Path | None:
    """Where the state folder is, or None when there is nowhere to put one."""
    xdg = absolute_path(os.environ.get("XDG_STATE_HOME"))
    if xdg is not None:
        return xdg / "psoas"
    home = home_dir()
    return None if home is None else home / ".local" / "state" / "psoas"


def history_file(notice: Callable[[str], None]) -> Path | None:
    """The history file to read and keep, its folder made if missing; None when there
    is none, or when it may not be used (``notice`` is told why, in one line)."""
    if sys.platform == "win32":
        return None  # no readline to recall lines with
    folder = state_dir()
    if folder is None:
        return None
    try:
        if trusted_folder(folder) is None:
            return None
    except UntrustedCache as problem:
        notice(f"psoas: not keeping the chat history in {folder}: {problem}")
        return None
    path = folder / FILE_NAME
    try:
        check_file(path, MAX_BYTES)
    except UntrustedCache as refused:
        notice(f"psoas: {refused}")
        return None
    return path


def read_history(path: Path) -> list[str]:
    """The lines kept in ``path`` (none if it is missing or cannot be read)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return []
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or trust_problem(info):
            return []  # replaced since it was checked
        raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return []
    lines = raw.decode("utf-8", "replace").splitlines()
    return [line for line in lines if line.strip() and len(line) <= MAX_QUERY][-MAX_LINES:]


def write_history(path: Path, lines: Iterable[str]) -> bool:
    """Keep the last :data:`MAX_LINES` of ``lines`` in ``path``, 0600, replacing it in
    one step; False if it could not be written."""
    kept = [line for line in lines if line.strip() and len(line) <= MAX_QUERY and "\n" not in line]
    data = "".join(line + "\n" for line in kept[-MAX_LINES:]).encode("utf-8", "replace")
    while len(data) > MAX_BYTES:  # only lines near the bound could do this
        data = data[data.index(b"\n") + 1 :]
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        descriptor = os.open(
            partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(partial, path)
    except OSError:
        try:
            os.unlink(partial)
        except OSError:
            pass
        return False
    return True
