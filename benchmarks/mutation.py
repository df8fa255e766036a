"""A mutation test of the matcher, the text analysis and the dataset loader, run by hand.

mutmut (3.x) makes small faults ("mutants") in psoas_cli/matcher.py, analysis.py and
dataset.py: a ``<`` made ``<=``, a constant changed, a call's argument dropped. A
mutant is killed when a test of those modules fails with it in place; one that
survives is a fault the tests would not notice, unless it changes nothing visible (an
equivalent mutant, listed below with why). The kill rate is measured on a sample of
the mutants, drawn with a fixed seed, so two runs on the same code test the same ones.

mutmut is not among the test extras (CI does not run this). Install it by hand into the
venv psoas is installed in, then run the script from anywhere:

    pip install 'mutmut>=3.8,<4'
    python benchmarks/mutation.py            # about 5 minutes on 2 cores

mutmut reads its settings from ``[tool.mutmut]`` in pyproject.toml (which modules, which
tests). It works in a copy of the checkout in a temporary folder, so nothing is written
into the source tree; ``--workdir DIR`` keeps the copy, to look at a mutant afterwards
(``cd DIR && mutmut show NAME``). Survivors are listed with their diffs. It reports and
exits 0 after measuring, PASS or FAIL alike (2 if it cannot start).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: What the copy holds: the package, its data, the tests and the settings. The README is
#: read by a test of the published calibration table.
COPIED = ("psoas_cli", "data", "tests", "pyproject.toml", "README.md")
MODULES = ("psoas_cli/analysis.py", "psoas_cli/dataset.py", "psoas_cli/matcher.py")
SAMPLE, SEED, TARGET = 300, 13, 0.90
#: One mutant run first, so that mutmut makes every mutant and records which tests call
#: which function; the sample is then drawn from what it made.
PRIMER = "psoas_cli.analysis.x_normalise_word__mutmut_1"

#: Mutants that change nothing a user or a caller can see, with why. Their names hold
#: for the code they were found in: a mutant listed here that no longer matches the
#: change described (see ``mutmut show``) is reported as stale.
EQUIVALENT: dict[str, str] = {}

#: mutmut's exit codes for a mutant (mutmut/stats.py), grouped as this report counts them.
KILLED = {1: "killed", 3: "killed"}
TIMEOUT = {24: "timeout", -24: "timeout", 36: "timeout", 152: "timeout", 255: "timeout"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mutation test of matcher.py, analysis.py and dataset.py on a fixed "
        "sample of mutants; prints the kill rate and the surviving mutants.",
        epilog="Exits 0 after measuring, PASS or FAIL alike: it reports, it does not gate.",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        metavar="PATH",
        help="python of the venv that has psoas and mutmut (default: the one running this)",
    )
    parser.add_argument("--sample", type=int, default=SAMPLE, metavar="N")
    parser.add_argument("--seed", type=int, default=SEED, metavar="N")
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="work in this folder (made anew) and keep it, instead of a temporary one",
    )
    parser.add_argument(
        "--no-diffs", action="store_true", help="list surviving mutants without their diffs"
    )
    return parser.parse_args()


def mutmut(python: str, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "mutmut", *args],
        cwd=work,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def prepare(work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)


def exit_codes(work: Path) -> dict[str, int | None]:
    """Every mutant mutmut made, with the exit code of its test run (None: not run)."""
    codes: dict[str, int | None] = {}
    for module in MODULES:
        meta = work / "mutants" / f"{module}.meta"
        codes.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return codes


def status(code: int | None) -> str:
    if code is None:
        return "not run"
    return KILLED.get(code) or TIMEOUT.get(code) or SURVIVED.get(code) or f"exit {code}"


def fail(message: str, result: subprocess.CompletedProcess[str] | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if result is not None:
        print((result.stdout + result.stderr)[-3000:], file=sys.stderr)
    return 2


def main() -> int:
    args = parse_args()
    check = subprocess.run(
        [args.python, "-c", "import importlib.metadata as m; print(m.version('mutmut'))"],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        return fail(f"no mutmut in {args.python}: pip install 'mutmut>=3.8,<4'")
    with tempfile.TemporaryDirectory(prefix="psoas-mutation-") as tmp:
        work = Path(args.workdir).resolve() if args.workdir else Path(tmp)
        prepare(work)
        print(f"# mutation test of {', '.join(MODULES)} (mutmut {check.stdout.strip()})")
        start = time.perf_counter()
        primed = mutmut(args.python, work, "run", PRIMER)
        if primed.returncode != 0 or not (work / "mutants" / f"{MODULES[0]}.meta").is_file():
            return fail("mutmut could not make the mutants", primed)
        everything = sorted(exit_codes(work))
        size = min(args.sample, len(everything))
        sample = sorted(random.Random(args.seed).sample(everything, size))
        print(f"mutants: {len(everything)}; sample: {size} (seed {args.seed})")
        ran = mutmut(args.python, work, "run", *sample)
        if ran.returncode != 0:
            return fail("mutmut run failed", ran)
        seconds = time.perf_counter() - start
        codes = exit_codes(work)
        return report(args, work, {name: status(codes[name]) for name in sample}, seconds)


def report(args: argparse.Namespace, work: Path, found: dict[str, str], seconds: float) -> int:
    counts: dict[str, int] = {}
    for state in found.values():
        counts[state] = counts.get(state, 0) + 1
    equivalent = [name for name in found if name in EQUIVALENT]
    # An equivalent mutant that a test kills was not equivalent after all.
    stale = [name for name in equivalent if found[name] in ("killed", "timeout")]
    survivors = [name for name, state in found.items() if state not in ("killed", "timeout")]
    blind = [name for name in survivors if name not in EQUIVALENT]
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    counted = len(found) - len(equivalent) + len(stale)
    print(f"time: {seconds / 60:.1f} min")
    print("outcomes: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    print(f"kill rate, all sampled mutants: {killed}/{len(found)} = {killed / len(found):.1%}")
    rate = killed / counted if counted else 0.0
    print(
        f"kill rate, leaving out {len(equivalent) - len(stale)} equivalent mutants: "
        f"{killed}/{counted} = {rate:.1%} (target {TARGET:.0%}: "
        f"{'PASS' if rate >= TARGET else 'FAIL'})"
    )
    for name in stale:
        print(f"listed as equivalent but killed (remove it from EQUIVALENT): {name}")
    if blind:
        print(f"\n{len(blind)} surviving mutants not known to be equivalent:")
    for name in blind:
        print(f"- {name} ({found[name]})")
        if not args.no_diffs:
            shown = mutmut(args.python, work, "show", name)
            diff = shown.stdout.strip().splitlines()[1:]
            print("\n".join(f"    {line}" for line in diff if line.startswith(("+", "-", "@"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
