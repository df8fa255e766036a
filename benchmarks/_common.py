"""Helpers shared by the benchmark scripts: finding the tools, running them, reporting.

Standard library only, so a benchmark runs in any venv the project is installed into.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"

#: Variables that would change what the measured commands do; they are removed from the
#: environment of every measured process so a figure does not depend on the caller's shell.
_CLEARED = (
    "FORCE_COLOR",
    "NO_COLOR",
    "PSOAS_DATA",
    "PSOAS_REGION",
    "_PSOAS_COMPLETE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
)

BYTECODE_NOTE = (
    "bytecode: cached in a temporary PYTHONPYCACHEPREFIX, as a user's install caches it\n"
    "          (PYTHONDONTWRITEBYTECODE cleared; nothing is written into the source tree)"
)


def add_venv_arguments(parser: argparse.ArgumentParser, shared_holds: str) -> None:
    """The --python and --shared options both scripts take."""
    parser.add_argument(
        "--python",
        default=sys.executable,
        metavar="PATH",
        help="python of the venv psoas is installed in; the psoas script is found next to it "
        "(default: the python running this script)",
    )
    parser.add_argument(
        "--shared",
        default=str(DEFAULT_SHARED),
        metavar="PATH",
        help=f"the shared folder holding {shared_holds} (default: <repo>/../shared)",
    )


def find_psoas(python_arg: str) -> tuple[Path, Path]:
    """The venv's python and its psoas script; exits 2 with a message if either is missing."""
    python = absolute(python_arg)
    problem = None
    psoas = venv_script(python, "psoas") if python.is_file() else None
    if not python.is_file():
        problem = f"no python at {python}"
    elif psoas is None:
        problem = f"no psoas script next to {python}: is psoas installed?"
    if problem or psoas is None:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    return python, psoas


def clean_env(pycache: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without what would skew the figures.

    Bytecode is cached in ``pycache``: with PYTHONDONTWRITEBYTECODE set (common in dev
    shells), an editable install recompiles its own modules from source on every run,
    which a user's install never does; a prefix keeps the caching without writing
    ``__pycache__`` folders into the checkout.
    """
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(extra)
    return env


def venv_script(python: Path, name: str) -> Path | None:
    """The console script ``name`` installed next to ``python`` (its bin/ or Scripts/)."""
    for candidate in (python.parent / name, python.parent / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    return None


def absolute(path: str) -> Path:
    # Not resolve(): a venv's python is a symlink to the base interpreter, and following
    # it would leave the venv.
    return Path(os.path.abspath(os.path.expanduser(path)))


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_machine(python: Path, title: str, env: dict[str, str]) -> None:
    """The machine and interpreter, so the figures can be recorded with where they came from."""
    target = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, importlib.metadata as m\n"
            "print(sys.version.split()[0])\n"
            "for d in ('psoas', 'typer', 'click', 'rich', 'rapidfuzz'):\n"
            "    try: print(d, m.version(d))\n"
            "    except m.PackageNotFoundError: print(d, '-')",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    lines = target.stdout.split("\n") if target.returncode == 0 else ["?"]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"# {title}")
    print(f"machine:  {platform.platform()} ({platform.machine()})")
    print(f"cpu:      {_cpu_model()}; {os.cpu_count()} CPUs, {usable} usable by this process")
    print(f"python:   {lines[0]} at {python}")
    packages = ", ".join(line for line in lines[1:] if line.strip())
    if packages:
        print(f"packages: {packages}")
    print(f"date:     {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print()


@dataclass(frozen=True)
class Run:
    """One finished process: wall time, peak resident memory, exit code."""

    seconds: float
    max_rss_mb: float
    returncode: int


def _rss_mb(ru_maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def run(
    argv: list[str],
    env: dict[str, str],
    cwd: Path,
    stdout_path: Path | None = None,
    stderr_path: Path | None = None,
    timeout: float = 900.0,
) -> Run:
    """Run one process and measure it.

    ``os.wait4`` gives the resource usage of exactly this child, so its peak memory is
    its own (``getrusage(RUSAGE_CHILDREN)`` keeps the largest child seen so far, which
    would hide a smaller process measured after a larger one).
    """
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for handle in (out, err):
            if not isinstance(handle, int):
                handle.close()
    return Run(seconds, _rss_mb(usage.ru_maxrss), process.returncode)


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return " | ".join(text.splitlines()[-lines:])
