"""The cache folder: where psoas keeps its index store, and whether it may use it.

The folder is ``$PSOAS_CACHE_DIR``, else ``$XDG_CACHE_HOME/psoas``, else the
platform's user cache folder (``~/.cache/psoas`` on Linux). As the XDG Base Directory
spec says, a relative path in either variable is ignored; and an empty ``HOME`` means
no cache at all, never one under the root or the current folder.

The trust rules are those ssh and gpg apply to their own folders. The folder is
created 0700, whatever the umask. A folder or file that belongs to another user, or
that group or others may write to, is not used: whoever can write to it could make
psoas answer with their words. Only regular files are opened (never a FIFO, a device
or a symbolic link), up to a size bound. A cache that cannot be used is never an
error: the answer comes from the data file, with one short note when the cache was
refused rather than missing.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path


class UntrustedCache(Exception):
    """The cache folder or a file in it is not safe to use; the message says why."""


def cache_dir() -> Path | None:
    """Where the cache folder is, or None when there is nowhere to put one."""
    override = absolute_path(os.environ.get("PSOAS_CACHE_DIR"))
    if override is not None:
        return override
    xdg = absolute_path(os.environ.get("XDG_CACHE_HOME"))
    if xdg is not None:
        return xdg / "psoas"
    if sys.platform == "win32":
        local = absolute_path(os.environ.get("LOCALAPPDATA"))
        return local / "psoas" / "Cache" if local is not None else None
    home = home_dir()
    if home is None:
        return None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "psoas"
    return home / ".cache" / "psoas"


def absolute_path(value: str | None) -> Path | None:
    """The path an environment variable names, if it is absolute (XDG: a relative
    path is ignored)."""
    return Path(value) if value and os.path.isabs(value) else None


def home_dir() -> Path | None:
    """The user's home; None when ``HOME`` is set empty (or relative): no folder then."""
    if "HOME" in os.environ:
        return absolute_path(os.environ["HOME"])
    try:
        return Path.home()  # from the password database
    except (RuntimeError, KeyError):
        return None


def open_folder() -> Path | None:
    """The cache folder, made 0700 if it is missing; None when there is none or it cannot
    be made (a read-only disk, a file in its place).

    Raises :class:`UntrustedCache` when it exists but is not safe to use.
    """
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return trusted_folder(folder)
    except UntrustedCache as problem:
        raise UntrustedCache(f"not using the cache folder {folder}: {problem}") from None


def trusted_folder(folder: Path) -> Path | None:
    """``folder``, made 0700 if it is missing; None when it cannot be made or is not a
    folder. Raises :class:`UntrustedCache`, saying why, when it is not safe to use."""
    try:
        _make_folder(folder)
        info = os.stat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    problem = trust_problem(info)
    if problem:
        raise UntrustedCache(problem)
    return folder


def _make_folder(folder: Path) -> None:
    """Make the folder and any missing parent 0700 (the XDG spec asks it of the parents
    too); mkdir's mode is narrowed by the umask, never widened."""
    missing = []
    for path in (folder, *folder.parents):
        if os.path.lexists(path):
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass  # made at the same moment by another psoas


def trust_problem(info: os.stat_result, uid: int | None = None) -> str | None:
    """Why a folder or file with this status is not safe to use, or None if it is.

    ``uid`` is the user who must own it, by default the one running psoas.
    """
    if uid is None:
        if not hasattr(os, "getuid"):
            return None  # Windows: no POSIX owner and mode to check
        uid = os.getuid()
    if info.st_uid != uid:
        return "it belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "others can write to it"
    return None


def check_file(path: Path, limit: int) -> os.stat_result | None:
    """The status of a file psoas keeps in its (trusted) cache folder, if it may be
    opened; None when it is missing.

    Raises :class:`UntrustedCache` when it is not a regular file, not safe to use (see
    :func:`trust_problem`) or larger than ``limit`` bytes. The file is not opened here:
    a FIFO would block and a device would read forever.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UntrustedCache(f"not using {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UntrustedCache(f"not using {path}: it is not a regular file")
    problem = trust_problem(info)
    if problem:
        raise UntrustedCache(f"not using {path}: {problem}")
    if info.st_size > limit:
        raise UntrustedCache(f"not using {path}: it is larger than {limit // 2**20} MB")
    return info
