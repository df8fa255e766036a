"""The cache folder: where it is, how it is made, and when it is trusted."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from psoas_cli.cache import UntrustedCache, cache_dir, check_file, open_folder, trust_problem

needs_posix = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")


@pytest.fixture
def no_cache_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSOAS_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")


# --------------------------------------------------------------------------- where


def test_psoas_cache_dir_comes_first_then_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("PSOAS_CACHE_DIR", "")
    assert cache_dir() == tmp_path / "xdg" / "psoas"
    monkeypatch.delenv("PSOAS_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "psoas"


def test_the_home_cache_on_linux(tmp_path: Path, monkeypatch, no_cache_variables):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == tmp_path / ".cache" / "psoas"


def test_the_home_cache_on_macos(tmp_path: Path, monkeypatch, no_cache_variables):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert cache_dir() == tmp_path / "Library" / "Caches" / "psoas"


@pytest.mark.parametrize("variable", ["XDG_CACHE_HOME", "PSOAS_CACHE_DIR"])
def test_a_relative_cache_variable_is_ignored(
    tmp_path: Path, monkeypatch, no_cache_variables, variable: str
):
    # the XDG spec: "If an implementation encounters a relative path in any of these
    # variables it should consider the path invalid and ignore it."
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(variable, "relative/cache")
    assert cache_dir() == tmp_path / ".cache" / "psoas"


def test_an_empty_home_means_no_cache(monkeypatch, no_cache_variables):
    monkeypatch.setenv("HOME", "")
    assert cache_dir() is None
    assert open_folder() is None


def test_a_relative_home_means_no_cache(monkeypatch, no_cache_variables):
    monkeypatch.setenv("HOME", "somewhere")
    assert cache_dir() is None


# --------------------------------------------------------------------------- making it


@needs_posix
def test_the_folder_and_its_missing_parents_are_made_0700_even_under_umask_000(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "xdg" / "deeper" / "psoas"
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    existing = stat.S_IMODE(tmp_path.stat().st_mode)
    old = os.umask(0)
    try:
        assert open_folder() == folder
    finally:
        os.umask(old)
    for made in (folder, folder.parent, folder.parent.parent):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made
    assert stat.S_IMODE(tmp_path.stat().st_mode) == existing  # an existing parent is left


def test_a_file_in_place_of_the_folder_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(blocker))
    assert open_folder() is None
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(blocker / "below"))
    assert open_folder() is None
    assert blocker.read_text(encoding="utf-8") == "not a folder"


# --------------------------------------------------------------------------- trust


@needs_posix
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702, 0o1777])
def test_a_folder_others_can_write_to_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    with pytest.raises(UntrustedCache, match=f"not using the cache folder {folder}: others can"):
        open_folder()


@needs_posix
@pytest.mark.parametrize("mode", [0o700, 0o755, 0o750])
def test_a_folder_of_ones_own_that_others_cannot_write_to_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
):
    folder = tmp_path / "mine"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    assert open_folder() == folder


@needs_posix
def test_a_folder_of_another_user_is_refused(tmp_path: Path):
    info = os.stat(tmp_path)
    assert trust_problem(info) is None
    assert trust_problem(info, uid=info.st_uid + 1) == "it belongs to another user"


@needs_posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_folder_chowned_to_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, 54321, 54321)
    monkeypatch.setenv("PSOAS_CACHE_DIR", str(folder))
    with pytest.raises(UntrustedCache, match="belongs to another user"):
        open_folder()


def test_a_missing_file_is_none(tmp_path: Path):
    assert check_file(tmp_path / "absent", 100) is None


def test_a_regular_file_of_ones_own_is_checked_without_opening_it(tmp_path: Path):
    path = tmp_path / "store"
    path.write_bytes(b"x" * 10)
    path.chmod(0o600)
    info = check_file(path, 10)
    assert info is not None and info.st_size == 10


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
        (lambda p: os.mkfifo(p), "not a regular file"),
        (lambda p: p.mkdir(), "not a regular file"),
        (lambda p: (p.write_bytes(b"x" * 11), p.chmod(0o600)), "larger than"),
        (lambda p: (p.write_bytes(b""), p.chmod(0o620)), "others can write"),
        (lambda p: (p.write_bytes(b""), p.chmod(0o666)), "others can write"),
    ],
    ids=["symlink-to-a-device", "fifo", "folder", "too-large", "group-writable", "world-writable"],
)
def test_a_file_that_is_not_safe_to_open_is_refused(tmp_path: Path, make, reason: str):
    path = tmp_path / "store"
    make(path)
    with pytest.raises(UntrustedCache, match=reason):
        check_file(path, 10)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs mknod")
def test_a_device_is_refused(tmp_path: Path):
    path = tmp_path / "zero"
    os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # what /dev/zero is
    with pytest.raises(UntrustedCache, match="not a regular file"):
        check_file(path, 10)
